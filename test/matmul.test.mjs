// matmulSync / matmul: C = alpha·op(A)·op(B) + beta·C on every backend, f32 and f64, against a
// float64 reference with a tolerance proportional to k·eps·Σ|a||b|. Shapes straddle the small
// blocks (1..17, 31..33, 63..65, 127..129, 255..257), primes, tall, wide, skinny, zero sizes,
// every transpose, alpha/beta/out, and m, k or n derived from the array lengths.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { matmul, matmulSync } from '../dist/index.js';
import { loadNative } from '../dist/binding.js';
import {
  makeRng, seedOf, randomMatrix, refMatmul, assertMatClose, assertMatAgree, bytesOf,
  assertBytesEqual, snapshotBuffer, errorNaming, DIST_URL,
} from './helpers.mjs';

const BACKENDS = ['native', 'workers', 'js'];
const FLOATS = [Float32Array, Float64Array];
const TRANS = [[false, false], [true, false], [false, true], [true, true]];
const DIMS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

function tname(transA, transB) {
  return `${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}`;
}

/** Inputs for one problem; op(A) is m×k, op(B) is k×n. */
function problem(ctor, m, k, n, transA, transB, tag = '') {
  const a = randomMatrix(ctor, m * k, seedOf('A', ctor.name, m, k, n, transA, tag));
  const b = randomMatrix(ctor, k * n, seedOf('B', ctor.name, m, k, n, transB, tag));
  return { a, b, m, k, n, transA, transB };
}

/**
 * Runs one problem on every backend (sync, and async if asked), checks each result against the
 * reference and the backends against each other, and that a and b are untouched.
 */
async function checkProblem(ctor, m, k, n, transA, transB, { alsoAsync = false, extra = {} } = {}) {
  const p = problem(ctor, m, k, n, transA, transB);
  const expected = refMatmul(p);
  const aBytes = bytesOf(p.a);
  const bBytes = bytesOf(p.b);
  const results = [];
  for (const backend of BACKENDS) {
    const opts = { m, k, n, transA, transB, backend, ...extra };
    const ctx = `${ctor.name} ${m}×${k}×${n} ${tname(transA, transB)} ${backend}`;
    const c = matmulSync(p.a, p.b, opts);
    assert.ok(c instanceof ctor, `${ctx}: result is a ${ctor.name} (got ${c?.constructor?.name})`);
    assertMatClose(c, expected, p, `${ctx} sync`);
    results.push(c);
    if (alsoAsync) {
      const c2 = await matmul(p.a, p.b, opts);
      assert.ok(c2 instanceof ctor);
      assertMatClose(c2, expected, p, `${ctx} async`);
    }
    assertBytesEqual(p.a, aBytes, `${ctx}: a untouched`);
    assertBytesEqual(p.b, bBytes, `${ctx}: b untouched`);
  }
  for (let i = 1; i < BACKENDS.length; i++) {
    assertMatAgree(results[0], results[i], expected, p, `${ctor.name} ${m}×${k}×${n} ${tname(transA, transB)} ${BACKENDS[0]} vs ${BACKENDS[i]}`);
  }
}

