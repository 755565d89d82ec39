// sortSync / sort on every backend × element type × algorithm × direction, over sizes that
// straddle the small-sort, block and parallel thresholds, and over many distributions, against
// TypedArray.prototype.sort() on a copy.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { sort, sortSync } from '../dist/index.js';
import {
  TYPES, DIST_NAMES, makeArray, makeView, makeSharedArray, seedOf, refSort, assertSameElements,
  snapshotBuffer, assertBytesEqual,
} from './helpers.mjs';

const BACKENDS = ['native', 'workers', 'js'];
const ALGORITHMS = ['auto', 'merge', 'quick', 'radix'];
const SMALL = [0, 1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97, 127, 128, 129, 255, 256, 257,
  511, 512, 513, 1009, 1023, 1024, 1025, 1499, 1500, 1501];
const LARGE = [4095, 4096, 4097, 10007, 65535, 65536, 65537, 100003];
// Below 16384 elements the workers backend sorts on the calling thread with the js kernels, which
// the js rows cover size by size; a few small sizes check that hand-off.
const SMALL_FOR = { workers: [0, 1, 2, 17, 33, 257, 1025] };

// Inputs and expected outputs, cached per type (cleared when the type's suite ends) so every
// backend and algorithm sorts exactly the same data.
const cache = new Map();
function caseData(type, n, dist) {
  const key = `${type.name}|${n}|${dist}`;
  let c = cache.get(key);
  if (!c) {
    const input = makeArray(type, n, dist, seedOf('sort', type.name, n, dist));
    c = { input, asc: refSort(input, false), desc: refSort(input, true) };
    cache.set(key, c);
  }
  return c;
}
function clearCache() {
  cache.clear();
}

function opts(backend, algorithm, descending, extra = {}) {
  const o = { backend, algorithm, ...extra };
  // Leave `descending` out half of the time for ascending sorts: the default is ascending.
  if (descending || algorithm === 'quick') o.descending = descending;
  return o;
}

function checkSync(backend, type, algorithm, descending, n, dist, extra) {
  const c = caseData(type, n, dist);
  const arr = c.input.slice();
  const o = opts(backend, algorithm, descending, extra);
  const ret = sortSync(arr, o);
  const ctx = `sortSync ${type.name} n=${n} ${dist} ${JSON.stringify(o)}`;
  assert.equal(ret, arr, `${ctx}: returns the same array`);
  assertSameElements(arr, descending ? c.desc : c.asc, ctx);
}

async function checkAsync(backend, type, algorithm, descending, n, dist, extra) {
  const c = caseData(type, n, dist);
  const arr = c.input.slice();
  const o = opts(backend, algorithm, descending, extra);
  const p = sort(arr, o);
  assert.ok(p instanceof Promise, 'sort returns a Promise');
  const ret = await p;
  const ctx = `sort ${type.name} n=${n} ${dist} ${JSON.stringify(o)}`;
  assert.equal(ret, arr, `${ctx}: resolves to the same array`);
  assertSameElements(arr, descending ? c.desc : c.asc, ctx);
}

