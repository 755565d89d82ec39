// Unit tests of the pure-TypeScript kernels in lib/kernels (run `tsc` first: they import dist/).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';

import { argsortSteps } from '../dist/kernels/argsort.js';
import { gemmSteps } from '../dist/kernels/matmul.js';
import { mergeSortSteps, quickSortSteps } from '../dist/kernels/sort.js';
import { runToEnd } from '../dist/kernels/types.js';

const TYPES = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
];

// Around the kernels' cutoffs (insertion sort 24, merge runs 32, ninther 128), powers of two,
// primes, and one large size.
const SIZES = [
  0, 1, 2, 3, 4, 5, 7, 8, 16, 23, 24, 25, 31, 32, 33, 63, 64, 65, 97, 127, 128, 129, 256, 257,
  1009, 4099, 10007,
];
const LARGE = 100_000;

/** Deterministic xorshift32 generator: uniform in [0, 1). */
function makeRandom(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const isFloat = (Type) => Type === Float32Array || Type === Float64Array;
const isBigInt = (Type) => Type === BigInt64Array || Type === BigUint64Array;

function limits(Type) {
  switch (Type) {
    case Int8Array: return [-128, 127];
    case Int16Array: return [-32768, 32767];
    case Int32Array: return [-(2 ** 31), 2 ** 31 - 1];
    case Uint32Array: return [0, 2 ** 32 - 1];
    case Uint16Array: return [0, 65535];
    case BigInt64Array: return [-(2n ** 63n), 2n ** 63n - 1n];
    case BigUint64Array: return [0n, 2n ** 64n - 1n];
    case Float32Array: return [-3.4028234663852886e38, 3.4028234663852886e38];
    case Float64Array: return [-Number.MAX_VALUE, Number.MAX_VALUE];
    default: return [0, 255];
  }
}

/** A value spread over the whole range of the type. */
function anyValue(Type, random) {
  if (isBigInt(Type)) {
    const bits = (BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32));
    return Type === BigInt64Array ? BigInt.asIntN(64, bits) : bits;
  }
  if (isFloat(Type)) return (random() - 0.5) * 2 ** Math.floor(random() * 40 - 10);
  const [min, max] = limits(Type);
  return min + Math.floor(random() * (max - min + 1));
}

/** A small value of the type: many duplicates among them. */
function smallValue(Type, v) {
  const signed = Type !== Uint8Array && Type !== Uint8ClampedArray && Type !== Uint16Array &&
    Type !== Uint32Array && Type !== BigUint64Array;
  const x = signed ? v - 50 : v;
  return isBigInt(Type) ? BigInt(x) : x;
}

/** Special values of the type, including both NaN signs (set through an integer view). */
function fillSpecials(array, random) {
  const Type = array.constructor;
  const [min, max] = limits(Type);
  if (!isFloat(Type)) {
    const pool = [min, max, smallValue(Type, 0), smallValue(Type, 50), smallValue(Type, 51)];
    for (let i = 0; i < array.length; i++) {
      array[i] = random() < 0.7 ? pool[Math.floor(random() * pool.length)] : anyValue(Type, random);
    }
    return array;
  }
  const pool = [0, -0, Infinity, -Infinity, min, max, 1, -1, Number.MIN_VALUE, -Number.MIN_VALUE];
  // Quiet NaNs: positive, negative, and negative with a payload.
  const nanBits = Type === Float64Array
    ? [0x7ff8000000000000n, 0xfff8000000000000n, 0xfff8000000000123n]
    : [0x7fc00000, 0xffc00000, 0xffc00123];
  const bitsView = Type === Float64Array
    ? new BigUint64Array(array.buffer, array.byteOffset, array.length)
    : new Uint32Array(array.buffer, array.byteOffset, array.length);
  for (let i = 0; i < array.length; i++) {
    const r = random();
    if (r < 0.15) bitsView[i] = nanBits[Math.floor(random() * nanBits.length)];
    else if (r < 0.7) array[i] = pool[Math.floor(random() * pool.length)];
    else array[i] = anyValue(Type, random);
  }
  return array;
}

