import { FELL, orderSteps, ROSE, SCAN_SLICE, stepsInOrder } from './presorted.js';
import { firstAbove, firstNotBelow, type Keys, SLICE_WORK, takenFromLeft } from './sort.js';
import { specialiser } from './specialise.js';
import type { KernelSteps, NumericArray } from './types.js';

type BigIntArrayConstructor = new (length: number) => BigInt64Array | BigUint64Array;

/** Pairs are insertion-sorted in runs of this length before merging. */
const RUN = 32;

const kernelsFor = specialiser(
  {
    argsort, loadNumberKeys, loadBigIntKeys, insertionSortPairs, mergePairsChunk, copyPairs,
    orderZeroIndices, takenFromLeft, firstNotBelow, firstAbove, identityIfPresorted, orderSteps, stepsInOrder,
  },
  { SLICE_WORK, RUN, ROSE, FELL, SCAN_SLICE },
);

/**
 * Stable argsort: a merge sort of (key, index) pairs, so the merge loops read keys contiguously
 * instead of gathering them through the indices. Number keys are copied into a Float64Array,
 * which holds every number element type exactly; bigint keys into an array of their own type.
 * Descending sorts the keys mapped by an order-reversing bijection (-x, or ~x for bigints) in
 * ascending order, which keeps equal keys in index order, and -x also swaps -0 with +0 as
 * descending order wants. NaNs take no part: their indices go last, in index order.
 */
export function argsortSteps(
  array: NumericArray,
  descending: boolean,
  out: Uint32Array,
): KernelSteps {
  const n = array.length;
  const bigint = array instanceof BigInt64Array || array instanceof BigUint64Array;
  const newKeys = () =>
    (bigint ? new (array.constructor as BigIntArrayConstructor)(n) : new Float64Array(n)) as
      unknown as Keys;
  return kernelsFor(array).argsort(
    array as unknown as Keys,
    bigint,
    descending,
    out as unknown as Keys,
    newKeys(),
    newKeys(),
    new Uint32Array(n) as unknown as Keys,
  );
}

function* argsort(
  array: Keys,
  bigint: boolean,
  descending: boolean,
  out: Keys,
  keys: Keys,
  keyScratch: Keys,
  indexScratch: Keys,
): KernelSteps {
  if (yield* identityIfPresorted(array, descending, out)) return;
  const n = array.length;
  let work = 0;
  let end = 0;
  for (let from = 0; from < n; from += SLICE_WORK) {
    const to = Math.min(n, from + SLICE_WORK);
    end = bigint
      ? loadBigIntKeys(array, keys, out, from, to, descending)
      : loadNumberKeys(array, keys, out, from, to, end, descending);
    work += to - from;
    if (work >= SLICE_WORK) { work = 0; yield; }
  }
  out.subarray(end, n).reverse(); // NaN indices were written from the back

  for (let lo = 0; lo < end; lo += RUN) {
    insertionSortPairs(keys, out, lo, Math.min(lo + RUN, end));
    work += RUN;
    if (work >= SLICE_WORK) { work = 0; yield; }
  }
  let srcKeys = keys;
  let srcIndex = out;
  let dstKeys = keyScratch;
  let dstIndex = indexScratch;
  for (let width = RUN; width < end; width *= 2) {
    for (let lo = 0; lo < end; lo += 2 * width) {
      const mid = Math.min(lo + width, end);
      const hi = Math.min(lo + 2 * width, end);
      if (mid === hi || !(srcKeys[mid] < srcKeys[mid - 1])) {
        copyPairs(srcKeys, srcIndex, dstKeys, dstIndex, lo, hi); // already in order
        work += hi - lo;
        if (work >= SLICE_WORK) { work = 0; yield; }
        continue;
      }
      for (let k = lo; k < hi; k += SLICE_WORK) {
        const kEnd = Math.min(hi, k + SLICE_WORK);
        mergePairsChunk(srcKeys, srcIndex, dstKeys, dstIndex, lo, mid, hi, k, kEnd);
        work += kEnd - k;
        if (work >= SLICE_WORK) { work = 0; yield; }
      }
    }
    [srcKeys, dstKeys] = [dstKeys, srcKeys];
    [srcIndex, dstIndex] = [dstIndex, srcIndex];
  }
  if (srcIndex !== out) {
    for (let t = 0; t < end; t++) out[t] = srcIndex[t];
  }
  if (!bigint) orderZeroIndices(srcKeys, out, indexScratch, end);
}