for (const type of TYPES) {
  describe(`sort ${type.name}`, () => {
    after(clearCache);

    for (const backend of BACKENDS) {
      ALGORITHMS.forEach((algorithm, ai) => {
        [false, true].forEach((descending, di) => {
          it(`sortSync ${backend} ${algorithm} ${descending ? 'descending' : 'ascending'}`, () => {
            for (const n of SMALL_FOR[backend] ?? SMALL) for (const dist of DIST_NAMES) checkSync(backend, type, algorithm, descending, n, dist);
            LARGE.forEach((n, si) => {
              const dist = DIST_NAMES[(si + 3 * ai + 5 * di) % DIST_NAMES.length];
              checkSync(backend, type, algorithm, descending, n, dist);
            });
          });
        });
      });

      it(`sort (async) ${backend}, every algorithm and direction`, async () => {
        const sizes = [0, 1, 2, 17, 513, 4097, 65537];
        let r = 0;
        for (const algorithm of ALGORITHMS) {
          for (const descending of [false, true]) {
            for (const n of sizes) {
              await checkAsync(backend, type, algorithm, descending, n, DIST_NAMES[r++ % DIST_NAMES.length]);
            }
          }
        }
      });

      it(`defaults (no algorithm, no descending) ${backend}`, async () => {
        for (const n of [0, 1, 33, 1025, 65537]) {
          for (const dist of ['uniform', 'special']) {
            const c = caseData(type, n, dist);
            const a1 = c.input.slice();
            assert.equal(sortSync(a1, { backend }), a1);
            assertSameElements(a1, c.asc, `sortSync ${type.name} n=${n} ${dist} {backend:${backend}}`);
            const a2 = c.input.slice();
            assert.equal(await sort(a2, { backend }), a2);
            assertSameElements(a2, c.asc, `sort ${type.name} n=${n} ${dist} {backend:${backend}}`);
          }
        }
      });
    }

    it('with no options at all (default backend)', async () => {
      const c = caseData(type, 4097, 'special');
      const a1 = c.input.slice();
      assert.equal(sortSync(a1), a1);
      assertSameElements(a1, c.asc, 'sortSync(array)');
      const a2 = c.input.slice();
      assert.equal(await sort(a2), a2);
      assertSameElements(a2, c.asc, 'sort(array)');
    });

    for (const backend of ['native', 'workers']) {
      it(`threads 1, 2, 3 on the ${backend} backend`, async () => {
        for (const threads of [1, 2, 3]) {
          for (const algorithm of ALGORITHMS) {
            for (const descending of [false, true]) {
              for (const [n, dist] of [[4097, 'special'], [65537, 'fewDistinct'], [100003, 'uniform'], [100003, 'bits']]) {
                checkSync(backend, type, algorithm, descending, n, dist, { threads });
              }
              await checkAsync(backend, type, algorithm, descending, 65537, 'special', { threads });
            }
          }
        }
      });
    }

    it('one 1e6-element array on the native backend', async () => {
      const ti = TYPES.indexOf(type);
      const n = 1_000_000;
      const dist = ['uniform', 'special', 'fewDistinct', 'bits', 'organPipe', 'sawtooth'][ti % 6];
      const algorithm = ALGORITHMS[ti % 3];
      const descending = ti % 2 === 1;
      const input = makeArray(type, n, dist, seedOf('sort1e6', type.name));
      const expected = refSort(input, descending);
      const arr = input.slice();
      if (ti % 2 === 0) {
        assert.equal(sortSync(arr, { backend: 'native', algorithm, descending }), arr);
      } else {
        assert.equal(await sort(arr, { backend: 'native', algorithm, descending }), arr);
      }
      assertSameElements(arr, expected, `${type.name} n=1e6 ${dist} ${algorithm} descending=${descending}`);
    });

    it('native, workers and js give identical results', async () => {
      for (const n of [1000, 65537]) {
        for (const dist of ['special', 'bits', 'fewDistinct']) {
          for (const algorithm of ALGORITHMS) {
            for (const descending of [false, true]) {
              const input = caseData(type, n, dist).input;
              const x = sortSync(input.slice(), { backend: 'native', algorithm, descending });
              for (const backend of ['workers', 'js']) {
                const y = sortSync(input.slice(), { backend, algorithm, descending });
                assertSameElements(y, x, `${backend} vs native ${type.name} n=${n} ${dist} ${algorithm} descending=${descending}`);
                const z = await sort(input.slice(), { backend, algorithm, descending });
                assertSameElements(z, x, `async ${backend} vs native ${type.name} n=${n} ${dist} ${algorithm} descending=${descending}`);
              }
            }
          }
        }
      }
    });

    for (const backend of BACKENDS) {
      it(`SharedArrayBuffer-backed arrays and subarray views (${backend})`, async () => {
        let r = 0;
        for (const n of [0, 1, 33, 1025, 65537]) {
          for (const algorithm of ALGORITHMS) {
            for (const descending of [false, true]) {
              const dist = ['special', 'uniform', 'fewDistinct', 'bits'][r++ % 4];
              const seed = seedOf('view', type.name, n, dist, algorithm, descending);
              const ctxBase = `${type.name} n=${n} ${dist} ${algorithm} descending=${descending} ${backend}`;

              // Shared, whole buffer.
              const sab = makeSharedArray(type, n, dist, seed);
              const expected = refSort(sab, descending);
              const useAsync = r % 2 === 0;
              const o = { backend, algorithm, descending };
              assert.equal(useAsync ? await sort(sab, o) : sortSync(sab, o), sab);
              assertSameElements(sab, expected, `SharedArrayBuffer ${ctxBase}`);

              // Views with neighbours that must stay untouched, on a plain and on a shared buffer.
              for (const shared of [false, true]) {
                const { view, whole, buf } = makeView(type, n, dist, seed, { before: 3, after: 5, shared });
                assert.ok(view.byteOffset > 0);
                const snap = snapshotBuffer(buf);
                const exp = refSort(view, descending);
                const ret = useAsync ? await sort(view, o) : sortSync(view, o);
                assert.equal(ret, view);
                assertSameElements(view, exp, `view shared=${shared} ${ctxBase}`);
                const bpe = type.ctor.BYTES_PER_ELEMENT;
                assertBytesEqual(whole.subarray(0, 3), snap.subarray(0, 3 * bpe), `left neighbours, shared=${shared} ${ctxBase}`);
                assertBytesEqual(whole.subarray(3 + n), snap.subarray((3 + n) * bpe), `right neighbours, shared=${shared} ${ctxBase}`);
              }
            }
          }
        }
      });
    }
  });
}

