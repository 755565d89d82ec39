// The check for input already in order that the sorts and argsorts make first, as the native ones
// do (native/kernels/sort/presorted.hpp): an array whose elements never step back in the order the
// sort would give is left as it is, and one whose elements never step forward is reversed. The order
// is the sort's own: ascending or descending numbers, NaN last either way, -0 before +0 ascending
// (after it descending). Elements equal in that order are identical, but for NaN payloads, which
// TypedArray.prototype.sort() leaves in no particular order either, so a reversal is a sort. An
// argsort orders (element, index): there two equal elements in a row are a step forward, so only
// strictly decreasing input counts as reversed, and its indices are the identity reversed.
import { specialiser } from './specialise.js';
import type { NumericArray } from './types.js';

/** stepsInOrder's bits: a step forward in the order, a step back. */
export const ROSE = 1;
export const FELL = 2;

/** Element visits between yields when the scan is sliced. */
export const SCAN_SLICE = 1 << 19;

/** The view the scan reads: `<` orders bigints as well as numbers. */
interface Elements {
  [index: number]: number;
}

/**
 * `seen` with the ROSE and FELL bits of the steps a[i - 1] → a[i] for i in (from, to), in the sort's
 * order (equal elements in a row count as a step forward when tiesRise, as in an argsort); stops once
 * both are seen.
 */
export function stepsInOrder(a: Elements, from: number, to: number, descending: boolean, tiesRise: boolean, seen: number): number {
  for (let i = from + 1; i < to && seen !== (ROSE | FELL); i++) {
    const x = a[i - 1];
    const y = a[i];
    let step = 0; // +1 forward, -1 back, 0 equal
    if (x !== x || y !== y) {
      step = (y !== y ? 1 : 0) - (x !== x ? 1 : 0); // NaN last in both directions
    } else if (x < y) {
      step = descending ? -1 : 1;
    } else if (y < x) {
      step = descending ? 1 : -1;
    } else if (x === 0) {
      // Equal numbers: only -0 and +0 differ (a bigint 0n is not === 0 and never gets here).
      const xNegative = 1 / x < 0;
      if (xNegative !== 1 / y < 0) step = xNegative !== descending ? 1 : -1;
    }
    if (step > 0 || (step === 0 && tiesRise)) seen |= ROSE;
    else if (step < 0) seen |= FELL;
  }
  return seen;
}

/** The ROSE and FELL bits of the steps in a[lo, hi), found in slices of SCAN_SLICE between yields. */
export function* orderSteps(a: Elements, lo: number, hi: number, descending: boolean, tiesRise: boolean): Generator<void, number, void> {
  let seen = 0;
  // Slices overlap by one element, so that every adjacent pair is compared.
  for (let from = lo; from + 1 < hi; from += SCAN_SLICE) {
    seen = stepsInOrder(a, from, Math.min(hi, from + SCAN_SLICE + 1), descending, tiesRise, seen);
    if (seen === (ROSE | FELL)) break;
    yield;
  }
  return seen;
}

// The kernels of lib/kernels compile their own copies of these (their specialiser groups name them).
const scanFor = specialiser({ stepsInOrder, orderSteps }, { ROSE, FELL, SCAN_SLICE });

/** stepsInOrder through a copy compiled for the array's element type (see specialise.ts). */
export function scanSteps(a: NumericArray, from: number, to: number, descending: boolean, tiesRise: boolean, seen: number): number {
  return scanFor(a).stepsInOrder(a as unknown as Elements, from, to, descending, tiesRise, seen);
}

/** orderSteps through a copy compiled for the array's element type. */
export function orderStepsOf(a: NumericArray, lo: number, hi: number, descending: boolean, tiesRise: boolean): Generator<void, number, void> {
  return scanFor(a).orderSteps(a as unknown as Elements, lo, hi, descending, tiesRise);
}