for (const ctor of FLOATS) {
  describe(`matmul ${ctor.name}`, () => {
    it('square shapes straddling the blocks, every transpose (all four for n ≤ 65)', async () => {
      let r = 0;
      for (const s of DIMS) {
        const trans = s <= 65 ? TRANS : [TRANS[0], TRANS[1 + (r++ % 3)]];
        for (const [ta, tb] of trans) await checkProblem(ctor, s, s, s, ta, tb, { alsoAsync: s % 16 === 1 });
      }
    });

    it('random rectangular shapes from the block-straddling sizes, random transposes', async () => {
      const rng = makeRng(seedOf('rect', ctor.name));
      for (let i = 0; i < 60; i++) {
        let m = rng.pick(DIMS);
        let k = rng.pick(DIMS);
        let n = rng.pick(DIMS);
        // Keep the total work bounded: at most one of the three may be large.
        if (m * k * n > 2_000_000) { m = rng.int(1, 17); n = rng.int(1, 33); }
        const [ta, tb] = TRANS[rng.int(0, 3)];
        await checkProblem(ctor, m, k, n, ta, tb, { alsoAsync: i % 10 === 0 });
      }
    });

    it('primes, tall, wide, skinny, long-k, outer products, vectors', async () => {
      const shapes = [
        [97, 101, 103], [7, 257, 3], [131, 61, 127], [2, 509, 3], [67, 1, 71], // primes
        [1000, 5, 7], [2049, 17, 3], [1031, 3, 1], // tall
        [3, 5, 1000], [5, 17, 2049], [1, 3, 1031], // wide
        [200, 1, 200], [129, 2, 257], // skinny k (outer products)
        [4, 2000, 3], [1, 4099, 1], [3, 1025, 2], // long k (dot products)
        [257, 129, 1], [1, 129, 257], [1, 1, 1], // matrix-vector, scalar
      ];
      let r = 0;
      for (const [m, k, n] of shapes) {
        for (const [ta, tb] of [TRANS[0], TRANS[1 + (r++ % 3)]]) await checkProblem(ctor, m, k, n, ta, tb, { alsoAsync: r % 3 === 0 });
      }
    });

    for (const backend of ['native', 'workers']) {
      it(`threads 1, 2, 3 on the ${backend} backend give correct results`, async () => {
        for (const threads of [1, 2, 3]) {
          for (const [m, k, n] of [[257, 129, 255], [65, 300, 33], [1, 513, 700]]) {
            for (const [ta, tb] of TRANS) {
              const p = problem(ctor, m, k, n, ta, tb, 'threads');
              const expected = refMatmul(p);
              const ctx = `${ctor.name} ${m}×${k}×${n} ${tname(ta, tb)} threads=${threads} ${backend}`;
              assertMatClose(matmulSync(p.a, p.b, { m, k, n, transA: ta, transB: tb, backend, threads }), expected, p, ctx);
              assertMatClose(await matmul(p.a, p.b, { m, k, n, transA: ta, transB: tb, backend, threads }), expected, p, `${ctx} async`);
            }
          }
        }
      });
    }

    it('alpha, beta and out (out returned, NaN in out never leaks when beta = 0)', async () => {
      let r = 0;
      for (const [m, k, n] of [[17, 33, 15], [64, 65, 63], [129, 31, 257], [5, 1, 3]]) {
        for (const [ta, tb] of TRANS) {
          for (const alpha of [1, -1.5, 0, 2.25]) {
            for (const beta of [0, 1, 0.5, -2]) {
              const p = problem(ctor, m, k, n, ta, tb, 'ab');
              const c0 = randomMatrix(ctor, m * n, seedOf('C', ctor.name, m, n, alpha, beta));
              const backend = BACKENDS[r % BACKENDS.length];
              const useAsync = r++ % 3 === 0;
              const ctx = `${ctor.name} ${m}×${k}×${n} ${tname(ta, tb)} alpha=${alpha} beta=${beta} ${backend} async=${useAsync}`;
              const out = beta === 0 ? new ctor(m * n).fill(NaN) : c0.slice();
              if (beta === 0) out[0] = Infinity;
              const opts = { m, k, n, transA: ta, transB: tb, alpha, beta, out, backend };
              const ret = useAsync ? await matmul(p.a, p.b, opts) : matmulSync(p.a, p.b, opts);
              assert.equal(ret, out, `${ctx}: returns out itself`);
              assertMatClose(out, refMatmul({ ...p, alpha, beta, c0 }), p, ctx);
              if (beta === 0) {
                // Without out, too.
                const c = matmulSync(p.a, p.b, { m, k, n, transA: ta, transB: tb, alpha, backend });
                assert.ok(c instanceof ctor);
                assertMatClose(c, refMatmul({ ...p, alpha }), p, `${ctx} without out`);
              }
            }
          }
        }
      }
    });

    it('alpha defaults to 1 and beta to 0 (out contents ignored)', () => {
      for (const backend of BACKENDS) {
        const p = problem(ctor, 33, 17, 31, false, false, 'defaults');
        const out = new ctor(33 * 31).fill(NaN);
        assert.equal(matmulSync(p.a, p.b, { m: 33, k: 17, n: 31, out, backend }), out);
        assertMatClose(out, refMatmul(p), p, `${backend} defaults with out`);
        assertMatClose(matmulSync(p.a, p.b, { m: 33, k: 17, n: 31, backend }), refMatmul(p), p, `${backend} defaults`);
      }
    });

    it('zero sizes: k = 0 gives beta·C, m = 0 or n = 0 gives an empty array', async () => {
      for (const backend of BACKENDS) {
        for (const useAsync of [false, true]) {
          const mm = (a, b, o) => (useAsync ? matmul(a, b, o) : matmulSync(a, b, o));
          const ctx = `${backend} async=${useAsync}`;
          const empty = new ctor(0);
          // k = 0
          const c0 = randomMatrix(ctor, 5 * 7, seedOf('k0', ctor.name));
          for (const [ta, tb] of TRANS) {
            const out = c0.slice();
            assert.equal(await mm(empty, empty, { m: 5, k: 0, n: 7, transA: ta, transB: tb, beta: 0.5, alpha: 3, out, backend }), out);
            for (let i = 0; i < out.length; i++) assert.equal(out[i], c0[i] * 0.5, `${ctx} k=0 beta=0.5 out[${i}]`);
          }
          const outNaN = new ctor(35).fill(NaN);
          await mm(empty, empty, { m: 5, k: 0, n: 7, out: outNaN, backend });
          assert.ok(outNaN.every((v) => Object.is(v, 0)), `${ctx} k=0 beta=0: all +0 (no NaN leak)`);
          const z = await mm(empty, empty, { m: 5, k: 0, n: 7, backend });
          assert.ok(z instanceof ctor && z.length === 35 && z.every((v) => v === 0), `${ctx} k=0 without out: zeros`);
          // m = 0, n = 0, all zero
          for (const [m, k, n] of [[0, 4, 6], [6, 4, 0], [0, 0, 0], [0, 3, 0], [0, 0, 5], [5, 0, 0]]) {
            const a = randomMatrix(ctor, m * k, 1);
            const b = randomMatrix(ctor, k * n, 2);
            for (const [ta, tb] of TRANS) {
              const c = await mm(a, b, { m, k, n, transA: ta, transB: tb, backend });
              assert.ok(c instanceof ctor, `${ctx} ${m}×${k}×${n}: a ${ctor.name}`);
              assert.equal(c.length, m * n, `${ctx} ${m}×${k}×${n}: length`);
              assert.ok(c.every((v) => Object.is(v, 0)), `${ctx} ${m}×${k}×${n}: zeros`);
              const out = new ctor(m * n);
              assert.equal(await mm(a, b, { m, k, n, transA: ta, transB: tb, backend, out, beta: 2 }), out);
            }
          }
        }
      }
    });

    it('m, k or n derived from the array lengths (each left out in turn)', async () => {
      let r = 0;
      for (const [m, k, n] of [[7, 5, 3], [33, 17, 65], [1, 9, 4], [12, 1, 12], [4, 6, 1]]) {
        for (const [ta, tb] of TRANS) {
          const p = problem(ctor, m, k, n, ta, tb, 'derive');
          const expected = refMatmul(p);
          for (const omit of ['m', 'k', 'n']) {
            const opts = { m, k, n, transA: ta, transB: tb, backend: BACKENDS[r++ % BACKENDS.length] };
            delete opts[omit];
            const ctx = `${ctor.name} ${m}×${k}×${n} ${tname(ta, tb)} without ${omit} ${opts.backend}`;
            const c = matmulSync(p.a, p.b, opts);
            assert.equal(c.length, m * n, `${ctx}: length`);
            assertMatClose(c, expected, p, ctx);
            assertMatClose(await matmul(p.a, p.b, opts), expected, p, `${ctx} async`);
          }
        }
      }
    });

    it('leaving out two (or all three) of m, k, n is an error naming one of them', async () => {
      const p = problem(ctor, 6, 4, 5, false, false, 'omit2');
      for (const opts of [{ m: 6 }, { k: 4 }, { n: 5 }, {}, undefined]) {
        const check = errorNaming([TypeError, RangeError], ['options.m', 'options.k', 'options.n']);
        assert.throws(() => matmulSync(p.a, p.b, opts), check, JSON.stringify(opts));
        await assert.rejects(matmul(p.a, p.b, opts), check, JSON.stringify(opts));
      }
    });

    it('views: a, b, out as subarrays and on SharedArrayBuffers; out in the same buffer as a without overlap', async () => {
      const bpe = ctor.BYTES_PER_ELEMENT;
      let r = 0;
      for (const [m, k, n] of [[17, 9, 33], [65, 64, 3], [3, 129, 5]]) {
        for (const [ta, tb] of TRANS) {
          for (const shared of [false, true]) {
            const backend = BACKENDS[r % BACKENDS.length];
            const useAsync = r++ % 3 === 1;
            const ctx = `${ctor.name} ${m}×${k}×${n} ${tname(ta, tb)} shared=${shared} ${backend} async=${useAsync}`;
            // One buffer: [pad 3][a][pad 2][out][pad 4]; b in its own buffer at an offset.
            const la = m * k;
            const lc = m * n;
            const total = 3 + la + 2 + lc + 4;
            const buf = shared ? new SharedArrayBuffer(total * bpe) : new ArrayBuffer(total * bpe);
            makeRng(seedOf('pad', ctx)).fillBytes(new Uint8Array(buf));
            const whole = new ctor(buf);
            const a = whole.subarray(3, 3 + la);
            a.set(randomMatrix(ctor, la, seedOf('va', ctx)));
            const out = whole.subarray(3 + la + 2, 3 + la + 2 + lc);
            const c0 = randomMatrix(ctor, lc, seedOf('vc', ctx));
            out.set(c0);
            const bbuf = shared ? new SharedArrayBuffer((k * n + 8) * bpe) : new ArrayBuffer((k * n + 8) * bpe);
            const b = new ctor(bbuf, 5 * bpe, k * n);
            b.set(randomMatrix(ctor, k * n, seedOf('vb', ctx)));
            const snap = snapshotBuffer(buf);
            const bsnap = snapshotBuffer(bbuf);
            const p = { a, b, m, k, n, transA: ta, transB: tb };
            const expected = refMatmul({ ...p, alpha: -0.75, beta: 1.5, c0 });
            const opts = { m, k, n, transA: ta, transB: tb, alpha: -0.75, beta: 1.5, out, backend };
            const ret = useAsync ? await matmul(a, b, opts) : matmulSync(a, b, opts);
            assert.equal(ret, out);
            assertMatClose(out, expected, p, ctx);
            // Everything outside out is untouched: pads, a, and all of b's buffer.
            const outStart = (3 + la + 2) * bpe;
            assertBytesEqual(new Uint8Array(buf, 0, outStart), snap.subarray(0, outStart), `${ctx}: bytes before out`);
            assertBytesEqual(new Uint8Array(buf, outStart + lc * bpe), snap.subarray(outStart + lc * bpe), `${ctx}: bytes after out`);
            assertBytesEqual(bbuf, bsnap, `${ctx}: b's buffer`);
          }
        }
      }
    });
  });
}