const DISTRIBUTIONS = {
  uniform: (Type, n, random) => Type.from({ length: n }, () => anyValue(Type, random)),
  sorted: (Type, n, random) => DISTRIBUTIONS.uniform(Type, n, random).sort(),
  reversed: (Type, n, random) => DISTRIBUTIONS.sorted(Type, n, random).reverse(),
  allEqual: (Type, n) => new Type(n).fill(smallValue(Type, 7)),
  fewDistinct: (Type, n, random) =>
    Type.from({ length: n }, () => smallValue(Type, Math.floor(random() * 4))),
  organPipe: (Type, n) =>
    Type.from({ length: n }, (_, i) => smallValue(Type, Math.min(i, n - 1 - i) % 100)),
  specials: (Type, n, random) => fillSpecials(new Type(n), random),
};

/** What TypedArray.prototype.sort gives, reversed for descending with NaNs still last. */
function expectedSort(array, descending) {
  const sorted = array.slice().sort();
  if (!descending) return sorted;
  let numbers = sorted.length;
  while (numbers > 0 && Number.isNaN(sorted[numbers - 1])) numbers--;
  sorted.subarray(0, numbers).reverse();
  return sorted;
}

/** -1, 0 or 1 in the order of TypedArray.prototype.sort, descending as specified, NaNs last. */
function compareKeys(x, y, descending) {
  const xNaN = x !== x;
  const yNaN = y !== y;
  if (xNaN || yNaN) return xNaN === yNaN ? 0 : xNaN ? 1 : -1;
  let c = x < y ? -1 : x > y ? 1 : 0;
  if (c === 0 && x === 0 && typeof x === 'number') c = (Object.is(y, -0) ? 1 : 0) - (Object.is(x, -0) ? 1 : 0);
  return descending ? -c : c;
}

/** A stable index sort by an explicit comparator. */
function expectedArgsort(array, descending) {
  const index = Array.from({ length: array.length }, (_, i) => i);
  return index.sort((i, j) => compareKeys(array[i], array[j], descending));
}

