// The sampling of one implementation on one case, with tinybench: warm-up first (JIT tiers, worker
// start-up, first-touch page faults), then samples taken one at a time, each after prepare() has
// restored the input and a forced GC (when the process runs with --expose-gc) has cleared the
// garbage of the previous sample — in tinybench's beforeEach hook, so neither lands in the timed region.
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';

/**
 * `policy`: minSamples, maxSamples, targetMs (keep sampling until this much time is spent; the
 * budget is cut so that about maxSamples fit), warmupMs, slowMs and slowMinSamples (a case whose
 * first call exceeds slowMs takes only slowMinSamples and no further warm-up, so that the slowest
 * anchors do not dominate the run time), and checkEvery (check every sample, not just the first).
 * `check(output)` throws when the output is wrong.
 */
export async function measure(impl, policy, check) {
  const gc = globalThis.gc ?? (() => {});
  const prepare = () => {
    impl.prepare();
    gc();
  };

  // One call first, outside tinybench: its time decides how many samples the case can afford, and
  // its output is checked before anything is timed.
  prepare();
  const t0 = performance.now();
  await impl.run();
  const firstMs = performance.now() - t0;
  check(impl.output());

  const slow = firstMs >= policy.slowMs;
  const minSamples = slow ? policy.slowMinSamples : policy.minSamples;
  let checks = 1;
  let sampled = 0;
  const bench = new Bench({
    iterations: minSamples,
    time: Math.min(policy.targetMs, policy.maxSamples * firstMs),
    warmup: !slow,
    warmupTime: policy.warmupMs,
    warmupIterations: 10,
    retainSamples: true,
    throws: true,
  });
  bench.add('sample', () => impl.run(), {
    beforeEach: prepare,
    afterEach(mode) {
      if (mode === 'warmup') return;
      sampled++;
      if (policy.checkEvery || sampled === 1) {
        check(impl.output());
        checks++;
      }
    },
  });
  await bench.run();
  const task = bench.tasks[0];
  const samplesMs = [...(task.result?.latency?.samples ?? [])];
  if (samplesMs.length === 0) throw new Error(`tinybench took no samples${task.result?.error ? `: ${task.result.error.message}` : ''}`);
  return { samplesMs, warmupMs: [firstMs], checks };
}