describe('matmul exact small cases', () => {
  it('2×3 · 3×2 with every transpose gives the textbook answer on every backend', () => {
    // A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]] → C = [[58,64],[139,154]]
    const A = [1, 2, 3, 4, 5, 6];
    const AT = [1, 4, 2, 5, 3, 6];
    const B = [7, 8, 9, 10, 11, 12];
    const BT = [7, 9, 11, 8, 10, 12];
    for (const ctor of FLOATS) {
      for (const backend of BACKENDS) {
        for (const [ta, tb] of TRANS) {
          const c = matmulSync(ctor.from(ta ? AT : A), ctor.from(tb ? BT : B), { m: 2, k: 3, n: 2, transA: ta, transB: tb, backend });
          assert.deepEqual(Array.from(c), [58, 64, 139, 154], `${ctor.name} ${backend} ${tname(ta, tb)}`);
          assert.ok(c instanceof ctor);
        }
        const out = ctor.from([1, 1, 1, 1]);
        matmulSync(ctor.from(A), ctor.from(B), { m: 2, k: 3, n: 2, alpha: 2, beta: -1, out, backend });
        assert.deepEqual(Array.from(out), [115, 127, 277, 307], `${ctor.name} ${backend} alpha=2 beta=-1`);
      }
    }
  });
});

