// LSD radix sort of records: `width` 32-bit words per record (1, 2 or 3), ordered as one unsigned
// integer whose most significant word is the last. Stable, so a sort by the key words alone keeps
// argsort records (index first) in index order among equal keys.
import { inSlices, type KernelSteps } from './types.js';

/** Bits per digit: 2^11 counters (8 KiB) stay in L1 while a pass scatters. */
const DIGIT_BITS = 11;
const RADIX = 1 << DIGIT_BITS;
const DIGIT_MASK = RADIX - 1;
/** A 32-bit word in three digits: bits 0–10, 11–21 and 22–31. */
const DIGITS_PER_WORD = 3;

export type RecordWidth = 1 | 2 | 3;

/**
 * Sorts records [lo, hi) of `a` by their words firstWord … width-1, using the same range of `b`
 * as scratch; the result is in `a`. A digit whose values are all equal in the range is skipped,
 * so narrow keys (8- and 16-bit types, few distinct values) take fewer passes. Yields between
 * slices of each pass.
 */
export function* radixSortRecords(
  a: Uint32Array, b: Uint32Array, lo: number, hi: number, width: RecordWidth, firstWord: number,
): KernelSteps {
  if (hi - lo < 2) return;
  const words = width - firstWord;
  const counts = new Int32Array(words * DIGITS_PER_WORD * RADIX);
  for (let w = 0; w < words; w++) {
    const base = w * DIGITS_PER_WORD * RADIX;
    yield* inSlices(lo, hi, (from, to) => countDigits(a, from, to, width, firstWord + w, counts, base));
  }
  let src = a;
  let dst = b;
  for (let d = 0; d < words * DIGITS_PER_WORD; d++) {
    const base = d * RADIX;
    if (!toOffsets(counts, base, lo, hi - lo)) continue;
    const word = firstWord + Math.floor(d / DIGITS_PER_WORD);
    const shift = (d % DIGITS_PER_WORD) * DIGIT_BITS;
    const offsets = counts.subarray(base, base + RADIX);
    const [from, to] = [src, dst];
    if (width === 1) yield* inSlices(lo, hi, (i, j) => scatter1(from, to, i, j, shift, offsets));
    else if (width === 2) yield* inSlices(lo, hi, (i, j) => scatter2(from, to, i, j, word, shift, offsets));
    else yield* inSlices(lo, hi, (i, j) => scatter3(from, to, i, j, word, shift, offsets));
    [src, dst] = [dst, src];
  }
  if (src !== a) a.set(src.subarray(lo * width, hi * width), lo * width);
}

/** Adds the three digit histograms of word `word` of records [lo, hi) to counts[base …]. */
function countDigits(a: Uint32Array, lo: number, hi: number, width: number, word: number, counts: Int32Array, base: number): void {
  const mid = base + RADIX;
  const top = base + 2 * RADIX;
  for (let i = lo * width + word; i < hi * width; i += width) {
    const x = a[i];
    counts[base + (x & DIGIT_MASK)]++;
    counts[mid + ((x >>> DIGIT_BITS) & DIGIT_MASK)]++;
    counts[top + (x >>> (2 * DIGIT_BITS))]++;
  }
}

/**
 * Turns the histogram at counts[base …] into the first destination of each digit value, counted
 * from `lo`. Returns false (and leaves it) when one value holds all `n` records: the pass would
 * not move anything.
 */
function toOffsets(counts: Int32Array, base: number, lo: number, n: number): boolean {
  let at = lo;
  for (let v = base; v < base + RADIX; v++) {
    const c = counts[v];
    if (c === n) return false;
    counts[v] = at;
    at += c;
  }
  return true;
}

function scatter1(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, shift: number, offsets: Int32Array): void {
  for (let i = lo; i < hi; i++) {
    const x = src[i];
    dst[offsets[(x >>> shift) & DIGIT_MASK]++] = x;
  }
}

function scatter2(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, word: number, shift: number, offsets: Int32Array): void {
  for (let i = 2 * lo; i < 2 * hi; i += 2) {
    const x0 = src[i];
    const x1 = src[i + 1];
    const to = 2 * offsets[((word === 0 ? x0 : x1) >>> shift) & DIGIT_MASK]++;
    dst[to] = x0;
    dst[to + 1] = x1;
  }
}

function scatter3(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, word: number, shift: number, offsets: Int32Array): void {
  for (let i = 3 * lo; i < 3 * hi; i += 3) {
    const x0 = src[i];
    const x1 = src[i + 1];
    const x2 = src[i + 2];
    const to = 3 * offsets[((word === 0 ? x0 : word === 1 ? x1 : x2) >>> shift) & DIGIT_MASK]++;
    dst[to] = x0;
    dst[to + 1] = x1;
    dst[to + 2] = x2;
  }
}
