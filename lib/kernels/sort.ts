import { FELL, orderSteps, ROSE, SCAN_SLICE, stepsInOrder } from './presorted.js';
import { specialiser } from './specialise.js';
import type { KernelSteps, NumericArray } from './types.js';

/**
 * The view the hot loops are written against. Every NumericArray fits it at run time: `<` orders
 * bigints as well as numbers, and only float arrays reach the NaN and signed-zero passes.
 */
export interface Keys {
  [index: number]: number;
  readonly length: number;
  fill(value: number, start: number, end: number): unknown;
  subarray(begin: number, end: number): Keys;
  slice(begin: number, end: number): Keys;
  set(source: Keys): void;
  reverse(): unknown;
}

/** Element visits between yields: about 1–3 ms of sorting work. */
export const SLICE_WORK = 1 << 19;
/** Quicksort leaves ranges this short to insertion sort. */
const INSERTION_CUTOFF = 24;
/** Ranges at least this long take a ninther rather than a median of 3 as pivot. */
const NINTHER_CUTOFF = 128;
/** Merge sort insertion-sorts runs of this length before merging. */
const RUN = 32;

function isFloatArray(array: NumericArray): boolean {
  return array instanceof Float64Array || array instanceof Float32Array;
}

/** A new zero-filled array of the same type and length. */
function scratchFor(array: NumericArray): Keys {
  const Ctor = array.constructor as new (length: number) => NumericArray;
  return new Ctor(array.length) as unknown as Keys;
}

const kernelsFor = specialiser(
  {
    quickSort, mergeSort, partitionSome, pivotIndex, median3, insertionSort, heapSort, siftDown,
    swapNaNsBack, compactNumbers, copyRange, mergeChunk, takenFromLeft, orderZeros,
    firstNotBelow, firstAbove, inOrderOrReversed, orderSteps, stepsInOrder, reverseInSlices,
  },
  { SLICE_WORK, INSERTION_CUTOFF, NINTHER_CUTOFF, RUN, ROSE, FELL, SCAN_SLICE },
);

export function quickSortSteps(array: NumericArray, descending: boolean): KernelSteps {
  return kernelsFor(array).quickSort(array as unknown as Keys, isFloatArray(array), descending);
}

export function mergeSortSteps(array: NumericArray, descending: boolean): KernelSteps {
  const a = array as unknown as Keys;
  return kernelsFor(array).mergeSort(a, scratchFor(array), isFloatArray(array), descending);
}

/**
 * In-place introsort. For floats, NaNs are swapped behind the numbers first, so the sort proper
 * only meets values that `<` orders. Descending reverses the ascending result: equal values are
 * indistinguishable, so that is the same as sorting descending.
 */
function* quickSort(a: Keys, float: boolean, descending: boolean): KernelSteps {
  if (yield* inOrderOrReversed(a, descending)) return;
  let work = 0;
  let end = a.length;
  if (float) {
    end = 0;
    for (let from = 0; from < a.length; from += SLICE_WORK) {
      const to = Math.min(a.length, from + SLICE_WORK);
      end = swapNaNsBack(a, from, to, end);
      work += to - from;
      if (work >= SLICE_WORK) { work = 0; yield; }
    }
  }

  // Explicit stack of [lo, hi, depth budget] triples. The loop always continues into the smaller
  // side and stacks the larger, so the stack holds O(log n) ranges.
  const stack = [0, end, 2 * Math.floor(Math.log2(Math.max(end, 1)))];
  const cursor: Cursor = { i: 0, j: 0 };
  while (stack.length > 0) {
    let depth = stack.pop()!;
    let hi = stack.pop()!;
    let lo = stack.pop()!;
    while (hi - lo > INSERTION_CUTOFF) {
      if (depth === 0) {
        // Pivots keep going bad: switch to heapsort's guaranteed O(n log n).
        heapSort(a, lo, hi);
        work += (hi - lo) * Math.log2(hi - lo);
        lo = hi;
        break;
      }
      depth--;
      const pivot = a[pivotIndex(a, lo, hi)];
      cursor.i = lo - 1;
      cursor.j = hi;
      while (!partitionSome(a, pivot, cursor, SLICE_WORK)) yield;
      work += hi - lo;
      // When the scans met on one element it equals the pivot and is already in place.
      const leftHi = cursor.i;
      const rightLo = cursor.i === cursor.j ? cursor.i + 1 : cursor.i;
      if (leftHi - lo < hi - rightLo) {
        stack.push(rightLo, hi, depth);
        hi = leftHi;
      } else {
        stack.push(lo, leftHi, depth);
        lo = rightLo;
      }
      if (work >= SLICE_WORK) { work = 0; yield; }
    }
    insertionSort(a, lo, hi);
    work += hi - lo;
  }

  if (float) orderZeros(a, end);
  if (descending) yield* reverseInSlices(a, end);
}