// The SIMD path is chosen once per process, so each path runs in a child process of its own with
// PARALLEL_KERNELS_SIMD set. The child multiplies shapes around each path's register tiles (the
// largest MR is 12 and NR 32) and past one KC block, with A packed and unpacked, every transpose,
// alpha/beta/out and beta = 0 over NaN, and reports backendInfo().native.simd and any failure.
const SIMD_CHILD = `
import { matmulSync, backendInfo } from ${JSON.stringify(DIST_URL)};
import { randomMatrix, refMatmul, assertMatClose } from ${JSON.stringify(new URL('./helpers.mjs', import.meta.url).href)};
const failures = [];
const shapes = [[1, 1, 1], [5, 7, 3], [13, 17, 33], [12, 32, 64], [25, 65, 300], [64, 64, 64], [130, 200, 70], [37, 300, 260]];
let seed = 1;
for (const ctor of [Float32Array, Float64Array]) {
  for (const [m, n, k] of shapes) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      for (const [alpha, beta] of [[1, 0], [-0.5, 2.5]]) {
        const a = randomMatrix(ctor, m * k, seed++), b = randomMatrix(ctor, k * n, seed++);
        const c0 = beta === 0 ? new ctor(m * n).fill(NaN) : randomMatrix(ctor, m * n, seed++);
        const out = ctor.from(c0);
        try {
          matmulSync(a, b, { m, n, k, transA, transB, alpha, beta, out, backend: 'native' });
          assertMatClose(out, refMatmul({ a, b, m, k, n, transA, transB, alpha, beta, c0 }), { k, n },
            \`\${ctor.name} \${m}x\${n}x\${k} transA \${transA} transB \${transB} alpha \${alpha} beta \${beta}\`);
        } catch (error) {
          failures.push(String(error.message).slice(0, 300));
        }
      }
    }
  }
}
console.log(JSON.stringify({ simd: backendInfo().native.simd, failures }));
`;