/** Element-wise Object.is: NaN matches NaN, -0 does not match +0. */
function assertSameValues(actual, expected, what) {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      assert.fail(`${what}: at ${i} got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

function assertSameIndices(actual, expected, what) {
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) assert.fail(`${what}: at ${i} got ${actual[i]}, expected ${expected[i]}`);
  }
}

const bytesOf = (array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** Calls check(array, descending, label) for every distribution, size and direction. */
function forEachCase(Type, check) {
  let seed = 1;
  for (const [name, make] of Object.entries(DISTRIBUTIONS)) {
    const sizes = name === 'uniform' || name === 'specials' ? [...SIZES, LARGE] : SIZES;
    for (const n of sizes) {
      const array = make(Type, n, makeRandom(seed++));
      for (const descending of [false, true]) {
        check(array, descending, `${Type.name} ${name} n=${n} ${descending ? 'desc' : 'asc'}`);
      }
    }
  }
}

const SORTS = { mergeSortSteps, quickSortSteps };

for (const [kernelName, sortSteps] of Object.entries(SORTS)) {
  describe(kernelName, () => {
    for (const Type of TYPES) {
      test(`matches TypedArray.prototype.sort on ${Type.name}`, () => {
        forEachCase(Type, (array, descending, label) => {
          const actual = array.slice();
          runToEnd(sortSteps(actual, descending));
          assertSameValues(actual, expectedSort(array, descending), label);
        });
      });
    }
  });
}

describe('argsortSteps', () => {
  for (const Type of TYPES) {
    test(`is a stable argsort of ${Type.name} and leaves the input alone`, () => {
      forEachCase(Type, (array, descending, label) => {
        const input = array.slice();
        const out = new Uint32Array(array.length);
        runToEnd(argsortSteps(input, descending, out));
        assert.deepEqual(bytesOf(input), bytesOf(array), `${label}: input written`);
        assertSameIndices(out, expectedArgsort(array, descending), label);
      });
    });
  }
});

/**
 * McIlroy's adversary ("A Killer Adversary for Quicksort", 1999), simplified: every element
 * starts as gas, above all values fixed so far, and when two gas elements are compared the right
 * one freezes to the next value. quickSortSteps run on objects that answer `<` this way keeps
 * choosing bad pivots and has to fall back to heapsort; the values fixed meanwhile are a plain
 * input that takes the same path.
 */
function adversarialInput(n) {
  const value = new Array(n).fill(n);
  let frozen = 0;
  let left = -1; // `x < y` converts x, then y: the first of each pair of valueOf calls is x
  const items = Array.from({ length: n }, (_, id) => ({
    valueOf() {
      if (left === -1) {
        left = id;
        return value[id];
      }
      if (value[left] === n && value[id] === n && left !== id) value[id] = frozen++;
      left = -1;
      return value[id];
    },
  }));
  runToEnd(quickSortSteps(items, false));
  return value;
}

describe('adversarial input', () => {
  for (const n of [100, 5000]) {
    const input = adversarialInput(n);
    for (const Type of [Float64Array, Int32Array, BigInt64Array]) {
      test(`${Type.name} n=${n} is sorted in O(n log n) by every kernel`, () => {
        const array = Type.from(input, (v) => (isBigInt(Type) ? BigInt(v) : v));
        for (const descending of [false, true]) {
          const label = `${Type.name} n=${n} ${descending ? 'desc' : 'asc'}`;
          for (const [name, sortSteps] of Object.entries(SORTS)) {
            const actual = array.slice();
            runToEnd(sortSteps(actual, descending));
            assertSameValues(actual, expectedSort(array, descending), `${name} ${label}`);
          }
          const out = new Uint32Array(n);
          runToEnd(argsortSteps(array, descending, out));
          assertSameIndices(out, expectedArgsort(array, descending), `argsort ${label}`);
        }
      });
    }
  }
});

describe('slicing', () => {
  const n = 700_000; // the top partition and the last merge each span more than one slice
  const countSlices = (steps) => {
    let slices = 0;
    while (!steps.next().done) slices++;
    return slices;
  };
  for (const Type of [Float64Array, Int32Array]) {
    const array = DISTRIBUTIONS.specials(Type, n, makeRandom(99));
    for (const descending of [false, true]) {
      const label = `${Type.name} n=${n} ${descending ? 'desc' : 'asc'}`;
      test(`sorts a large input in several slices (${label})`, () => {
        const expected = expectedSort(array, descending);
        for (const [name, sortSteps] of Object.entries(SORTS)) {
          const actual = array.slice();
          assert.ok(countSlices(sortSteps(actual, descending)) > 1, `${name} yields`);
          assertSameValues(actual, expected, `${name} ${label}`);
        }
        const out = new Uint32Array(n);
        assert.ok(countSlices(argsortSteps(array, descending, out)) > 1, 'argsort yields');
        // Checked against the sorted values rather than a comparator sort of 1.3e6 indices.
        const gathered = array.slice();
        for (let i = 0; i < n; i++) gathered[i] = array[out[i]];
        assertSameValues(gathered, expected, `argsort ${label}`);
        for (let i = 1; i < n; i++) {
          if (compareKeys(array[out[i - 1]], array[out[i]], descending) === 0 && out[i - 1] > out[i]) {
            assert.fail(`argsort ${label}: unstable at ${i}`);
          }
        }
      });
    }
  }

  // Input already in order, or reversed, skips the sort; what is left to do (a reversal, then the
  // descending order's own) goes a block from each end at a time, whose sizes these lengths straddle.
  test('input in order or reversed, longer than two reversal blocks, in several slices', () => {
    const block = 2 ** 19;
    for (const Type of [Float64Array, Int32Array, BigInt64Array]) {
      for (const n of [2 * block, 2 * block + 1, 3 * block + 7]) {
        const ascending = new Type(n);
        for (let i = 0; i < n; i++) ascending[i] = Type === BigInt64Array ? BigInt(i - 5) : i - 5;
        const reversed = ascending.slice().reverse();
        for (const [name, sortSteps] of Object.entries(SORTS)) {
          for (const [inputName, input] of [['in order', ascending], ['reversed', reversed]]) {
            for (const descending of [false, true]) {
              const actual = input.slice();
              assert.ok(countSlices(sortSteps(actual, descending)) > 1, `${name} yields`);
              const expected = descending ? reversed : ascending;
              for (let i = 0; i < n; i++) {
                if (actual[i] !== expected[i]) {
                  assert.fail(`${name} ${Type.name} n=${n} ${inputName} ${descending ? 'desc' : 'asc'}: index ${i} is ${actual[i]}, expected ${expected[i]}`);
                }
              }
            }
          }
        }
      }
    }
  });

  test('gemm yields between blocks of rows', () => {
    const m = 300;
    const a = new Float64Array(m * m).fill(1);
    const c = new Float64Array(m * m);
    const steps = gemmSteps({ a, b: a, c, m, n: m, k: m, transA: false, transB: false, alpha: 1, beta: 0 });
    assert.ok(countSlices(steps) > 1);
    assert.ok(c.every((x) => x === m));
  });
});

/** C = alpha·op(A)·op(B) + beta·C in float64, the obvious way, with an error bound per entry. */
function referenceGemm({ a, b, c, m, n, k, transA, transB, alpha, beta }) {
  const value = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let magnitude = 0;
      if (alpha !== 0) {
        for (let p = 0; p < k; p++) {
          const x = transA ? a[p * m + i] : a[i * k + p];
          const y = transB ? b[j * k + p] : b[p * n + j];
          sum += x * y;
          magnitude += Math.abs(x * y);
        }
      }
      const old = beta === 0 ? 0 : beta * c[i * n + j];
      value[i * n + j] = alpha * sum + old;
      bound[i * n + j] = Math.abs(alpha) * magnitude + Math.abs(old);
    }
  }
  return { value, bound };
}

describe('gemmSteps', () => {
  const SHAPES = [
    [0, 5, 7], [5, 0, 7], [5, 7, 0], [0, 0, 0], [1, 1, 1], [1, 1, 9], [2, 3, 4], [4, 4, 4],
    [5, 5, 5], [7, 11, 13], [13, 7, 11], [31, 37, 41], [300, 3, 5], [3, 300, 5], [3, 5, 300],
    [1, 300, 1], [67, 261, 263], [9, 600, 11],
  ];
  const SCALARS = [[1, 0], [2.5, -0.5], [1, 1], [-1, 2], [0, 3], [0, 0]];
  for (const Type of [Float64Array, Float32Array]) {
    const epsilon = Type === Float64Array ? 2 ** -52 : 2 ** -23;
    test(`matches a naive triple loop on ${Type.name}`, () => {
      const random = makeRandom(7);
      for (const [m, n, k] of SHAPES) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const [alpha, beta] of SCALARS) {
              const a = Type.from({ length: m * k }, () => random() * 2 - 1);
              const b = Type.from({ length: k * n }, () => random() * 2 - 1);
              // With beta = 0, C must not be read: NaNs there must not leak into the result.
              const c = Type.from({ length: m * n }, () => (beta === 0 ? NaN : random() * 2 - 1));
              const args = { a, b, c, m, n, k, transA, transB, alpha, beta };
              const { value, bound } = referenceGemm(args);
              runToEnd(gemmSteps(args));
              const label = `${Type.name} ${m}×${n}×${k} tA=${transA} tB=${transB} α=${alpha} β=${beta}`;
              for (let i = 0; i < m * n; i++) {
                const tolerance = epsilon * (k + 4) * bound[i] + Number.MIN_VALUE;
                if (!(Math.abs(c[i] - value[i]) <= tolerance)) {
                  assert.fail(`${label}: at ${i} got ${c[i]}, expected ${value[i]} ± ${tolerance}`);
                }
              }
            }
          }
        }
      }
    });
  }

  test('alpha = 0 reads neither A nor B', () => {
    const a = new Float64Array(4).fill(NaN);
    const c = new Float64Array(4).fill(2);
    runToEnd(gemmSteps({ a, b: a, c, m: 2, n: 2, k: 2, transA: false, transB: false, alpha: 0, beta: 0.5 }));
    assert.deepEqual([...c], [1, 1, 1, 1]);
  });
});

test('the kernels work where code generation from strings is disallowed', () => {
  const url = (name) => JSON.stringify(new URL(`../dist/kernels/${name}.js`, import.meta.url).href);
  const script = `
    import { mergeSortSteps, quickSortSteps } from ${url('sort')};
    import { argsortSteps } from ${url('argsort')};
    import { runToEnd } from ${url('types')};
    const input = Float64Array.of(3, NaN, 0, -1, -0, 2, 2, Infinity);
    const results = [mergeSortSteps, quickSortSteps].map((sortSteps) => {
      const a = input.slice();
      runToEnd(sortSteps(a, true));
      return Array.from(a, (x) => Object.is(x, -0) ? '-0' : String(x));
    });
    const out = new Uint32Array(input.length);
    runToEnd(argsortSteps(input, false, out));
    process.stdout.write(JSON.stringify([...results, Array.from(out)]));
  `;
  const stdout = execFileSync(
    process.execPath,
    ['--disallow-code-generation-from-strings', '--input-type=module', '--eval', script],
    { encoding: 'utf8' },
  );
  const sortedDescending = ['Infinity', '3', '2', '2', '0', '-0', '-1', 'NaN'];
  assert.deepEqual(JSON.parse(stdout), [sortedDescending, sortedDescending, [3, 4, 2, 5, 6, 0, 7, 1]]);
});
