// The js backend: the pure-TypeScript kernels on the calling thread. The kernels are generators
// that yield between slices of work; the sync forms run them straight through, the async forms
// give the event loop a turn between slices (so a long call never stalls it) and check the
// AbortSignal there. Async forms work on a copy and write it back at the end, so an aborted call
// leaves the caller's arrays as they were.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AbortError } from '../errors.js';
import { argsortSteps } from '../kernels/argsort.js';
import { gemmSteps } from '../kernels/matmul.js';
import { mergeSortSteps, quickSortSteps } from '../kernels/sort.js';
import { runToEnd, type FloatArray, type KernelSteps, type NumericArray } from '../kernels/types.js';
import type { ArgsortJob, Backend, MatmulJob, SortJob } from './backend.js';

/** How long a slice may hold the event loop before the async forms yield. */
const SLICE_MS = 4;
/** Elements copied between yields when an async form copies an array in or out: about 1 ms. A
 * 20 MB array copied in one go would hold the event loop for 5–10 ms at each end of the call. */
const COPY_CHUNK = 1 << 18;

async function runSliced(steps: KernelSteps, signal: AbortSignal | undefined): Promise<void> {
  for (;;) {
    if (signal?.aborted) throw new AbortError(signal.reason);
    const sliceEnd = performance.now() + SLICE_MS;
    do {
      if (steps.next().done) return;
    } while (performance.now() < sliceEnd);
    await yieldToEventLoop();
  }
}

/** A copy of `array`, made a chunk at a time with the event loop's turns in between. */
async function copyOf<T extends NumericArray>(array: T, signal: AbortSignal | undefined): Promise<T> {
  const copy = new (array.constructor as new (length: number) => T)(array.length);
  for (let i = 0; i < array.length; i += COPY_CHUNK) {
    if (i > 0) await yieldToEventLoop();
    if (signal?.aborted) throw new AbortError(signal.reason);
    copy.set(array.subarray(i, i + COPY_CHUNK) as never, i);
  }
  return copy;
}

/** Writes `from` back into `to`, a chunk at a time. The commit: no abort is taken from here on. */
async function writeBack<T extends NumericArray>(from: T, to: T): Promise<void> {
  for (let i = 0; i < from.length; i += COPY_CHUNK) {
    if (i > 0) await yieldToEventLoop();
    to.set(from.subarray(i, i + COPY_CHUNK) as never, i);
  }
}

function sortSteps(array: NumericArray, job: SortJob): KernelSteps {
  // 'auto' takes quicksort: for a value sort, stable and unstable orders are indistinguishable.
  return job.algorithm === 'merge' ? mergeSortSteps(array, job.descending) : quickSortSteps(array, job.descending);
}

function gemmInto(job: MatmulJob, c: FloatArray): KernelSteps {
  return gemmSteps({ ...job, c });
}

export const jsBackend: Backend = {
  name: 'js',
  matmulSync: (job) => runToEnd(gemmInto(job, job.out)),
  async matmul(job, signal) {
    const c = await copyOf(job.out, signal);
    await runSliced(gemmInto(job, c), signal);
    await writeBack(c, job.out);
  },
  sortSync: (job) => runToEnd(sortSteps(job.array, job)),
  async sort(job, signal) {
    const copy = await copyOf(job.array, signal);
    await runSliced(sortSteps(copy, job), signal);
    await writeBack(copy, job.array);
  },
  argsortSync: (job) => runToEnd(argsortSteps(job.array, job.descending, job.out)),
  async argsort(job, signal) {
    // The kernel uses its output as scratch, and `out` may be the caller's (options.out).
    const indices = new Uint32Array(job.out.length);
    await runSliced(argsortSteps(job.array, job.descending, indices), signal);
    await writeBack(indices, job.out);
  },
};
