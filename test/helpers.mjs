// Shared helpers for the node:test suites: a seeded PRNG, the 11 TypedArray kinds, input
// distributions (including the special values), reference sort / argsort / matmul, and
// comparison helpers that treat every NaN as equal and tell -0 from +0.
//
// Everything here is deterministic: the same seed gives the same inputs on every run.

import assert from 'node:assert/strict';
import os from 'node:os';

assert.equal(os.endianness(), 'LE', 'the bit-pattern helpers assume a little-endian host');

// ---------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: small, fast, good enough for test data. */
export function makeRng(seed) {
  let s = seed >>> 0;
  const u32 = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    u32,
    /** float in [0, 1) */
    next: () => u32() / 4294967296,
    /** integer in [lo, hi] */
    int: (lo, hi) => lo + Math.floor((u32() / 4294967296) * (hi - lo + 1)),
    pick: (list) => list[Math.floor((u32() / 4294967296) * list.length)],
    /** fill a byte range with random bytes */
    fillBytes(u8) {
      const n4 = u8.length & ~3;
      for (let i = 0; i < n4; i += 4) {
        const r = u32();
        u8[i] = r & 255;
        u8[i + 1] = (r >>> 8) & 255;
        u8[i + 2] = (r >>> 16) & 255;
        u8[i + 3] = r >>> 24;
      }
      for (let i = n4; i < u8.length; i++) u8[i] = u32() & 255;
    },
  };
}

