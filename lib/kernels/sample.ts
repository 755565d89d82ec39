// The split of a sample sort on sort keys of one or two words (see radix.ts for the layout):
// splitters taken from a sample divide the keys into buckets of about equal size, each key goes to
// its bucket in one pass, and every bucket can then be sorted on its own. A key equal to a
// splitter may go to either side of it, so it alternates by position: many equal keys still
// divide evenly.

/**
 * Chooses `buckets - 1` splitters from a sample of keys (`width` words each). Returns them in
 * order, `width` words each.
 */
export function chooseSplitters(sample: Uint32Array, width: 1 | 2, buckets: number): Uint32Array {
  const count = sample.length / width;
  // As numbers: a 64-bit key loses low bits, which only blurs where a splitter falls among
  // nearly equal keys.
  const value = (i: number) => (width === 1 ? sample[i] : sample[2 * i + 1] * 2 ** 32 + sample[2 * i]);
  const order = Array.from({ length: count }, (_, i) => i).sort((x, y) => value(x) - value(y));
  const splitters = new Uint32Array((buckets - 1) * width);
  for (let s = 1; s < buckets && count > 0; s++) {
    const at = order[Math.floor((s * count) / buckets)] * width;
    splitters.set(sample.subarray(at, at + width), (s - 1) * width);
  }
  return splitters;
}

/** Adds the number of keys of [lo, hi) that go to each bucket to counts[0 …]. */
export function countBuckets(keys: Uint32Array, width: 1 | 2, lo: number, hi: number, splitters: Uint32Array, counts: Int32Array): void {
  if (width === 1) {
    for (let i = lo; i < hi; i++) counts[bucketOf1(keys[i], i, splitters)]++;
  } else {
    for (let i = lo; i < hi; i++) counts[bucketOf2(keys[2 * i], keys[2 * i + 1], i, splitters)]++;
  }
}

/**
 * Moves the keys of [lo, hi) of `src` to their buckets in `dst`, keeping their order; offsets[b]
 * is where this range's first key of bucket b goes (advanced as keys land).
 */
export function scatterBuckets(
  src: Uint32Array, dst: Uint32Array, width: 1 | 2, lo: number, hi: number, splitters: Uint32Array, offsets: Int32Array,
): void {
  if (width === 1) {
    for (let i = lo; i < hi; i++) {
      const x = src[i];
      dst[offsets[bucketOf1(x, i, splitters)]++] = x;
    }
  } else {
    for (let i = lo; i < hi; i++) {
      const x0 = src[2 * i];
      const x1 = src[2 * i + 1];
      const to = 2 * offsets[bucketOf2(x0, x1, i, splitters)]++;
      dst[to] = x0;
      dst[to + 1] = x1;
    }
  }
}

/** The bucket of key x at position i: the number of splitters below it, ties alternating. */
function bucketOf1(x: number, i: number, splitters: Uint32Array): number {
  let low = 0;
  let high = splitters.length;
  while (low < high) {
    const s = (low + high) >>> 1;
    const v = splitters[s];
    if (x === v) return s + (i & 1);
    if (x < v) high = s;
    else low = s + 1;
  }
  return low;
}

/** The same for the two-word key (x0 low, x1 high). */
function bucketOf2(x0: number, x1: number, i: number, splitters: Uint32Array): number {
  let low = 0;
  let high = splitters.length >>> 1;
  while (low < high) {
    const s = (low + high) >>> 1;
    const v1 = splitters[2 * s + 1];
    const v0 = splitters[2 * s];
    if (x1 === v1 && x0 === v0) return s + (i & 1);
    if (x1 < v1 || (x1 === v1 && x0 < v0)) high = s;
    else low = s + 1;
  }
  return low;
}
