// Event-loop delay while a backend's async kernel runs for about two seconds: what a server
// calling `await sort(...)` or `await matmul(...)` would see on its other requests. Calls run back
// to back, each sized to take about a quarter of the period, and perf_hooks' histogram records how
// late the event loop comes round meanwhile.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { matmul, sort } from '../dist/index.js';
import { matrixInput, sortInput } from './data.mjs';

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

async function timeAsync(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * Sorting mutates its input, so two arrays alternate: while one is sorted, the other is restored
 * from the pristine copy in slices of 64 Ki elements (well under a millisecond each) with a turn
 * of the event loop between them, so the restoring never shows up as delay of its own.
 */
async function sortWorkload({ backend, threads }, periodMs) {
  const options = backend === 'js' ? { backend } : { backend, threads };
  const probe = sortInput('f64', 1e6, 'uniform', 7);
  await sort(probe.slice(), options);
  const probeMs = await timeAsync(() => sort(probe.slice(), options));
  const n = Math.round(clamp((1e6 * periodMs) / 4 / probeMs, 1e5, 2e7));
  const pristine = sortInput('f64', n, 'uniform', 11);
  const arrays = [pristine.slice(), pristine.slice()];
  const restored = [Promise.resolve(), Promise.resolve()];
  const restore = async (array) => {
    for (let i = 0; i < n; i += 65536) {
      array.set(pristine.subarray(i, Math.min(n, i + 65536)), i);
      await yieldToLoop();
    }
  };
  let turn = 0;
  return {
    description: `sort Float64Array n = ${n.toExponential(1)}`,
    async call() {
      const slot = turn++ & 1;
      await restored[slot];
      await sort(arrays[slot], options);
      restored[slot] = restore(arrays[slot]);
    },
    finish: () => Promise.all(restored),
  };
}

/** matmul leaves its inputs untouched, so the same operands serve every call. */
async function matmulWorkload({ backend, threads }, periodMs) {
  const call = (a, b, s) => matmul(a, b, backend === 'js' ? { m: s, k: s, n: s, backend } : { m: s, k: s, n: s, backend, threads });
  const s0 = 256;
  const [pa, pb] = [matrixInput('f32', s0, s0, 3), matrixInput('f32', s0, s0, 4)];
  await call(pa, pb, s0);
  const probeMs = await timeAsync(() => call(pa, pb, s0));
  const s = Math.round(clamp(s0 * Math.cbrt(periodMs / 4 / Math.max(probeMs, 0.01)), 128, 2048));
  const [a, b] = [matrixInput('f32', s, s, 5), matrixInput('f32', s, s, 6)];
  return { description: `matmul Float32Array ${s}×${s}×${s}`, call: () => call(a, b, s), finish: async () => {} };
}

/**
 * The delay of an idle event loop over `ms`: the floor that the machine itself sets (timer
 * granularity, other processes on the cores), against which a kernel's figures are read.
 */
async function idleDelay(ms) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  histogram.disable();
  return histogram.percentile(99) / 1e6;
}

export async function measureLatency({ kernel, backend, threads, durationMs }) {
  const workload = await (kernel === 'sort' ? sortWorkload : matmulWorkload)({ backend, threads }, durationMs);
  const idleP99Ms = await idleDelay(Math.min(500, durationMs / 2));
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < durationMs) {
    await workload.call();
    calls++;
  }
  const elapsedMs = performance.now() - t0;
  histogram.disable();
  await workload.finish();
  const ms = (ns) => ns / 1e6;
  return {
    workload: workload.description,
    calls,
    elapsedMs,
    idleP99Ms,
    p50Ms: ms(histogram.percentile(50)),
    p99Ms: ms(histogram.percentile(99)),
    maxMs: ms(histogram.max),
  };
}