/**
 * Writes the indices in order to `out` when `array` is in its argsort's order already, or in reverse
 * order when it strictly decreases in that order (presorted.ts), and returns true; false otherwise.
 */
function* identityIfPresorted(array: Keys, descending: boolean, out: Keys): Generator<void, boolean, void> {
  const n = array.length;
  const seen = yield* orderSteps(array, 0, n, descending, true);
  if (seen === (ROSE | FELL)) return false;
  for (let from = 0; from < n; from += SLICE_WORK) {
    const to = Math.min(n, from + SLICE_WORK);
    if (seen === FELL) {
      for (let i = from; i < to; i++) out[i] = n - 1 - i;
    } else {
      for (let i = from; i < to; i++) out[i] = i;
    }
    yield;
  }
  return true;
}

/**
 * Copies the number keys of array[from, to) (negated when descending) and their indices to
 * position `w` on; returns the new `w`. NaN indices go to the back of `index`, last seen first.
 */
function loadNumberKeys(
  array: Keys, keys: Keys, index: Keys, from: number, to: number, w: number, descending: boolean,
): number {
  const n = array.length;
  for (let i = from; i < to; i++) {
    const x = array[i];
    if (x === x) {
      keys[w] = descending ? -x : x;
      index[w] = i;
      w++;
    } else {
      index[n - 1 - (i - w)] = i;
    }
  }
  return w;
}

/**
 * Copies the bigint keys of array[from, to) and their indices; returns `to`. Descending stores
 * ~x = -x - 1, which reverses the order of both bigint types: in range for BigInt64Array, and
 * wrapped to 2^64 - 1 - x by BigUint64Array.
 */
function loadBigIntKeys(
  array: Keys, keys: Keys, index: Keys, from: number, to: number, descending: boolean,
): number {
  for (let i = from; i < to; i++) {
    const x = array[i];
    keys[i] = descending ? ~x : x;
    index[i] = i;
  }
  return to;
}

function insertionSortPairs(keys: Keys, index: Keys, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = keys[i];
    const xi = index[i];
    let j = i - 1;
    while (j >= lo && x < keys[j]) {
      keys[j + 1] = keys[j];
      index[j + 1] = index[j];
      j--;
    }
    keys[j + 1] = x;
    index[j + 1] = xi;
  }
}

/**
 * Writes output positions [k0, k1) of the stable merge of the pair runs [lo, mid) and [mid, hi).
 */
function mergePairsChunk(
  srcKeys: Keys, srcIndex: Keys, dstKeys: Keys, dstIndex: Keys,
  lo: number, mid: number, hi: number, k0: number, k1: number,
): void {
  let i = lo + takenFromLeft(srcKeys, lo, mid, hi, k0 - lo);
  let j = mid + (k0 - i);
  const iEnd = lo + takenFromLeft(srcKeys, lo, mid, hi, k1 - lo);
  const jEnd = mid + (k1 - iEnd);
  let k = k0;
  while (i < iEnd && j < jEnd) {
    const x = srcKeys[i];
    const y = srcKeys[j];
    if (y < x) {
      dstKeys[k] = y;
      dstIndex[k++] = srcIndex[j++];
    } else {
      dstKeys[k] = x;
      dstIndex[k++] = srcIndex[i++];
    }
  }
  for (; i < iEnd; i++, k++) {
    dstKeys[k] = srcKeys[i];
    dstIndex[k] = srcIndex[i];
  }
  for (; j < jEnd; j++, k++) {
    dstKeys[k] = srcKeys[j];
    dstIndex[k] = srcIndex[j];
  }
}

function copyPairs(
  srcKeys: Keys, srcIndex: Keys, dstKeys: Keys, dstIndex: Keys, lo: number, hi: number,
): void {
  for (let t = lo; t < hi; t++) {
    dstKeys[t] = srcKeys[t];
    dstIndex[t] = srcIndex[t];
  }
}

/**
 * `<` treats -0 and +0 as equal, so the sorted keys hold one run of mixed zeros, in index order.
 * A stable partition of that run's indices puts the -0s first (`spare` holds the +0s meanwhile).
 */
function orderZeroIndices(keys: Keys, index: Keys, spare: Keys, end: number): void {
  const z0 = firstNotBelow(keys, 0, end, 0);
  const z1 = firstAbove(keys, z0, end, 0);
  let w = z0;
  let positives = 0;
  for (let t = z0; t < z1; t++) {
    if (1 / keys[t] < 0) index[w++] = index[t];
    else spare[positives++] = index[t];
  }
  for (let t = 0; t < positives; t++) index[w + t] = spare[t];
}