/**
 * Stable merge sort with one scratch array: insertion-sorted runs, then merge passes that
 * ping-pong between the array and the scratch. Long merges are cut into output chunks found by
 * co-ranking, so one merge can span several slices. NaNs and descending order are handled as in
 * quickSort, but with a stable compaction for the NaNs.
 */
function* mergeSort(a: Keys, scratch: Keys, float: boolean, descending: boolean): KernelSteps {
  if (yield* inOrderOrReversed(a, descending)) return;
  const n = a.length;
  let work = 0;
  let end = n;
  if (float) {
    // Stable compaction: numbers move forward in `a`, NaNs wait in `scratch`, then go behind.
    end = 0;
    for (let from = 0; from < n; from += SLICE_WORK) {
      const to = Math.min(n, from + SLICE_WORK);
      end = compactNumbers(a, scratch, from, to, end);
      work += to - from;
      if (work >= SLICE_WORK) { work = 0; yield; }
    }
    copyRange(scratch, 0, a, end, n - end);
  }

  for (let lo = 0; lo < end; lo += RUN) {
    insertionSort(a, lo, Math.min(lo + RUN, end));
    work += RUN;
    if (work >= SLICE_WORK) { work = 0; yield; }
  }
  let src = a;
  let dst = scratch;
  for (let width = RUN; width < end; width *= 2) {
    for (let lo = 0; lo < end; lo += 2 * width) {
      const mid = Math.min(lo + width, end);
      const hi = Math.min(lo + 2 * width, end);
      if (mid === hi || !(src[mid] < src[mid - 1])) {
        copyRange(src, lo, dst, lo, hi - lo); // already in order (or no right run)
        work += hi - lo;
        if (work >= SLICE_WORK) { work = 0; yield; }
        continue;
      }
      for (let k = lo; k < hi; k += SLICE_WORK) {
        const kEnd = Math.min(hi, k + SLICE_WORK);
        mergeChunk(src, dst, lo, mid, hi, k, kEnd);
        work += kEnd - k;
        if (work >= SLICE_WORK) { work = 0; yield; }
      }
    }
    [src, dst] = [dst, src];
  }
  if (src !== a) copyRange(src, 0, a, 0, end);

  if (float) orderZeros(a, end);
  if (descending) yield* reverseInSlices(a, end);
}

/**
 * Whether a is in the sort's order already (presorted.ts), or in the reverse of it, which it is then
 * reversed into: either way it is sorted, and the sort is skipped. Input in neither order is given
 * away by its first few elements, so this costs a sort nothing; input in order costs one pass
 * instead of a sort.
 */
function* inOrderOrReversed(a: Keys, descending: boolean): Generator<void, boolean, void> {
  const seen = yield* orderSteps(a, 0, a.length, descending, false);
  if (seen === (ROSE | FELL)) return false;
  if (seen === FELL) yield* reverseInSlices(a, a.length);
  return true;
}

/**
 * Reverses a[0, end) in steps of about SLICE_WORK elements from each end, so that an async sort
 * still yields (TypedArray#reverse of 5e7 doubles holds the thread for tens of milliseconds). Each
 * step swaps a block from the front with the mirrored block from the back with the built-in set and
 * reverse, several times faster than a loop of swaps.
 */
function* reverseInSlices(a: Keys, end: number): KernelSteps {
  let lo = 0;
  let hi = end;
  if (hi - lo > 2 * SLICE_WORK) {
    const held = a.slice(0, SLICE_WORK);
    while (hi - lo > 2 * SLICE_WORK) {
      const front = a.subarray(lo, lo + SLICE_WORK);
      const back = a.subarray(hi - SLICE_WORK, hi);
      held.set(front);
      front.set(back);
      front.reverse();
      back.set(held);
      back.reverse();
      lo += SLICE_WORK;
      hi -= SLICE_WORK;
      yield;
    }
  }
  a.subarray(lo, hi).reverse();
}

/** Hoare partition state, kept between calls so one long partition can span several slices. */
interface Cursor { i: number; j: number }

/**
 * Advances a Hoare partition around the value `pivot` (taken from the range, which bounds both
 * scans) by about `budget` elements; starts from i = lo - 1, j = hi. Returns true once the scans
 * have crossed: then [lo, i) <= pivot <= [i, hi), and a[i] == pivot when i === j. Both scans stop
 * on elements equal to the pivot, so equal keys are split evenly and all-equal input stays
 * O(n log n).
 */
function partitionSome(a: Keys, pivot: number, cursor: Cursor, budget: number): boolean {
  let i = cursor.i;
  let j = cursor.j;
  const stopGap = j - i - budget;
  for (;;) {
    do i++; while (a[i] < pivot);
    do j--; while (pivot < a[j]);
    if (i >= j) break;
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
    if (j - i <= stopGap) break;
  }
  cursor.i = i;
  cursor.j = j;
  return i >= j;
}