function runSimdChild(request) {
  const env = { ...process.env };
  delete env.PARALLEL_KERNELS_SIMD;
  if (request !== undefined) env.PARALLEL_KERNELS_SIMD = request;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', SIMD_CHILD], { env, encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').pop());
}

describe('matmul on every SIMD path (PARALLEL_KERNELS_SIMD, one child process each)', () => {
  const PATHS = ['baseline', 'avx2', 'avx512'];
  const detected = runSimdChild(undefined);
  it('the default path is the best the CPU has and computes correctly', () => {
    assert.ok(PATHS.includes(detected.simd), `simd = ${detected.simd}`);
    assert.deepEqual(detected.failures, []);
  });
  for (const request of PATHS) {
    it(`PARALLEL_KERNELS_SIMD=${request} runs the lower of it and the CPU's best, correctly`, () => {
      const result = runSimdChild(request);
      // Only ever lowered: a path the CPU lacks would fault.
      const expected = PATHS[Math.min(PATHS.indexOf(request), Math.max(0, PATHS.indexOf(detected.simd)))];
      assert.equal(result.simd, expected);
      assert.deepEqual(result.failures, []);
    });
  }
});

describe('the addon\'s matmul entry point, called directly', () => {
  // The public API checks every argument first; the addon's own checks are what keeps a wrong call
  // from reading or writing out of bounds. It takes the arrays' element type as stated in params[8]
  // and checks only that the elements, at that size, lie inside each array's buffer.
  const binding = loadNative().binding;
  const params = (m, n, k, bytes) => new Float64Array([m, n, k, 0, 0, 1, 0, 1, bytes]);
  const call = (a, b, out, p) => binding.matmul(a, b, out, p, undefined, false);

  it('multiplies when the stated type is right, plain and SharedArrayBuffer-backed', { skip: !binding && 'no addon' }, () => {
    for (const ctor of FLOATS) {
      for (const shared of [false, true]) {
        const make = (values) => {
          const array = shared ? new ctor(new SharedArrayBuffer(values.length * ctor.BYTES_PER_ELEMENT)) : new ctor(values.length);
          array.set(values);
          return array;
        };
        const a = make([1, 2, 3, 4, 5, 6]), b = make([1, 0, 0, 1, 1, 1]), out = make([0, 0, 0, 0]);
        call(a, b, out, params(2, 2, 3, ctor.BYTES_PER_ELEMENT));
        assert.deepEqual([...out], [4, 5, 10, 11], `${ctor.name}${shared ? ' on a SharedArrayBuffer' : ''}`);
      }
    }
  });

  it('a false element type cannot reach past a buffer: RangeError, or TypeError on a SharedArrayBuffer', { skip: !binding && 'no addon' }, () => {
    // 16 floats are 64 bytes, which as doubles would need 128.
    const a = new Float32Array(16), b = new Float32Array(16), out = new Float32Array(16);
    assert.throws(() => call(a, b, out, params(4, 4, 4, 8)), RangeError);
    // A view at the end of a larger buffer: its 4 floats as doubles would run 16 bytes past the end.
    const tail = new Float32Array(new ArrayBuffer(64), 48, 4);
    assert.throws(() => call(tail, tail.slice(), tail.slice(), params(2, 2, 2, 8)), RangeError);
    const shared = new Float32Array(new SharedArrayBuffer(64));
    assert.throws(() => call(shared, shared, new Float32Array(16), params(4, 4, 4, 8)), TypeError);
    assert.throws(() => call(a, b, out, params(4, 4, 4, 2)), RangeError);
    assert.throws(() => call(a, b, out, new Float64Array(8)), TypeError);
    assert.throws(() => call(a, b, new Float32Array(15), params(4, 4, 4, 4)), RangeError);
    assert.throws(() => call(a, b, a, params(4, 4, 4, 4)), RangeError);
    assert.deepEqual([...out], new Array(16).fill(0));
  });
});

