// Checks of what a timed implementation produced, so that a fast wrong kernel cannot show up as a
// win. Each check throws a BenchCheckError saying what is wrong and where; each runs in O(n) (the
// matmul check in O(samples·k)), cheap beside the kernel it checks.

export class BenchCheckError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BenchCheckError';
  }
}

/**
 * Strict "x before y" in the order of TypedArray.prototype.sort(): numeric, -0 before +0, NaN last
 * (all NaNs equal). BigInts compare as numbers.
 */
function less(x, y) {
  if (x < y) return true;
  if (typeof x !== 'number' || x > y) return false;
  if (x === y) return x === 0 && Object.is(x, -0) && Object.is(y, 0);
  return !Number.isNaN(x) && Number.isNaN(y);
}

/** 32-bit finaliser of murmur3: spreads every input bit over the whole word. */
function mix32(h) {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * An order-independent fingerprint of an array's elements (by bit pattern): exact counts for 8-
 * and 16-bit types, and for wider types two sums of differently mixed hashes of each element,
 * which a changed, lost or duplicated element alters with probability ~1 - 2^-64.
 */
export function multisetFingerprint(array) {
  const width = array.BYTES_PER_ELEMENT;
  if (width <= 2) {
    const counts = new Float64Array(1 << (8 * width));
    const keys = width === 1 ? new Uint8Array(array.buffer, array.byteOffset, array.length)
      : new Uint16Array(array.buffer, array.byteOffset, array.length);
    for (let i = 0; i < keys.length; i++) counts[keys[i]]++;
    return Array.from(counts).join(',');
  }
  const words = new Uint32Array(array.buffer, array.byteOffset, (array.length * width) >>> 2);
  let a = 0;
  let b = 0;
  if (width === 4) {
    for (let i = 0; i < words.length; i++) {
      a = (a + mix32(words[i])) >>> 0;
      b = (b + mix32(words[i] ^ 0x9e3779b9)) >>> 0;
    }
  } else {
    for (let i = 0; i < words.length; i += 2) {
      const h = mix32(words[i] ^ mix32(words[i + 1] + 0x7f4a7c15));
      a = (a + h) >>> 0;
      b = (b + mix32(h ^ words[i + 1])) >>> 0;
    }
  }
  return `${array.length}:${a.toString(16)}:${b.toString(16)}`;
}

/** `output` is `input`'s elements in the order of TypedArray.prototype.sort(). */
export function checkSorted(input, output, fingerprint = multisetFingerprint(input)) {
  if (output.constructor !== input.constructor) {
    throw new BenchCheckError(`sort returned a ${output?.constructor?.name}, expected a ${input.constructor.name}`);
  }
  if (output.length !== input.length) throw new BenchCheckError(`sort returned ${output.length} elements, expected ${input.length}`);
  for (let i = 1; i < output.length; i++) {
    if (less(output[i], output[i - 1])) {
      throw new BenchCheckError(`not sorted: element ${i} (${output[i]}) comes after ${output[i - 1]}`);
    }
  }
  if (multisetFingerprint(output) !== fingerprint) {
    throw new BenchCheckError('sorted output does not hold the same elements as the input');
  }
}

/** `order` is the stable ascending sorting permutation of `input`. */
export function checkArgsort(input, order) {
  const n = input.length;
  if (!(order instanceof Uint32Array)) throw new BenchCheckError(`argsort returned a ${order?.constructor?.name}, expected a Uint32Array`);
  if (order.length !== n) throw new BenchCheckError(`argsort returned ${order.length} indices, expected ${n}`);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    if (j >= n || seen[j]) throw new BenchCheckError(`argsort output is not a permutation: index ${j} at ${i}`);
    seen[j] = 1;
    if (i === 0) continue;
    const prev = input[order[i - 1]];
    const cur = input[j];
    if (less(cur, prev)) throw new BenchCheckError(`argsort out of order at ${i}: ${cur} after ${prev}`);
    if (!less(prev, cur) && order[i - 1] > j) throw new BenchCheckError(`argsort not stable at ${i}: index ${j} after ${order[i - 1]} for equal keys`);
  }
}

/**
 * C (row-major m×n, any indexable: a TypedArray or `(i, j) => value`) equals A·B (m×k and k×n)
 * on `samples` entries chosen by a seeded PRNG, within the rounding error the element type allows
 * for a k-term dot product: k·eps·Σ|a·b|, the worst case of any summation order.
 */
export function checkMatmul({ a, b, c, m, n, k, eps, samples = 64, seed = 1 }) {
  const at = typeof c === 'function' ? c : (i, j) => c[i * n + j];
  let s = seed >>> 0 || 1;
  const next = (limit) => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s % limit;
  };
  const count = Math.min(samples, m * n);
  for (let t = 0; t < count; t++) {
    // The first and last entries always, as tail handling is where blocked kernels go wrong.
    const i = t === 0 ? 0 : t === 1 ? m - 1 : next(m);
    const j = t === 0 ? 0 : t === 1 ? n - 1 : next(n);
    let exact = 0;
    let magnitude = 0;
    for (let p = 0; p < k; p++) {
      const term = a[i * k + p] * b[p * n + j];
      exact += term;
      magnitude += Math.abs(term);
    }
    const got = at(i, j);
    const bound = (k + 2) * eps * magnitude + Number.MIN_VALUE;
    if (!(Math.abs(got - exact) <= bound)) {
      throw new BenchCheckError(`matmul wrong at C[${i}][${j}]: ${got}, expected ${exact} (±${bound.toExponential(2)})`);
    }
  }
}

export const EPSILON = { f32: 2 ** -24, f64: 2 ** -53 };