function pivotIndex(a: Keys, lo: number, hi: number): number {
  const mid = lo + ((hi - lo) >>> 1);
  if (hi - lo < NINTHER_CUTOFF) return median3(a, lo, mid, hi - 1);
  const s = (hi - lo) >>> 3;
  return median3(
    a,
    median3(a, lo, lo + s, lo + 2 * s),
    median3(a, mid - s, mid, mid + s),
    median3(a, hi - 1 - 2 * s, hi - 1 - s, hi - 1),
  );
}

function median3(a: Keys, i: number, j: number, k: number): number {
  const x = a[i];
  const y = a[j];
  const z = a[k];
  if (x < y) return y < z ? j : x < z ? k : i;
  return x < z ? i : y < z ? k : j;
}

function insertionSort(a: Keys, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= lo && x < a[j]) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

function heapSort(a: Keys, lo: number, hi: number): void {
  const n = hi - lo;
  for (let i = (n >>> 1) - 1; i >= 0; i--) siftDown(a, lo, i, n);
  for (let last = n - 1; last > 0; last--) {
    const t = a[lo];
    a[lo] = a[lo + last];
    a[lo + last] = t;
    siftDown(a, lo, 0, last);
  }
}

function siftDown(a: Keys, lo: number, i: number, n: number): void {
  const x = a[lo + i];
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && a[lo + c] < a[lo + c + 1]) c++;
    if (!(x < a[lo + c])) break;
    a[lo + i] = a[lo + c];
    i = c;
  }
  a[lo + i] = x;
}

/** Swaps the numbers of [from, to) down to the write position `w`; returns the new `w`. */
function swapNaNsBack(a: Keys, from: number, to: number, w: number): number {
  for (let i = from; i < to; i++) {
    const x = a[i];
    if (x === x) {
      if (w !== i) {
        a[i] = a[w];
        a[w] = x;
      }
      w++;
    }
  }
  return w;
}

/**
 * Moves the numbers of [from, to) down to the write position `w` in order, and the NaNs in order
 * to `nans` (the i-th NaN seen so far at index i); returns the new `w`.
 */
function compactNumbers(a: Keys, nans: Keys, from: number, to: number, w: number): number {
  for (let i = from; i < to; i++) {
    const x = a[i];
    if (x === x) a[w++] = x;
    else nans[i - w] = x;
  }
  return w;
}

function copyRange(src: Keys, from: number, dst: Keys, to: number, count: number): void {
  for (let t = 0; t < count; t++) dst[to + t] = src[from + t];
}

/**
 * Writes output positions [k0, k1) of the stable merge of src[lo, mid) and src[mid, hi) to dst.
 */
function mergeChunk(
  src: Keys, dst: Keys, lo: number, mid: number, hi: number, k0: number, k1: number,
): void {
  let i = lo + takenFromLeft(src, lo, mid, hi, k0 - lo);
  let j = mid + (k0 - i);
  const iEnd = lo + takenFromLeft(src, lo, mid, hi, k1 - lo);
  const jEnd = mid + (k1 - iEnd);
  let k = k0;
  while (i < iEnd && j < jEnd) {
    const x = src[i];
    const y = src[j];
    if (y < x) {
      dst[k++] = y;
      j++;
    } else {
      dst[k++] = x;
      i++;
    }
  }
  while (i < iEnd) dst[k++] = src[i++];
  while (j < jEnd) dst[k++] = src[j++];
}

/**
 * Co-rank: how many of the first `k` outputs of the stable merge of the sorted runs
 * src[lo, mid) and src[mid, hi) come from the left run (which wins ties).
 */
export function takenFromLeft(src: Keys, lo: number, mid: number, hi: number, k: number): number {
  let low = Math.max(0, k - (hi - mid));
  let high = Math.min(k, mid - lo);
  while (low < high) {
    const i = low + ((high - low) >>> 1);
    if (src[lo + i] <= src[mid + k - i - 1]) low = i + 1;
    else high = i;
  }
  return low;
}

/**
 * `<` treats -0 and +0 as equal, so the sorted range holds one run of mixed zeros; this rewrites
 * it as all -0s, then all +0s.
 */
function orderZeros(a: Keys, end: number): void {
  const z0 = firstNotBelow(a, 0, end, 0);
  const z1 = firstAbove(a, z0, end, 0);
  let negatives = 0;
  for (let i = z0; i < z1; i++) if (1 / a[i] < 0) negatives++;
  a.fill(-0, z0, z0 + negatives);
  a.fill(0, z0 + negatives, z1);
}

/** First index in the sorted range [lo, hi) whose value is not below `v`. */
export function firstNotBelow(a: Keys, lo: number, hi: number, v: number): number {
  while (lo < hi) {
    const m = lo + ((hi - lo) >>> 1);
    if (a[m] < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** First index in the sorted range [lo, hi) whose value is above `v`. */
export function firstAbove(a: Keys, lo: number, hi: number, v: number): number {
  while (lo < hi) {
    const m = lo + ((hi - lo) >>> 1);
    if (v < a[m]) hi = m;
    else lo = m + 1;
  }
  return lo;
}
