// argsortSync / argsort on every backend × element type × direction, compared exactly with a
// reference stable argsort (ties keep increasing index order in both directions; NaNs are equal
// to each other and sort last; -0 sorts before +0 and is not equal to it). The input must be
// left untouched, bit for bit.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { argsort, argsortSync } from '../dist/index.js';
import {
  TYPES, DIST_NAMES, makeArray, makeView, makeSharedArray, seedOf, refArgsort, refArgsortSimple, checkArgsort,
  assertSameElements, bytesOf, assertBytesEqual, snapshotBuffer,
} from './helpers.mjs';

const BACKENDS = ['native', 'workers', 'js'];
const SMALL = [0, 1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97, 127, 128, 129, 255, 256, 257,
  511, 512, 513, 1009, 1023, 1024, 1025];
const LARGE = [4095, 4096, 4097, 10007, 65535, 65536, 65537, 100003];
// Below 16384 elements the workers backend runs argsort on the calling thread with the js kernels,
// which the js rows cover size by size; a few small sizes check that hand-off.
const SMALL_FOR = { workers: [0, 1, 2, 17, 33, 257, 1025] };

const cache = new Map();
function caseData(type, n, dist) {
  const key = `${type.name}|${n}|${dist}`;
  let c = cache.get(key);
  if (!c) {
    const input = makeArray(type, n, dist, seedOf('argsort', type.name, n, dist));
    c = {
      input,
      bytes: bytesOf(input),
      get asc() { return this._asc ??= refArgsort(input, false); },
      get desc() { return this._desc ??= refArgsort(input, true); },
    };
    cache.set(key, c);
  }
  return c;
}

function checkResult(res, c, descending, ctx) {
  assert.ok(res instanceof Uint32Array, `${ctx}: result is a Uint32Array (got ${res?.constructor?.name})`);
  assert.notEqual(res, c.input, `${ctx}: a new array`);
  assertSameElements(res, descending ? c.desc : c.asc, ctx);
  assertBytesEqual(c.input, c.bytes, `${ctx}: input untouched`);
}

function syncCase(backend, type, descending, n, dist, extra = {}) {
  const c = caseData(type, n, dist);
  const o = { backend, ...extra };
  if (descending || n % 2 === 1) o.descending = descending;
  const ctx = `argsortSync ${type.name} n=${n} ${dist} ${JSON.stringify(o)}`;
  checkResult(argsortSync(c.input, o), c, descending, ctx);
}

async function asyncCase(backend, type, descending, n, dist, extra = {}) {
  const c = caseData(type, n, dist);
  const o = { backend, descending, ...extra };
  const ctx = `argsort ${type.name} n=${n} ${dist} ${JSON.stringify(o)}`;
  const p = argsort(c.input, o);
  assert.ok(p instanceof Promise, `${ctx}: returns a Promise`);
  checkResult(await p, c, descending, ctx);
}

for (const type of TYPES) {
  describe(`argsort ${type.name}`, () => {
    after(() => cache.clear());

    for (const backend of BACKENDS) {
      [false, true].forEach((descending, di) => {
        it(`argsortSync ${backend} ${descending ? 'descending' : 'ascending'}`, () => {
          for (const n of SMALL_FOR[backend] ?? SMALL) for (const dist of DIST_NAMES) syncCase(backend, type, descending, n, dist);
          LARGE.forEach((n, si) => {
            for (const off of [0, 5]) {
              const dist = DIST_NAMES[(si + off + 3 * di) % DIST_NAMES.length];
              syncCase(backend, type, descending, n, dist);
            }
          });
        });
      });

      it(`argsort (async) ${backend}`, async () => {
        let r = 0;
        for (const descending of [false, true]) {
          for (const n of [0, 1, 2, 17, 513, 4097, 65537]) {
            await asyncCase(backend, type, descending, n, DIST_NAMES[r++ % DIST_NAMES.length]);
          }
        }
      });
    }

    it('with no options / default direction', async () => {
      const c = caseData(type, 4097, 'special');
      checkResult(argsortSync(c.input), c, false, 'argsortSync(array)');
      checkResult(await argsort(c.input), c, false, 'argsort(array)');
    });

    for (const backend of ['native', 'workers']) {
      it(`threads 1, 2, 3 on the ${backend} backend`, async () => {
        for (const threads of [1, 2, 3]) {
          for (const descending of [false, true]) {
            for (const [n, dist] of [[4097, 'fewDistinct'], [65537, 'special'], [100003, 'allEqual'], [100003, 'uniform']]) {
              syncCase(backend, type, descending, n, dist, { threads });
            }
            await asyncCase(backend, type, descending, 65537, 'fewDistinct', { threads });
          }
        }
      });
    }

    it('native, workers and js give identical results, and match a direct stability check', () => {
      for (const n of [1000, 65537]) {
        for (const dist of ['special', 'fewDistinct', 'bits']) {
          for (const descending of [false, true]) {
            const c = caseData(type, n, dist);
            const x = argsortSync(c.input, { backend: 'native', descending });
            const ctx = `${type.name} n=${n} ${dist} descending=${descending}`;
            for (const backend of ['workers', 'js']) {
              assertSameElements(argsortSync(c.input, { backend, descending }), x, `native vs ${backend} ${ctx}`);
            }
            checkArgsort(c.input, x, descending, ctx);
          }
        }
      }
    });

    for (const backend of BACKENDS) {
      it(`SharedArrayBuffer-backed arrays and subarray views (${backend})`, async () => {
        let r = 0;
        for (const n of [0, 1, 33, 1025, 65537]) {
          for (const descending of [false, true]) {
            const dist = ['special', 'fewDistinct', 'uniform', 'bits'][r++ % 4];
            const seed = seedOf('argview', type.name, n, dist, descending);
            const useAsync = r % 2 === 0;
            const ctx = `${type.name} n=${n} ${dist} descending=${descending} ${backend} async=${useAsync}`;
            const run = (arr) => (useAsync ? argsort(arr, { backend, descending }) : argsortSync(arr, { backend, descending }));

            const sab = makeSharedArray(type, n, dist, seed);
            const sabBytes = bytesOf(sab);
            const res = await run(sab);
            assert.ok(res instanceof Uint32Array);
            assertSameElements(res, refArgsort(sab, descending), `SharedArrayBuffer ${ctx}`);
            assertBytesEqual(sab, sabBytes, `SharedArrayBuffer input untouched ${ctx}`);

            for (const shared of [false, true]) {
              const { view, buf } = makeView(type, n, dist, seed, { before: 2, after: 7, shared });
              const snap = snapshotBuffer(buf);
              const res2 = await run(view);
              assertSameElements(res2, refArgsort(view, descending), `view shared=${shared} ${ctx}`);
              assert.ok(res2.every((i) => i < n), 'indices are relative to the view');
              assertBytesEqual(buf, snap, `whole buffer untouched, shared=${shared} ${ctx}`);
            }
          }
        }
      });
    }
  });
}