describe('out on the memory of a through another SharedArrayBuffer object', () => {
  // A SharedArrayBuffer posted through a port arrives as another object over the same memory, so the
  // check in TypeScript (same buffer object, intersecting byte ranges) cannot see the overlap; the
  // addon compares addresses. A sync call on the addon relies on that comparison alone.
  const native = loadNative().binding !== undefined;
  const twinOf = (sab) => new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port2.once('message', (twin) => {
      port1.close();
      resolve(twin);
    });
    port1.postMessage(sab);
  });

  it('the native backend names options.out, sync and async, and leaves a, b and out untouched', { skip: !native && 'no addon' }, async () => {
    for (const ctor of FLOATS) {
      const bpe = ctor.BYTES_PER_ELEMENT;
      const sab = new SharedArrayBuffer(16 * bpe);
      const twin = await twinOf(sab);
      assert.notEqual(twin, sab);
      const a = new ctor(sab, 1 * bpe, 6);
      a.set([1, 2, 3, 4, 5, 6]);
      const b = new ctor([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
      const out = new ctor(twin, 5 * bpe, 8);  // a's last two elements are out's first
      const before = [...new ctor(sab)], bBefore = [...b];
      const opts = { m: 2, k: 3, n: 4, out, backend: 'native' };
      const check = errorNaming(RangeError, 'options.out');
      assert.throws(() => matmulSync(a, b, opts), check, ctor.name);
      await assert.rejects(matmul(a, b, opts), check, ctor.name);
      assert.deepEqual([...new ctor(sab)], before, `${ctor.name}: a and out untouched`);
      assert.deepEqual([...b], bBefore, `${ctor.name}: b untouched`);
    }
  });
});
