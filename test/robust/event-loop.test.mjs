// The event loop stays free while a long async call runs: a 10 ms setInterval on the main thread
// keeps firing throughout a second or more of back-to-back sorts, argsorts or matmuls, on the native
// and workers backends.
// The bounds are generous (CI machines are shared): at least a third of the ticks the call's
// duration allows, and no gap between ticks longer than 250 ms.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { sort, matmul, argsort, configure, backendInfo } from '../../dist/index.js';
import { makeArray, randomMatrix, refSort, assertSameElements } from '../helpers.mjs';

const initial = configure({});
after(() => configure(initial));

const TICK_MS = 10;
const MAX_GAP_MS = 250;

/** Runs `start()` while a TICK_MS interval counts its ticks; returns the ticks, the longest gap, the duration. */
async function tickDuring(start) {
  let ticks = 0;
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, TICK_MS);
  const t0 = performance.now();
  try {
    await start();
  } finally {
    clearInterval(timer);
  }
  const duration = performance.now() - t0;
  maxGap = Math.max(maxGap, performance.now() - last);
  return { ticks, maxGap, duration };
}

// Calls of a size that takes tens to hundreds of milliseconds, repeated back to back for at least
// RUN_MS: a fixed single size would be too short to judge on a fast machine and too slow on a slow one.
const RUN_MS = 1200;
const CASES = {
  native: { sort: 4_000_000, argsort: 4_000_000, matmul: 1024 },
  workers: { sort: 2_000_000, argsort: 1_000_000, matmul: 400 },
};

/** Calls `once()` until RUN_MS have passed (at least once); returns how many calls ran. */
async function repeatFor(once) {
  const t0 = performance.now();
  let calls = 0;
  do {
    await once();
    calls++;
  } while (performance.now() - t0 < RUN_MS);
  return calls;
}

describe('the event loop while a long call runs', () => {
  for (const [backend, sizes] of Object.entries(CASES)) {
    const skip = !backendInfo().available.includes(backend) && `the ${backend} backend is not available`;
    const check = (t, what, calls, { ticks, maxGap, duration }) => {
      t.diagnostic(`${backend} ${what}: ${calls} calls in ${duration.toFixed(0)} ms, ${ticks} ticks of ${TICK_MS} ms, longest gap ${maxGap.toFixed(1)} ms`);
      const expected = duration / TICK_MS;
      assert.ok(ticks >= expected / 3, `${what}: only ${ticks} ticks in ${duration.toFixed(0)} ms (expected about ${expected.toFixed(0)})`);
      assert.ok(maxGap <= MAX_GAP_MS, `${what}: the event loop stalled for ${maxGap.toFixed(0)} ms`);
    };

    it(`${backend}: a timer keeps firing during long sorts`, { skip }, async (t) => {
      const source = makeArray(Float64Array, sizes.sort, 'uniform', 1);
      const x = new Float64Array(source.length);
      let calls = 0;
      const stats = await tickDuring(async () => {
        calls = await repeatFor(async () => { x.set(source); await sort(x, { backend }); });
      });
      assertSameElements(x, refSort(source), 'the last sort');
      check(t, `sort of ${x.length} f64`, calls, stats);
    });

    it(`${backend}: a timer keeps firing during long argsorts`, { skip }, async (t) => {
      const x = makeArray(Float32Array, sizes.argsort, 'uniform', 2);
      let order;
      let calls = 0;
      const stats = await tickDuring(async () => {
        calls = await repeatFor(async () => { order = await argsort(x, { backend }); });
      });
      for (let i = 1; i < order.length; i += 997) assert.ok(x[order[i - 1]] <= x[order[i]], `argsort order at ${i}`);
      check(t, `argsort of ${x.length} Float32Array`, calls, stats);
    });

    it(`${backend}: a timer keeps firing during long matmuls`, { skip }, async (t) => {
      const n = sizes.matmul;
      const a = randomMatrix(Float64Array, n * n, 5);
      const b = randomMatrix(Float64Array, n * n, 6);
      let c;
      let calls = 0;
      const stats = await tickDuring(async () => {
        calls = await repeatFor(async () => { c = await matmul(a, b, { m: n, k: n, n, backend }); });
      });
      // Spot-check one entry against a dot product.
      let dot = 0;
      for (let p = 0; p < n; p++) dot += a[17 * n + p] * b[p * n + 3];
      assert.ok(Math.abs(c[17 * n + 3] - dot) < 1e-9 * n, `C[17][3] = ${c[17 * n + 3]}, expected ${dot}`);
      check(t, `matmul ${n}³ f64`, calls, stats);
    });
  }

  it('native: the timer keeps firing while many async calls queue on the pool', async (t) => {
    const xs = Array.from({ length: 16 }, (_, i) => makeArray(Int32Array, 2_000_000, 'uniform', 10 + i));
    const copies = xs.map((x) => x.slice());
    const stats = await tickDuring(() => Promise.all(xs.map((x) => sort(x, { backend: 'native' }))));
    assertSameElements(xs[0], refSort(copies[0]), 'first of the queued sorts');
    t.diagnostic(`16 queued sorts: ${stats.duration.toFixed(0)} ms, ${stats.ticks} ticks, longest gap ${stats.maxGap.toFixed(1)} ms`);
    if (stats.duration >= 300) assert.ok(stats.ticks >= stats.duration / TICK_MS / 3, 'ticks');
    assert.ok(stats.maxGap <= MAX_GAP_MS, `the event loop stalled for ${stats.maxGap.toFixed(0)} ms`);
  });
});
