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
 * `check(output)` throws when the output is wrong. `impl.repeatable`: run() may be called again without
 * prepare() and gives the same output (calls shorter than BATCH_BELOW_MS are then timed in batches).
 */
const BATCH_BELOW_MS = 0.05;
const BATCH_TARGET_MS = 1;
const MAX_BATCH = 100000;
const ESTIMATE_MS = 20;

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

  // A call far shorter than a sample's fixed costs (the forced GC before it, which also leaves the
  // caches cold, and the timer) is timed in batches when it can be repeated as it is (the same inputs
  // give the same output, as for a matmul into `out`): `batch` calls per sample, each sample divided
  // by `batch`. One call per sample measured an 8³ multiply at 12-23 µs here, where a loop of them
  // takes 0.9 µs each.
  let batch = 1;
  let sampleMs = firstMs;
  // The first calls are no guide (they include compilation: the ten after the first took 15-40 µs
  // each for an 8³ multiply, which runs in 0.4 µs once warm), and on a shared machine any one timing
  // can include a preemption or a GC: the estimate is the fastest round of calls over ESTIMATE_MS of
  // rounds, each sized from the best estimate so far to last about BATCH_TARGET_MS, which warms the
  // call up. (One round of ten made batches of 26-69 calls there, samples of ~20 µs each right after
  // a forced GC, which timed the caches the GC left cold more than the call.) Never tried for a
  // first call of 5 ms or more.
  if (impl.repeatable && firstMs < 100 * BATCH_BELOW_MS) {
    let perCallMs = Infinity;
    for (let spentMs = 0, count = 10; spentMs < ESTIMATE_MS;) {
      const t1 = performance.now();
      for (let i = 0; i < count; i++) impl.run();
      const roundMs = performance.now() - t1;
      spentMs += roundMs;
      perCallMs = Math.min(perCallMs, Math.max(roundMs / count, 1e-6));
      count = Math.min(MAX_BATCH, Math.max(10, Math.ceil(BATCH_TARGET_MS / perCallMs)));
    }
    if (perCallMs < BATCH_BELOW_MS) {
      batch = Math.min(MAX_BATCH, Math.ceil(BATCH_TARGET_MS / perCallMs));
      sampleMs = batch * perCallMs;
    }
  }

  const slow = firstMs >= policy.slowMs;
  const minSamples = slow ? policy.slowMinSamples : policy.minSamples;
  let checks = 1;
  let sampled = 0;
  const bench = new Bench({
    iterations: minSamples,
    time: Math.min(policy.targetMs, policy.maxSamples * sampleMs),
    warmup: !slow,
    warmupTime: policy.warmupMs,
    warmupIterations: 10,
    retainSamples: true,
    throws: true,
  });
  const timed = batch === 1 ? () => impl.run() : () => {
    for (let i = 0; i < batch; i++) impl.run();
  };
  // The forced GC before a sample leaves the caches cold and the pool threads asleep, which an
  // anchor timed outside Node (OpenBLAS, whose samples follow each other) never sees: a call that can
  // be repeated is made once more, untimed, after it, so that every repeatable row is timed in the
  // state a loop of calls leaves. (A throwaway probe, 256³ f32 on one thread, native, Zen 5: ~155 GFLOP/s after
  // a GC against ~185 in a loop; on two threads ~135 against ~270-340.)
  const warmCall = impl.repeatable && !slow;
  bench.add('sample', timed, {
    beforeEach() {
      prepare();
      if (warmCall) impl.run();
    },
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
  const samplesMs = (task.result?.latency?.samples ?? []).map((ms) => ms / batch);
  if (samplesMs.length === 0) throw new Error(`tinybench took no samples${task.result?.error ? `: ${task.result.error.message}` : ''}`);
  return { samplesMs, warmupMs: [firstMs], checks, callsPerSample: batch };
}
