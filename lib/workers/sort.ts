// sort on the workers backend. 32- and 64-bit types sort as order-preserving unsigned keys
// (kernels/keys.ts), so no phase compares numbers:
//   merge: each part radix-sorts one run, then rounds of merge-path merges, every part writing an
//          equal slice of each round's output (records.ts);
//   quick: a sample sort: splitters from a sample cut the keys into one bucket per part (count,
//          then scatter), and each part radix-sorts its bucket.
// 8- and 16-bit types take a counting sort: per-part histograms, then each part writes a slice.
// The last phase turns keys back into values, straight into the caller's array when it is shared.
// Before any of that, input already in the sort's order is left as it is and input in the reverse
// order is reversed, in parallel blocks (presorted.ts).
import type { SortJob } from '../backends/backend.js';
import { countValues, writeSortedSlice } from '../kernels/counting.js';
import { keyCodec, narrowBits, toSortKeys, wordsOf, type KeyCodec } from '../kernels/keys.js';
import { radixSortRecords, type RecordWidth } from '../kernels/radix.js';
import { chooseSplitters, countBuckets, scatterBuckets } from '../kernels/sample.js';
import { inSlices, type KernelSteps, type NumericArray } from '../kernels/types.js';
import { ranges, splitRange, type Plan } from './plan.js';
import { presortedOrder } from './presorted.js';
import { finishRecords, mergeRounds, roundsFor, type Finish } from './records.js';
import { isShared, SharedMemory, sharedCounts } from './shared.js';
import { AUTO_SORT, SAMPLE_PER_BUCKET } from './tuning.js';

export function* sortPlan(job: SortJob, parts: number): Plan {
  const { array, descending } = job;
  const inPlace = isShared(array);
  const memory = new SharedMemory();
  const data = memory.shareable(array);
  const order = yield* presortedOrder(data, parts, descending, false);
  if (order !== 'neither') {
    if (order === 'reversed') {
      yield {
        parts: ranges(splitRange(data.length >>> 1, parts)).map(([lo, hi]) => ({ op: 'sortReverse', args: { data, lo, hi } satisfies ReverseArgs })),
        commits: inPlace,
      };
      if (!inPlace) array.set(data as never);
    }
    memory.release();
    return;
  }
  const codec = keyCodec(data);
  if (codec === undefined) {
    yield* countingSort(data, parts, descending, inPlace);
  } else {
    // 'radix' takes the merge sort too: its runs are LSD radix sorted.
    const algorithm = job.algorithm === 'auto' ? AUTO_SORT : job.algorithm;
    const sort = algorithm === 'quick' && parts > 1 ? sampleSort : mergeSort;
    yield* sort(memory, codec, wordsOf(data), data.length, parts, descending, inPlace);
  }
  if (!inPlace) array.set(data as never);
  memory.release();
}

function* mergeSort(
  memory: SharedMemory, codec: KeyCodec, source: Uint32Array, n: number, parts: number, descending: boolean, inPlace: boolean,
): Plan {
  const width = codec.words;
  // Keys are made in place in a copy of the caller's array; the caller's own shared memory is
  // written only by the last phase.
  const keys = inPlace ? memory.words(n * width) : source;
  const scratch = memory.words(n * width);
  const finish: Finish = { kind: 'values', codec, target: source, descending };
  // The last round must write `keys`: when keys and source are one buffer, the last round then
  // finishes each slice where it wrote it, while the round's other reads go to `scratch`.
  const [runs, other] = roundsFor(parts) % 2 === 0 ? [keys, scratch] : [scratch, keys];
  const bounds = splitRange(n, parts);
  yield {
    parts: ranges(bounds).map(([lo, hi]) => ({
      op: 'sortRun',
      args: { codec, source, keys: runs, scratch: other, lo, hi, descending, finish: parts === 1 ? finish : undefined } satisfies SortRunArgs,
    })),
    commits: inPlace && parts === 1,
  };
  yield* mergeRounds(runs, other, width, bounds, finish, inPlace);
}

function* sampleSort(
  memory: SharedMemory, codec: KeyCodec, source: Uint32Array, n: number, parts: number, descending: boolean, inPlace: boolean,
): Plan {
  const width = codec.words;
  const keys = inPlace ? memory.words(n * width) : source;
  const buckets = memory.words(n * width);
  const splitters = chooseSplitters(sampleKeys(codec, source, n, parts * SAMPLE_PER_BUCKET, descending), width, parts);
  // counts[p·parts + b]: how many keys of part p's range go to bucket b.
  const counts = sharedCounts(parts * parts);
  const chunks = ranges(splitRange(n, parts));
  yield {
    parts: chunks.map(([lo, hi], p) => ({
      op: 'sortClassify',
      args: { codec, source, keys, lo, hi, descending, splitters, counts: counts.subarray(p * parts, (p + 1) * parts) } satisfies ClassifyArgs,
    })),
  };
  // Bucket b starts after all smaller buckets; within it, part p's keys follow those of parts < p.
  const bucketBounds = [0];
  const offsets = sharedCounts(parts * parts);
  for (let b = 0; b < parts; b++) {
    let at = bucketBounds[b];
    for (let p = 0; p < parts; p++) {
      offsets[p * parts + b] = at;
      at += counts[p * parts + b];
    }
    bucketBounds.push(at);
  }
  yield {
    parts: chunks.map(([lo, hi], p) => ({
      op: 'sortScatter',
      args: { src: keys, dst: buckets, width, lo, hi, splitters, offsets: offsets.subarray(p * parts, (p + 1) * parts) } satisfies ScatterArgs,
    })),
  };
  const finish: Finish = { kind: 'values', codec, target: source, descending };
  yield {
    parts: ranges(bucketBounds).filter(([lo, hi]) => hi > lo).map(([lo, hi]) => ({
      op: 'sortBucket',
      args: { keys: buckets, scratch: keys, width, lo, hi, finish } satisfies BucketArgs,
    })),
    commits: inPlace,
  };
}