/** A stable 32-bit seed from any number of strings / numbers. */
export function seedOf(...parts) {
  let h = 0x811c9dc5;
  for (const ch of parts.join('|')) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// The 11 numeric TypedArray kinds

export const TYPES = [
  { name: 'Int8Array', ctor: Int8Array, kind: 'int', signed: true, bits: 8, min: -128, max: 127 },
  { name: 'Uint8Array', ctor: Uint8Array, kind: 'int', signed: false, bits: 8, min: 0, max: 255 },
  { name: 'Uint8ClampedArray', ctor: Uint8ClampedArray, kind: 'int', signed: false, bits: 8, min: 0, max: 255 },
  { name: 'Int16Array', ctor: Int16Array, kind: 'int', signed: true, bits: 16, min: -32768, max: 32767 },
  { name: 'Uint16Array', ctor: Uint16Array, kind: 'int', signed: false, bits: 16, min: 0, max: 65535 },
  { name: 'Int32Array', ctor: Int32Array, kind: 'int', signed: true, bits: 32, min: -2147483648, max: 2147483647 },
  { name: 'Uint32Array', ctor: Uint32Array, kind: 'int', signed: false, bits: 32, min: 0, max: 4294967295 },
  { name: 'Float32Array', ctor: Float32Array, kind: 'float', signed: true, bits: 32, min: -Infinity, max: Infinity },
  { name: 'Float64Array', ctor: Float64Array, kind: 'float', signed: true, bits: 64, min: -Infinity, max: Infinity },
  { name: 'BigInt64Array', ctor: BigInt64Array, kind: 'bigint', signed: true, bits: 64, min: -(2n ** 63n), max: 2n ** 63n - 1n },
  { name: 'BigUint64Array', ctor: BigUint64Array, kind: 'bigint', signed: false, bits: 64, min: 0n, max: 2n ** 64n - 1n },
];
export const TYPE_BY_NAME = Object.fromEntries(TYPES.map((t) => [t.name, t]));
export function typeOf(arr) {
  return TYPE_BY_NAME[arr.constructor.name];
}

// ---------------------------------------------------------------------------------------------
// Special values

// Bit patterns of NaNs of both signs (quiet and with a payload) and other specials.
const F32_SPECIAL_BITS = [
  0x7fc00000, // +NaN (quiet)
  0xffc00000, // -NaN (quiet)
  0x7f800001, // +NaN (signalling payload)
  0xff812345, // -NaN with payload
  0x80000000, // -0
  0x00000000, // +0
  0x7f800000, // +Inf
  0xff800000, // -Inf
  0x00000001, // smallest positive subnormal
  0x80000001, // smallest negative subnormal
  0x7f7fffff, // max finite
  0xff7fffff, // lowest finite
  0x3f800000, // 1
  0xbf800000, // -1
];
// [lo, hi] 32-bit halves of f64 bit patterns
const F64_SPECIAL_BITS = [
  [0x00000000, 0x7ff80000], // +NaN (quiet)
  [0x00000000, 0xfff80000], // -NaN (quiet)
  [0x00000001, 0x7ff00000], // +NaN (signalling payload)
  [0x12345678, 0xfff00abc], // -NaN with payload
  [0x00000000, 0x80000000], // -0
  [0x00000000, 0x00000000], // +0
  [0x00000000, 0x7ff00000], // +Inf
  [0x00000000, 0xfff00000], // -Inf
  [0x00000001, 0x00000000], // smallest positive subnormal
  [0x00000001, 0x80000000], // smallest negative subnormal
  [0xffffffff, 0x7fefffff], // max finite
  [0xffffffff, 0xffefffff], // lowest finite
  [0x00000000, 0x3ff00000], // 1
  [0x00000000, 0xbff00000], // -1
];

function intSpecials(t) {
  if (t.kind === 'bigint') {
    const v = [t.min, t.max, t.min + 1n, t.max - 1n, 0n, 1n];
    if (t.signed) v.push(-1n);
    return v;
  }
  const v = [t.min, t.max, t.min + 1, t.max - 1, 0, 1];
  if (t.signed) v.push(-1);
  return v;
}

/** Writes special value number `which` (index into the type's list) at index i of arr. */
function writeSpecial(arr, i, which) {
  const t = typeOf(arr);
  if (t.name === 'Float32Array') {
    new Uint32Array(arr.buffer, arr.byteOffset, arr.length)[i] = F32_SPECIAL_BITS[which % F32_SPECIAL_BITS.length];
  } else if (t.name === 'Float64Array') {
    const u = new Uint32Array(arr.buffer, arr.byteOffset, arr.length * 2);
    const [lo, hi] = F64_SPECIAL_BITS[which % F64_SPECIAL_BITS.length];
    u[2 * i] = lo;
    u[2 * i + 1] = hi;
  } else {
    const v = intSpecials(t);
    arr[i] = v[which % v.length];
  }
}
function specialCount(t) {
  if (t.name === 'Float32Array') return F32_SPECIAL_BITS.length;
  if (t.name === 'Float64Array') return F64_SPECIAL_BITS.length;
  return intSpecials(t).length;
}

// ---------------------------------------------------------------------------------------------
// Distributions

function fillUniform(arr, rng) {
  const t = typeOf(arr);
  if (t.kind === 'float') {
    // Finite reals of mixed magnitude and sign, with many repeats of the exponent range.
    for (let i = 0; i < arr.length; i++) {
      const mag = 10 ** (rng.int(0, 6) - 3);
      arr[i] = (rng.next() * 2 - 1) * mag;
    }
  } else {
    rng.fillBytes(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
  }
}

/** Random bit patterns: for floats this includes NaNs, infinities and subnormals. */
function fillBits(arr, rng) {
  rng.fillBytes(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
}

function pool(ctor, size, rng) {
  const p = new ctor(size);
  fillUniform(p, rng);
  return p;
}

export const DISTRIBUTIONS = {
  uniform(arr, rng) {
    fillUniform(arr, rng);
  },
  bits(arr, rng) {
    fillBits(arr, rng);
  },
  sorted(arr, rng) {
    fillUniform(arr, rng);
    arr.sort();
  },
  reversed(arr, rng) {
    fillUniform(arr, rng);
    arr.sort();
    arr.reverse();
  },
  allEqual(arr, rng) {
    const p = pool(arr.constructor, 1, rng);
    arr.fill(p[0]);
  },
  fewDistinct(arr, rng) {
    const p = pool(arr.constructor, rng.int(2, 5), rng);
    for (let i = 0; i < arr.length; i++) arr[i] = p[rng.int(0, p.length - 1)];
  },
  organPipe(arr, rng) {
    fillUniform(arr, rng);
    const half = Math.ceil(arr.length / 2);
    const lo = arr.subarray(0, half);
    lo.sort();
    for (let i = half; i < arr.length; i++) arr[i] = arr[arr.length - 1 - i];
  },
  sawtooth(arr, rng) {
    const period = Math.max(2, Math.round(Math.sqrt(arr.length)) + 1);
    const p = pool(arr.constructor, period, rng);
    p.sort();
    for (let i = 0; i < arr.length; i++) arr[i] = p[i % period];
  },
  mostlySorted(arr, rng) {
    fillUniform(arr, rng);
    arr.sort();
    const swaps = Math.max(1, arr.length >>> 6);
    for (let s = 0; s < swaps && arr.length > 1; s++) {
      const i = rng.int(0, arr.length - 1);
      const j = rng.int(0, arr.length - 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
  },
  special(arr, rng) {
    // About 60% special values (NaN of both signs, ±0, ±Inf, integer min/max...), the rest uniform.
    fillUniform(arr, rng);
    const t = typeOf(arr);
    const count = specialCount(t);
    for (let i = 0; i < arr.length; i++) {
      if (rng.next() < 0.6) writeSpecial(arr, i, rng.int(0, count - 1));
    }
  },
};
export const DIST_NAMES = Object.keys(DISTRIBUTIONS);

/** A new array of the given type (constructor or descriptor) filled with distribution `dist`. */
export function makeArray(type, n, dist, seed) {
  const ctor = typeof type === 'function' ? type : type.ctor;
  const arr = new ctor(n);
  DISTRIBUTIONS[dist](arr, makeRng(seed));
  return arr;
}

/** Same, backed by a SharedArrayBuffer. */
export function makeSharedArray(type, n, dist, seed) {
  const ctor = typeof type === 'function' ? type : type.ctor;
  const arr = new ctor(new SharedArrayBuffer(n * ctor.BYTES_PER_ELEMENT));
  // Copy the bytes (not the values) to keep the NaN payloads.
  new Uint8Array(arr.buffer).set(bytesOf(makeArray(ctor, n, dist, seed)));
  return arr;
}

/**
 * A view of `n` elements at an offset of `before` elements into a larger buffer (shared or
 * not), with `before` and `after` neighbour elements filled with random bytes.
 */
export function makeView(type, n, dist, seed, { before = 3, after = 5, shared = false } = {}) {
  const ctor = typeof type === 'function' ? type : type.ctor;
  const total = before + n + after;
  const buf = shared ? new SharedArrayBuffer(total * ctor.BYTES_PER_ELEMENT) : new ArrayBuffer(total * ctor.BYTES_PER_ELEMENT);
  const whole = new ctor(buf);
  makeRng(seed ^ 0x5bd1e995).fillBytes(new Uint8Array(buf));
  const view = whole.subarray(before, before + n);
  new Uint8Array(buf, view.byteOffset, view.byteLength).set(bytesOf(makeArray(ctor, n, dist, seed)));
  return { view, whole, buf };
}

// ---------------------------------------------------------------------------------------------
// Ordering and references

/** Total order of TypedArray.prototype.sort(): -0 < +0, NaN last, NaNs equal. Returns -1, 0, 1. */
export function cmpAsc(x, y) {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) {
    if (x === 0 && typeof x === 'number') {
      const nx = Object.is(x, -0);
      const ny = Object.is(y, -0);
      return nx === ny ? 0 : nx ? -1 : 1;
    }
    return 0;
  }
  // at least one NaN
  const xn = x !== x;
  const yn = y !== y;
  if (xn && yn) return 0;
  return xn ? 1 : -1;
}

/** Descending: numbers reversed, NaN still last. */
export function cmpDesc(x, y) {
  const xn = x !== x;
  const yn = y !== y;
  if (xn || yn) return xn && yn ? 0 : xn ? 1 : -1;
  return -cmpAsc(x, y);
}

/** Reference sort: TypedArray.prototype.sort() on a copy, then reversed (NaNs kept last) if descending. */
export function refSort(arr, descending = false) {
  const out = arr.slice();
  out.sort();
  if (descending) {
    let end = out.length;
    if (typeOf(out).kind === 'float') while (end > 0 && out[end - 1] !== out[end - 1]) end--;
    out.subarray(0, end).reverse();
  }
  return out;
}

/** Reference stable argsort, written directly from the comparison rules (slow; for small arrays). */
export function refArgsortSimple(arr, descending = false) {
  const n = arr.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const cmp = descending ? cmpDesc : cmpAsc;
  idx.sort((i, j) => cmp(arr[i], arr[j]) || i - j);
  return idx;
}

/**
 * Order-preserving 64-bit keys (hi, lo as uint32) of every element: -0 < +0, every NaN equal and
 * largest; for descending, the keys of numbers are complemented (NaN stays largest).
 */
function sortKeys(arr, descending) {
  const n = arr.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const name = arr.constructor.name;
  const nan = new Uint8Array(n);
  if (name === 'Float32Array') {
    const u = new Uint32Array(arr.buffer, arr.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const b = u[i];
      if ((b & 0x7fffffff) > 0x7f800000) nan[i] = 1;
      else hi[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    }
  } else if (name === 'Float64Array') {
    const u = new Uint32Array(arr.buffer, arr.byteOffset, 2 * n);
    for (let i = 0; i < n; i++) {
      const l = u[2 * i];
      const h = u[2 * i + 1];
      const mag = h & 0x7fffffff;
      if (mag > 0x7ff00000 || (mag === 0x7ff00000 && l !== 0)) nan[i] = 1;
      else if (h & 0x80000000) { hi[i] = ~h >>> 0; lo[i] = ~l >>> 0; } else { hi[i] = (h | 0x80000000) >>> 0; lo[i] = l; }
    }
  } else if (name === 'BigInt64Array' || name === 'BigUint64Array') {
    const u = new Uint32Array(arr.buffer, arr.byteOffset, 2 * n);
    const flip = name === 'BigInt64Array' ? 0x80000000 : 0;
    for (let i = 0; i < n; i++) { lo[i] = u[2 * i]; hi[i] = (u[2 * i + 1] ^ flip) >>> 0; }
  } else {
    const flip = arr instanceof Int8Array || arr instanceof Int16Array || arr instanceof Int32Array ? 0x80000000 : 0;
    for (let i = 0; i < n; i++) hi[i] = (arr[i] ^ flip) >>> 0;
  }
  for (let i = 0; i < n; i++) {
    if (nan[i]) { hi[i] = 0xffffffff; lo[i] = 0xffffffff; } else if (descending) { hi[i] = ~hi[i] >>> 0; lo[i] = ~lo[i] >>> 0; }
  }
  return { hi, lo };
}

/** Reference stable argsort: ties keep increasing index order in both directions. */
export function refArgsort(arr, descending = false) {
  const n = arr.length;
  const { hi, lo } = sortKeys(arr, descending);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((i, j) => hi[i] - hi[j] || lo[i] - lo[j] || i - j);
  return idx;
}

/** Checks that `order` is a stable argsort of arr (permutation, ordered, ties by index). */
export function checkArgsort(arr, order, descending, ctx = '') {
  const n = arr.length;
  assert.equal(order.length, n, `${ctx}: argsort length`);
  const seen = new Uint8Array(n);
  const cmp = descending ? cmpDesc : cmpAsc;
  for (let i = 0; i < n; i++) {
    const v = order[i];
    if (v >= n || seen[v]) assert.fail(`${ctx}: not a permutation at position ${i} (index ${v})`);
    seen[v] = 1;
    if (i > 0) {
      const c = cmp(arr[order[i - 1]], arr[v]);
      if (c > 0 || (c === 0 && order[i - 1] > v)) {
        assert.fail(`${ctx}: out of order at position ${i}: [${order[i - 1]}]=${fmt(arr[order[i - 1]])} then [${v}]=${fmt(arr[v])}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Comparisons

export function fmt(x) {
  if (typeof x === 'bigint') return `${x}n`;
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

/** Index of the first element that differs (NaNs equal to each other, -0 ≠ +0), or -1. */
export function firstMismatch(actual, expected) {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const x = actual[i];
    const y = expected[i];
    if (x !== y) {
      if (x !== x && y !== y) continue; // both NaN
      return i;
    }
    if (x === 0 && typeof x === 'number' && 1 / x !== 1 / y) return i;
  }
  return actual.length === expected.length ? -1 : n;
}

export function assertSameElements(actual, expected, ctx = '') {
  assert.equal(actual.length, expected.length, `${ctx}: length`);
  const i = firstMismatch(actual, expected);
  if (i >= 0) {
    const lo = Math.max(0, i - 2);
    const hi = Math.min(actual.length, i + 3);
    const show = (a) => Array.from(a.subarray(lo, hi), fmt).join(', ');
    assert.fail(`${ctx}: first mismatch at index ${i} of ${actual.length}: got ${fmt(actual[i])}, expected ${fmt(expected[i])}` +
      ` (around: got [${show(actual)}], expected [${show(expected)}])`);
  }
}

/** Exact bytes of a view (copied). */
export function bytesOf(view) {
  return Uint8Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
}

/** Asserts that the bytes of `view` (or of a whole buffer) are bit-for-bit those of `snap`. */
export function assertBytesEqual(view, snap, ctx = '') {
  const cur = view instanceof ArrayBuffer || view instanceof SharedArrayBuffer
    ? new Uint8Array(view)
    : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  assert.equal(cur.length, snap.length, `${ctx}: byte length`);
  if (!Buffer.from(cur.buffer, cur.byteOffset, cur.byteLength).equals(Buffer.from(snap.buffer, snap.byteOffset, snap.byteLength))) {
    let i = 0;
    while (cur[i] === snap[i]) i++;
    assert.fail(`${ctx}: bytes changed (first difference at byte ${i}: ${cur[i]} vs ${snap[i]})`);
  }
}

/** Snapshot of a whole buffer. */
export function snapshotBuffer(buf) {
  return Uint8Array.from(new Uint8Array(buf));
}

// ---------------------------------------------------------------------------------------------
// Matmul reference

export const EPS = { Float32Array: 2 ** -23, Float64Array: 2 ** -52 };

/** Random matrix data in [-1, 1). */
export function randomMatrix(ctor, len, seed) {
  const rng = makeRng(seed);
  const a = new ctor(len);
  for (let i = 0; i < len; i++) a[i] = rng.next() * 2 - 1;
  return a;
}

/**
 * Reference C = alpha·op(A)·op(B) + beta·C0 in float64. Returns { ref, scale } where scale[i] is
 * |alpha|·Σ|A||B| + |beta·C0| (the magnitude the rounding error is proportional to).
 * With beta = 0, C0 is not read.
 */
export function refMatmul({ a, b, m, k, n, transA = false, transB = false, alpha = 1, beta = 0, c0 = null }) {
  // Normalise op(A) to m×k and op(B) to k×n in float64.
  const A = new Float64Array(m * k);
  const B = new Float64Array(k * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) A[i * k + p] = transA ? a[p * m + i] : a[i * k + p];
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) B[p * n + j] = transB ? b[j * k + p] : b[p * n + j];
  const ref = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  const acc = new Float64Array(n);
  const accAbs = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    accAbs.fill(0);
    for (let p = 0; p < k; p++) {
      const x = A[i * k + p];
      const ax = Math.abs(x);
      const row = p * n;
      for (let j = 0; j < n; j++) {
        const y = B[row + j];
        acc[j] += x * y;
        accAbs[j] += ax * Math.abs(y);
      }
    }
    for (let j = 0; j < n; j++) {
      const c = beta === 0 ? 0 : beta * c0[i * n + j];
      ref[i * n + j] = alpha * acc[j] + c;
      scale[i * n + j] = Math.abs(alpha) * accAbs[j] + Math.abs(c);
    }
  }
  return { ref, scale };
}

/** Asserts |C - ref| ≤ 4·(k+2)·eps·scale elementwise (plus a subnormal floor). */
export function assertMatClose(actual, { ref, scale }, { k, n }, ctx = '') {
  assert.equal(actual.length, ref.length, `${ctx}: result length`);
  const eps = EPS[actual.constructor.name];
  assert.ok(eps, `${ctx}: result must be Float32Array or Float64Array, got ${actual.constructor.name}`);
  const tol = 4 * (k + 2) * eps;
  const floor = actual instanceof Float32Array ? 1e-30 : 1e-300;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(actual[i] - ref[i]);
    if (!(d <= tol * scale[i] + floor)) {
      assert.fail(`${ctx}: C[${Math.floor(i / n)}][${i % n}] = ${actual[i]}, expected ${ref[i]} (|diff| ${d}, allowed ${tol * scale[i] + floor})`);
    }
  }
}

/** Asserts two results (e.g. native vs js) agree within the same tolerance. */
export function assertMatAgree(x, y, { ref, scale }, { k, n }, ctx = '') {
  assert.equal(x.length, y.length, `${ctx}: lengths`);
  const eps = EPS[x.constructor.name];
  const tol = 8 * (k + 2) * eps;
  const floor = x instanceof Float32Array ? 1e-30 : 1e-300;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    if (!(d <= tol * scale[i] + floor)) {
      assert.fail(`${ctx}: backends disagree at C[${Math.floor(i / n)}][${i % n}]: ${x[i]} vs ${y[i]} (reference ${ref[i]})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Does `message` name the argument `name`? `options.x` names must appear literally; positional
 * names (`a`, `b`, `array`, `options`) must appear as a name, not as an English article:
 * quoted (`a`, "a", 'a'), or after "for"/"argument"/"parameter" and followed by a word such as
 * "but"/"must"/"is" or punctuation, at the start followed by "must"/"is", or followed by ":".
 */
export function namesArgument(message, name) {
  const e = escapeRe(name);
  if (name.includes('.')) return new RegExp(`(?<![\\w.])${e}(?![\\w])`).test(message);
  const quoted = new RegExp(`[\`'"“]${e}[\`'"”]`);
  const after = new RegExp(`\\b(?:for|argument|parameter|param|arg)\\s+${e}(?=\\s+(?:but|must|is|should|was|has|to|of|\\()\\b|\\s*[,:;)(]|\\.(?!\\w)|\\s*$)`);
  const start = new RegExp(`^${e}(?=\\s*(?:must|is|should|:|\\())`);
  const colon = new RegExp(`(?<![\\w.])${e}:`); // "Invalid a: ..."
  return quoted.test(message) || after.test(message) || start.test(message) || colon.test(message);
}

/**
 * Validator for assert.throws / assert.rejects: class (a constructor or an array of accepted
 * constructors) and the argument name(s) the message must mention (one of them if an array).
 */
export function errorNaming(classes, names) {
  const cls = Array.isArray(classes) ? classes : [classes];
  const nm = Array.isArray(names) ? names : [names];
  return (err) => {
    assert.ok(err instanceof Error, `expected an Error, got ${String(err)}`);
    assert.ok(cls.some((c) => err.constructor === c),
      `expected ${cls.map((c) => c.name).join(' or ')}, got ${err.constructor.name}: ${err.message}`);
    assert.ok(nm.some((x) => namesArgument(err.message, x)),
      `expected the message to name ${nm.map((x) => `\`${x}\``).join(' or ')}; got ${err.constructor.name}: "${err.message}"`);
    return true;
  };
}

/** Detaches an ArrayBuffer (the typed arrays on it then have length 0). */
export function detach(buf) {
  structuredClone(buf, { transfer: [buf] });
}

/** URL of the built package entry point. */
export const DIST_URL = new URL('../dist/index.js', import.meta.url).href;
