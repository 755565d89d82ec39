// Deterministic benchmark inputs: a seeded PRNG, a seeded shuffle, and the arrays each case times.
// The data of a case depends only on the case (its seed is derived from its id), never on the
// order the cases run in, so two runs with different shuffle seeds time the same inputs.

/** mulberry32: small and fast; statistical quality is ample for benchmark data. */
export function makeRng(seed) {
  let s = seed >>> 0;
  const u32 = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return { u32, next: () => u32() / 4294967296 };
}

/** FNV-1a of a string: a stable 32-bit seed for a case id. */
export function seedOf(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Fisher–Yates, in place, with its own PRNG so that the order depends on `seed` alone. */
export function shuffle(list, seed) {
  const rng = makeRng(seed);
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.u32() % (i + 1);
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

export const SORT_TYPES = {
  f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, i16: Int16Array, u16: Uint16Array,
  i8: Int8Array, u8: Uint8Array, u8c: Uint8ClampedArray, i64: BigInt64Array, u64: BigUint64Array,
};
export const FLOAT_TYPES = { f32: Float32Array, f64: Float64Array };

export const DISTRIBUTIONS = ['uniform', 'sorted', 'reversed', 'nearly-sorted', 'few-distinct'];

/**
 * Uniform values of the type: random bits for integers (the full range), uniform in (-1e6, 1e6)
 * for floats (random bits would make NaNs and a range no real data has).
 */
function fillUniform(array, rng) {
  if (array instanceof Float64Array || array instanceof Float32Array) {
    for (let i = 0; i < array.length; i++) array[i] = (rng.next() - 0.5) * 2e6;
    return array;
  }
  const words = new Uint32Array(array.buffer, array.byteOffset, array.byteLength >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = rng.u32();
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let i = words.length * 4; i < bytes.length; i++) bytes[i] = rng.u32() & 255;
  return array;
}

/** The input of a sort or argsort case: `n` elements of type `dtype` with distribution `dist`. */
export function sortInput(dtype, n, dist, seed) {
  const Ctor = SORT_TYPES[dtype];
  if (!Ctor) throw new RangeError(`Unknown element type ${dtype}`);
  const rng = makeRng(seed);
  const out = fillUniform(new Ctor(n), rng);
  switch (dist) {
    case 'uniform':
      return out;
    case 'sorted':
      return out.sort();
    case 'reversed':
      return out.sort().reverse();
    case 'nearly-sorted': {
      // 1% of the positions swapped at random: the case adaptive sorts are built for.
      out.sort();
      for (let s = 0; s < Math.ceil(n / 100) && n > 1; s++) {
        const i = rng.u32() % n;
        const j = rng.u32() % n;
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    }
    case 'few-distinct': {
      // 16 values, so most comparisons find equal keys (the case that breaks naive quicksorts).
      const values = fillUniform(new Ctor(16), rng);
      for (let i = 0; i < n; i++) out[i] = values[rng.u32() & 15];
      return out;
    }
    default:
      throw new RangeError(`Unknown distribution ${dist}`);
  }
}

/** A row-major rows×cols matrix of uniform values in [-1, 1). */
export function matrixInput(dtype, rows, cols, seed) {
  const Ctor = FLOAT_TYPES[dtype];
  if (!Ctor) throw new RangeError(`Unknown matmul element type ${dtype}`);
  const rng = makeRng(seed);
  const out = new Ctor(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() * 2 - 1;
  return out;
}