/** The keys of `count` elements spread over the array (every key when count >= n). */
function sampleKeys(codec: KeyCodec, source: Uint32Array, n: number, count: number, descending: boolean): Uint32Array {
  const width = codec.words;
  const taken = Math.min(n, count);
  const sample = new Uint32Array(taken * width);
  const stride = n / taken;
  for (let s = 0; s < taken; s++) {
    // One element from each of `taken` equal strides, at a scrambled place within the stride.
    const at = Math.floor(s * stride + ((s * 0x9e3779b1) >>> 0) / 2 ** 32 * stride);
    sample.set(source.subarray(at * width, (at + 1) * width), s * width);
  }
  toSortKeys(codec, sample, sample, 0, taken, descending);
  return sample;
}

function* countingSort(data: NumericArray, parts: number, descending: boolean, inPlace: boolean): Plan {
  const { bits, signFlip } = narrowBits(data)!;
  const bins = bits instanceof Uint8Array ? 1 << 8 : 1 << 16;
  const counts = sharedCounts(parts * bins);
  yield {
    parts: ranges(splitRange(data.length, parts)).map(([lo, hi], p) => ({
      op: 'countValues',
      args: { bits, lo, hi, signFlip, counts: counts.subarray(p * bins, (p + 1) * bins) } satisfies CountArgs,
    })),
  };
  const total = sharedCounts(bins);
  for (let p = 0; p < parts; p++) for (let b = 0; b < bins; b++) total[b] += counts[p * bins + b];
  yield {
    parts: ranges(splitRange(data.length, parts)).map(([k0, k1]) => ({
      op: 'writeSorted',
      args: { bits, counts: total, k0, k1, signFlip, descending } satisfies WriteArgs,
    })),
    commits: inPlace,
  };
}

export interface ReverseArgs {
  data: NumericArray;
  /** The range of the first half whose elements trade places with their mirror images. */
  lo: number;
  hi: number;
}

function sortReverse({ data, lo, hi }: ReverseArgs): KernelSteps {
  const n = data.length;
  // Each block trades places with its mirror image through the built-in set and reverse.
  return inSlices(lo, hi, (from, to) => {
    const front = data.subarray(from, to);
    const back = data.subarray(n - to, n - from);
    const held = front.slice();
    front.set(back as never);
    front.reverse();
    back.set(held as never);
    back.reverse();
  });
}

export interface SortRunArgs {
  codec: KeyCodec;
  source: Uint32Array;
  keys: Uint32Array;
  scratch: Uint32Array;
  lo: number;
  hi: number;
  descending: boolean;
  finish: Finish | undefined;
}

function* sortRun({ codec, source, keys, scratch, lo, hi, descending, finish }: SortRunArgs): KernelSteps {
  yield* inSlices(lo, hi, (from, to) => toSortKeys(codec, source, keys, from, to, descending));
  yield* radixSortRecords(keys, scratch, lo, hi, codec.words, 0);
  if (finish !== undefined) yield* finishRecords(finish, keys, codec.words, lo, hi);
}

export interface ClassifyArgs {
  codec: KeyCodec;
  source: Uint32Array;
  keys: Uint32Array;
  lo: number;
  hi: number;
  descending: boolean;
  splitters: Uint32Array;
  counts: Int32Array;
}

function* sortClassify({ codec, source, keys, lo, hi, descending, splitters, counts }: ClassifyArgs): KernelSteps {
  yield* inSlices(lo, hi, (from, to) => toSortKeys(codec, source, keys, from, to, descending));
  yield* inSlices(lo, hi, (from, to) => countBuckets(keys, codec.words, from, to, splitters, counts));
}

export interface ScatterArgs {
  src: Uint32Array;
  dst: Uint32Array;
  width: 1 | 2;
  lo: number;
  hi: number;
  splitters: Uint32Array;
  offsets: Int32Array;
}

function sortScatter({ src, dst, width, lo, hi, splitters, offsets }: ScatterArgs): KernelSteps {
  return inSlices(lo, hi, (from, to) => scatterBuckets(src, dst, width, from, to, splitters, offsets));
}

export interface BucketArgs {
  keys: Uint32Array;
  scratch: Uint32Array;
  width: RecordWidth;
  lo: number;
  hi: number;
  finish: Finish;
}

function* sortBucket({ keys, scratch, width, lo, hi, finish }: BucketArgs): KernelSteps {
  yield* radixSortRecords(keys, scratch, lo, hi, width, 0);
  yield* finishRecords(finish, keys, width, lo, hi);
}

export interface CountArgs {
  bits: Uint8Array | Uint16Array;
  lo: number;
  hi: number;
  signFlip: number;
  counts: Int32Array;
}

function countPart({ bits, lo, hi, signFlip, counts }: CountArgs): KernelSteps {
  return inSlices(lo, hi, (from, to) => countValues(bits, from, to, signFlip, counts));
}

export interface WriteArgs {
  bits: Uint8Array | Uint16Array;
  counts: Int32Array;
  k0: number;
  k1: number;
  signFlip: number;
  descending: boolean;
}

function* writePart({ bits, counts, k0, k1, signFlip, descending }: WriteArgs): KernelSteps {
  writeSortedSlice(bits, counts, k0, k1, signFlip, descending);
}

export const sortOps = { sortReverse, sortRun, sortClassify, sortScatter, sortBucket, countValues: countPart, writeSorted: writePart };