describe('the reference itself', () => {
  it('the fast reference argsort agrees with one written from the comparison rules', () => {
    for (const type of TYPES) {
      for (const dist of DIST_NAMES) {
        for (const descending of [false, true]) {
          const a = makeArray(type, 300, dist, seedOf('self', type.name, dist));
          const r = refArgsort(a, descending);
          assertSameElements(r, refArgsortSimple(a, descending), `${type.name} ${dist} descending=${descending}`);
          checkArgsort(a, r, descending, `${type.name} ${dist} descending=${descending}`);
        }
      }
    }
  });
});

describe('argsort stability', () => {
  it('equal keys keep increasing index order in both directions', () => {
    for (const backend of BACKENDS) {
      const a = new Int16Array([3, 1, 3, 2, 1, 3, 2, 1]);
      assert.deepEqual(Array.from(argsortSync(a, { backend })), [1, 4, 7, 3, 6, 0, 2, 5], backend);
      assert.deepEqual(Array.from(argsortSync(a, { backend, descending: true })), [0, 2, 5, 3, 6, 1, 4, 7], backend);
    }
  });

  it('NaNs are equal to each other and last; -0 before +0 and not equal to it', async () => {
    const f = new Float64Array([0, NaN, -0, 1, -NaN, 0, -0, -1, NaN]);
    // Make one NaN negative and one with a payload, via the bits.
    const u = new Uint32Array(f.buffer);
    u[9] = 0xfff80000; // f[4] = -NaN
    u[16] = 1; u[17] = 0x7ff00000; // f[8] = signalling NaN
    for (const backend of BACKENDS) {
      assert.deepEqual(Array.from(argsortSync(f, { backend })), [7, 2, 6, 0, 5, 3, 1, 4, 8], `${backend} ascending`);
      assert.deepEqual(Array.from(argsortSync(f, { backend, descending: true })), [3, 0, 5, 2, 6, 7, 1, 4, 8], `${backend} descending`);
      assert.deepEqual(Array.from(await argsort(f, { backend, descending: true })), [3, 0, 5, 2, 6, 7, 1, 4, 8], `${backend} async descending`);
      const g = new Float32Array(f);
      new Uint32Array(g.buffer)[4] = 0xffc00000;
      assert.deepEqual(Array.from(argsortSync(g, { backend })), [7, 2, 6, 0, 5, 3, 1, 4, 8], `${backend} f32 ascending`);
    }
  });

  it('a large all-equal array gives the identity (ascending and descending), one element type per size class', () => {
    for (const backend of BACKENDS) {
      for (const ctor of [Uint8Array, Float32Array, BigInt64Array]) {
        const a = new ctor(200_003);
        for (const descending of [false, true]) {
          const r = argsortSync(a, { backend, descending });
          const i = r.findIndex((v, j) => v !== j);
          assert.equal(i, -1, `${backend} ${ctor.name} descending=${descending}: index ${i} is ${r[i]}`);
        }
      }
    }
  });
});

