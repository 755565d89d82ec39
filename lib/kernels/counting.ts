// Counting sort of 8- and 16-bit elements: with at most 65536 values, a histogram is the whole
// sort, and any slice of the output can be written from it alone, so workers split the output.
// The elements are read as unsigned bits; XOR with `signFlip` (0x80 or 0x8000 for signed types)
// turns them into histogram bins in the order of the values.

/** Adds the bins of elements [lo, hi) of `bits` to counts[0 …]. */
export function countValues(bits: Uint8Array | Uint16Array, lo: number, hi: number, signFlip: number, counts: Int32Array): void {
  for (let i = lo; i < hi; i++) counts[bits[i] ^ signFlip]++;
}

/**
 * Writes output positions [k0, k1) of the sorted array from the histogram `counts` (largest bin
 * first when descending).
 */
export function writeSortedSlice(
  bits: Uint8Array | Uint16Array, counts: Int32Array, k0: number, k1: number, signFlip: number, descending: boolean,
): void {
  const bins = counts.length;
  let at = 0;
  for (let step = 0; step < bins && at < k1; step++) {
    const bin = descending ? bins - 1 - step : step;
    const end = at + counts[bin];
    if (end > k0) bits.fill(bin ^ signFlip, Math.max(at, k0), Math.min(end, k1));
    at = end;
  }
}