describe('sort edge cases', () => {
  it('every permutation of a small array with duplicates, -0/+0 and NaNs sorts correctly', () => {
    // All 7! orderings of these values (some equal) through every backend and all algorithms.
    const base = new Float64Array([NaN, -0, 0, 1, -1, 1, -Infinity]);
    const perms = [];
    const permute = (arr, k) => {
      if (k === arr.length) { perms.push(arr.slice()); return; }
      for (let i = k; i < arr.length; i++) {
        [arr[k], arr[i]] = [arr[i], arr[k]];
        permute(arr, k + 1);
        [arr[k], arr[i]] = [arr[i], arr[k]];
      }
    };
    permute(Array.from(base), 0);
    assert.equal(perms.length, 5040);
    const asc = refSort(base, false);
    const desc = refSort(base, true);
    for (const backend of BACKENDS) {
      for (const algorithm of ALGORITHMS) {
        for (const p of perms) {
          const x = Float64Array.from(p);
          sortSync(x, { backend, algorithm });
          assertSameElements(x, asc, `${backend} ${algorithm} [${p}]`);
          const y = Float64Array.from(p);
          sortSync(y, { backend, algorithm, descending: true });
          assertSameElements(y, desc, `${backend} ${algorithm} descending [${p}]`);
        }
      }
    }
  });

  it('explicit order of the special values (NaN last, -0 before +0; descending keeps NaN last)', () => {
    for (const backend of BACKENDS) {
      for (const algorithm of ALGORITHMS) {
        const x = new Float32Array([0, NaN, -0, Infinity, -NaN, -Infinity, 0, -0, 3]);
        sortSync(x, { backend, algorithm });
        assert.deepEqual(Array.from(x).map((v) => (Object.is(v, -0) ? '-0' : String(v))),
          ['-Infinity', '-0', '-0', '0', '0', '3', 'Infinity', 'NaN', 'NaN'], `${backend} ${algorithm} ascending`);
        sortSync(x, { backend, algorithm, descending: true });
        assert.deepEqual(Array.from(x).map((v) => (Object.is(v, -0) ? '-0' : String(v))),
          ['Infinity', '3', '0', '0', '-0', '-0', '-Infinity', 'NaN', 'NaN'], `${backend} ${algorithm} descending`);
        const b = new BigInt64Array([5n, -(2n ** 63n), 2n ** 63n - 1n, 0n, -1n]);
        sortSync(b, { backend, algorithm, descending: true });
        assert.deepEqual(Array.from(b), [2n ** 63n - 1n, 5n, 0n, -1n, -(2n ** 63n)], `${backend} ${algorithm} BigInt64 descending`);
        const u = new BigUint64Array([2n ** 64n - 1n, 0n, 2n ** 63n, 1n]);
        sortSync(u, { backend, algorithm });
        assert.deepEqual(Array.from(u), [0n, 1n, 2n ** 63n, 2n ** 64n - 1n], `${backend} ${algorithm} BigUint64`);
      }
    }
  });

  it('adversarial inputs for quicksort (killer patterns) finish and sort correctly', () => {
    // Median-of-3 killer and a "pipe organ of equal runs" pattern, at a size that would take
    // far too long if the introsort guard did not work.
    const n = 200_000;
    const killer = new Int32Array(n);
    const half = n / 2;
    for (let i = 0; i < half; i++) {
      killer[2 * i] = i % 2 === 0 ? i + 1 : half + i;
      killer[2 * i + 1] = i % 2 === 0 ? half + i + 1 : i + 1;
    }
    const runs = new Float64Array(n);
    for (let i = 0; i < n; i++) runs[i] = (i * 7919) % 13;
    for (const backend of BACKENDS) {
      for (const input of [killer, runs]) {
        for (const descending of [false, true]) {
          const x = input.slice();
          sortSync(x, { backend, algorithm: 'quick', descending });
          assertSameElements(x, refSort(input, descending), `${backend} quick ${input.constructor.name} descending=${descending}`);
        }
      }
    }
  });

  // Sorts check first for input already in order or in the reverse order; one step out of place
  // anywhere (the ends, the middle, where the workers backend's parts meet, across the js kernels'
  // slices of 2^19 elements) must still sort. On a SharedArrayBuffer the workers reverse in place.
  it('input in order or reversed but for one step anywhere, with NaNs and ±0, on every backend and algorithm', async () => {
    const ordered = (n, reversed) => {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = (i >> 1) - 3;  // pairs of equal values, -0 and 0 among them
      a[6] = -0;
      if (reversed) a.reverse();
      return a;
    };
    const variants = (a) => {
      const n = a.length;
      const out = [a];
      const at = [0, 1, (n >> 1) - 1, n >> 1, n - 3, n - 2, Math.floor(n / 3) - 1, Math.floor(2 * n / 3) - 1, Math.floor(n / 4) - 1];
      for (const i of new Set(at.filter((i) => i >= 0 && i + 1 < n))) {
        const b = a.slice();
        [b[i], b[i + 1]] = [b[i + 1], b[i]];
        if (b[i] !== b[i + 1]) out.push(b);  // swapping equal values would change nothing
      }
      const nan = a.slice();
      nan[n >> 2] = NaN;
      out.push(nan);
      return out;
    };
    for (const backend of BACKENDS) {
      for (const algorithm of ALGORITHMS) {
        for (const n of [2, 3, 17, 1000, 20011, 100003]) {
          for (const reversed of [false, true]) {
            for (const input of variants(ordered(n, reversed))) {
              for (const descending of [false, true]) {
                const expected = refSort(input, descending);
                const ctx = `${backend} ${algorithm} n=${n} reversed=${reversed} descending=${descending} [${input.slice(0, 8)}…]`;
                const x = input.slice();
                sortSync(x, { backend, algorithm, descending });
                assertSameElements(x, expected, ctx);
                if (backend === 'workers' && n > 1000) {
                  const shared = makeSharedArray(Float64Array, n, 'uniform', 1);
                  shared.set(input);
                  sortSync(shared, { backend, algorithm, descending });
                  assertSameElements(shared, expected, `${ctx} shared`);
                }
              }
            }
          }
        }
      }
    }
    // The async forms (the workers backend scans and reverses in phases of their own).
    for (const backend of BACKENDS) {
      for (const reversed of [false, true]) {
        for (const descending of [false, true]) {
          const input = ordered(100003, reversed);
          const expected = refSort(input, descending);
          const ctx = `async ${backend} reversed=${reversed} descending=${descending}`;
          const x = input.slice();
          await sort(x, { backend, descending });
          assertSameElements(x, expected, ctx);
          const shared = makeSharedArray(Float64Array, input.length, 'uniform', 1);
          shared.set(input);
          await sort(shared, { backend, descending });
          assertSameElements(shared, expected, `${ctx} shared`);
        }
      }
    }
    // The js kernels scan in slices of 2^19 elements: a step out of place across the first boundary.
    const n = 2 ** 19 + 5;
    for (const reversed of [false, true]) {
      const input = ordered(n, reversed);
      const i = 2 ** 19 - 1;
      input[i + 1] = input[i] + (reversed ? 0.5 : -0.5);  // the one step against the order
      for (const algorithm of ['quick', 'merge']) {
        const x = input.slice();
        sortSync(x, { backend: 'js', algorithm });
        assertSameElements(x, refSort(input, false), `js ${algorithm} n=${n} reversed=${reversed}, a step out of place at ${i}`);
      }
    }
  });
});