// Argsorts check first for keys already in the argsort's order (indices in order) or strictly in
// the reverse order (indices reversed; equal keys in a row must keep their index order, so those
// are sorted). One step out of place anywhere, where the workers' parts meet included, must still
// give the stable order.
describe('argsort of input in order or reversed', () => {
  it('every backend, both directions, with ties, NaNs and ±0, and one step out of place anywhere', async () => {
    const ordered = (n, reversed, ties) => {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = (ties ? i >> 1 : i) - 3;
      if (n > 6) a[ties ? 6 : 3] = -0;
      if (reversed) a.reverse();
      return a;
    };
    const variants = (a) => {
      const n = a.length;
      const out = [a];
      const at = [0, (n >> 1) - 1, n >> 1, n - 2, Math.floor(n / 3) - 1, Math.floor(2 * n / 3) - 1, Math.floor(n / 4) - 1];
      for (const i of new Set(at.filter((i) => i >= 0 && i + 1 < n))) {
        const b = a.slice();
        [b[i], b[i + 1]] = [b[i + 1], b[i]];
        out.push(b);
      }
      const nan = a.slice();
      nan[n >> 2] = NaN;
      out.push(nan);
      return out;
    };
    for (const backend of BACKENDS) {
      for (const n of [2, 3, 17, 1000, 20011, 100003]) {
        for (const reversed of [false, true]) {
          for (const ties of [false, true]) {
            for (const input of variants(ordered(n, reversed, ties))) {
              for (const descending of [false, true]) {
                const expected = refArgsort(input, descending);
                const ctx = `${backend} n=${n} reversed=${reversed} ties=${ties} descending=${descending} [${input.slice(0, 6)}…]`;
                assertSameElements(argsortSync(input, { backend, descending }), expected, ctx);
              }
            }
          }
          if (n === 100003) {
            for (const descending of [false, true]) {
              const input = ordered(n, reversed, false);
              assertSameElements(await argsort(input, { backend, descending }), refArgsort(input, descending), `async ${backend} reversed=${reversed} descending=${descending}`);
            }
          }
        }
      }
    }
  });
});

describe('argsort options.out', () => {
  // Sizes on the calling thread, in a workers plan, and on several native threads.
  const SIZES = [0, 1, 17, 1025, 20011, 100003];
  const TYPES_OUT = TYPES.filter((t) => ['Float64Array', 'Int16Array', 'BigInt64Array', 'Uint8Array'].includes(t.name));

  for (const backend of BACKENDS) {
    it(`${backend}: the indices go into out, which is returned; sync and async, views and shared memory`, async () => {
      let r = 0;
      for (const type of TYPES_OUT) {
        for (const n of SIZES) {
          for (const descending of [false, true]) {
            const c = caseData(type, n, DIST_NAMES[r++ % DIST_NAMES.length]);
            const expected = descending ? c.desc : c.asc;
            const ctx = `${backend} ${type.name} n=${n} ${descending ? 'desc' : 'asc'}`;
            // A view inside a larger array, whose guard elements must stay as they are.
            const whole = new Uint32Array(n + 8).fill(0xdeadbeef);
            const out = whole.subarray(4, 4 + n);
            assert.equal(argsortSync(c.input, { backend, descending, out }), out, `${ctx}: returns out`);
            assertSameElements(out, expected, `${ctx} sync`);
            for (const i of [0, 1, 2, 3, n + 4, n + 5, n + 6, n + 7]) assert.equal(whole[i], 0xdeadbeef, `${ctx}: guard ${i}`);
            // Reused, on a SharedArrayBuffer, by the async form.
            const shared = new Uint32Array(new SharedArrayBuffer(4 * n)).fill(7);
            for (let round = 0; round < 2; round++) {
              assert.equal(await argsort(c.input, { backend, descending, out: shared }), shared, `${ctx}: async returns out`);
              assertSameElements(shared, expected, `${ctx} async, round ${round}`);
            }
            assertBytesEqual(c.input, c.bytes, `${ctx}: input untouched`);
          }
        }
        cache.clear();
      }
    });
  }

  it('an async argsort aborted while it runs leaves out untouched, on every backend', async () => {
    const input = makeArray(Float64Array, 300_000, 'uniform', seedOf('argsort-out-abort'));
    for (const backend of BACKENDS) {
      for (const delay of ['immediate', 2]) {
        const out = new Uint32Array(input.length).fill(3);
        const ac = new AbortController();
        const p = argsort(input, { backend, out, signal: ac.signal });
        if (delay === 'immediate') setImmediate(() => ac.abort());
        else setTimeout(() => ac.abort(), delay);
        try {
          await p;
          checkArgsort(input, out, false, `${backend} resolved (abort at ${delay})`);
        } catch (error) {
          assert.equal(error.name, 'AbortError', `${backend} abort at ${delay}: ${error}`);
          assert.ok(out.every((v) => v === 3), `${backend} abort at ${delay}: out untouched`);
        }
      }
    }
  });
});
