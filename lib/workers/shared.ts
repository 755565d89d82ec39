// SharedArrayBuffer plumbing: workers see only shared memory, so a caller's array is used in place
// when it already lives in a SharedArrayBuffer and copied into one otherwise. Scratch memory is
// reused across calls: fresh memory costs a page fault per 4 KiB page on first touch (about 4 ms
// per 8 MB here), as much as a radix pass over it.
import type { NumericArray } from '../kernels/types.js';
import { SCRATCH_CACHE_BYTES, SCRATCH_CACHE_MS } from './tuning.js';

export function isShared(view: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer;
}

type Ctor<T> = { new (buffer: SharedArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/**
 * The shared memory of one call. Its buffers go back to a process-wide cache when the call has
 * completed (release()); a failed or aborted call drops them instead, since parts it started may
 * still be writing to them.
 */
export class SharedMemory {
  private readonly taken: SharedArrayBuffer[] = [];

  /** `array` itself when it is on shared memory, else a copy on shared memory. */
  shareable<T extends NumericArray>(array: T): T {
    if (isShared(array)) return array;
    const copy = this.like(array, array.length);
    copy.set(array as never);
    return copy;
  }

  /** An array of the type of `like`, its contents undefined (a reused buffer is not cleared). */
  like<T extends NumericArray>(like: T, length: number): T {
    return this.view(like.constructor as Ctor<T>, length);
  }

  /** 32-bit words, contents undefined. */
  words(length: number): Uint32Array {
    return this.view(Uint32Array, length);
  }

  release(): void {
    for (const buffer of this.taken.splice(0)) cacheBuffer(buffer);
  }

  private view<T>(ctor: Ctor<T>, length: number): T {
    const buffer = takeBuffer(length * ctor.BYTES_PER_ELEMENT);
    this.taken.push(buffer);
    return new ctor(buffer, 0, length);
  }
}

/** Zero-filled counters on fresh shared memory (small, so never cached). */
export function sharedCounts(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

const cache: SharedArrayBuffer[] = [];
let cachedBytes = 0;
let dropTimer: ReturnType<typeof setTimeout> | undefined;

/** The smallest cached buffer of at least `bytes` (and not wastefully larger), or a new one. */
function takeBuffer(bytes: number): SharedArrayBuffer {
  let best = -1;
  for (let i = 0; i < cache.length; i++) {
    const size = cache[i].byteLength;
    if (size >= bytes && size <= 2 * bytes + 4096 && (best < 0 || size < cache[best].byteLength)) best = i;
  }
  if (best < 0) return new SharedArrayBuffer(bytes);
  const [buffer] = cache.splice(best, 1);
  cachedBytes -= buffer.byteLength;
  return buffer;
}

function cacheBuffer(buffer: SharedArrayBuffer): void {
  cache.push(buffer);
  cachedBytes += buffer.byteLength;
  while (cachedBytes > SCRATCH_CACHE_BYTES) cachedBytes -= cache.shift()!.byteLength;
  // Idle memory goes back after a while; the timer never keeps the process alive.
  clearTimeout(dropTimer);
  dropTimer = setTimeout(() => {
    cache.length = 0;
    cachedBytes = 0;
  }, SCRATCH_CACHE_MS).unref();
}
