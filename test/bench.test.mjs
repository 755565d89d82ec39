// The benchmark's own code: statistics, the result checks (each must reject a wrong result),
// option parsing, the plan, and a tiny end-to-end run that writes the JSON, the Markdown and SVGs.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, quantile, summarize } from '../bench/stats.mjs';
import { BenchCheckError, EPSILON, checkArgsort, checkMatmul, checkSorted, multisetFingerprint } from '../bench/checks.mjs';
import { parseOptions } from '../bench/options.mjs';
import { buildPlan } from '../bench/cases.mjs';
import { shuffle, sortInput } from '../bench/data.mjs';
import { measure } from '../bench/measure.mjs';
import { plainMatmul } from '../bench/anchors.mjs';
import { matmulModel } from '../bench/onnx.mjs';
import { BLAS_ANCHOR_PROGRAM, openblasAvailability, openblasEnv, openblasMatmul, parseAnchorReply } from '../bench/openblas.mjs';
import { markdownTable, groupTables, problems } from '../bench/report.mjs';
import { matrixInput } from '../bench/data.mjs';

const BENCH = fileURLToPath(new URL('../bench/index.mjs', import.meta.url));

describe('bench statistics', () => {
  it('median of odd and even counts, unsorted input', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
  });

  it('quantiles interpolate linearly between order statistics', () => {
    assert.equal(quantile([10, 20, 30, 40, 50], 0.25), 20);
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
    assert.equal(quantile([1, 2, 3, 4], 0), 1);
    assert.equal(quantile([1, 2, 3, 4], 1), 4);
  });

  it('summarize gives quartiles, extremes and the spread (IQR / median)', () => {
    const s = summarize([12, 10, 11, 30, 9]);
    assert.deepEqual({ ...s, spread: undefined }, { n: 5, median: 11, p25: 10, p75: 12, min: 9, max: 30, spread: undefined });
    assert.ok(Math.abs(s.spread - 2 / 11) < 1e-12);
    // One wild outlier moves neither the median nor the spread much.
    assert.equal(summarize([10, 10, 10, 10, 1000]).spread, 0);
  });

  it('rejects empty, non-finite and non-array input', () => {
    assert.throws(() => median([]), RangeError);
    assert.throws(() => median([1, NaN]), RangeError);
    assert.throws(() => median('12'), TypeError);
    assert.throws(() => quantile([1], 2), RangeError);
  });
});

describe('bench result checks', () => {
  /** Busy-waits `ms` milliseconds: a call of a known length for measure(). */
  const spin = (ms) => { const end = performance.now() + ms; while (performance.now() < end); };

  it('accept a correct sort, in the order of TypedArray.prototype.sort()', () => {
    for (const input of [
      new Float64Array([3, NaN, -0, 0, -1, Infinity, -Infinity, 0, -0]),
      new Int32Array([5, -2, 2147483647, -2147483648, 0]),
      new BigInt64Array([3n, -1n, 9007199254740993n, 0n]),
      new Uint8Array([200, 1, 1, 0]),
      sortInput('i16', 5000, 'few-distinct', 9),
    ]) {
      checkSorted(input, input.slice().sort());
    }
  });

  it('reject out-of-order output, with the position', () => {
    const input = new Float64Array([3, 1, 2]);
    assert.throws(() => checkSorted(input, new Float64Array([1, 3, 2])), (e) => e instanceof BenchCheckError && /element 2/.test(e.message));
  });

  it('reject sorted output that lost, changed or duplicated an element', () => {
    const input = sortInput('f64', 1000, 'uniform', 1);
    const good = input.slice().sort();
    const changed = good.slice();
    changed[500] = (changed[499] + changed[500]) / 2;
    assert.throws(() => checkSorted(input, changed), /same elements/);
    const duplicated = good.slice();
    duplicated[1] = duplicated[0];
    assert.throws(() => checkSorted(input, duplicated), /same elements/);
    assert.throws(() => checkSorted(input, good.subarray(1)), /999 elements/);
    const bytes = new Uint8Array([1, 2, 2, 3]);
    assert.throws(() => checkSorted(bytes, new Uint8Array([1, 2, 3, 3])), /same elements/);
    const big = new BigInt64Array([1n, 2n, 3n]);
    assert.throws(() => checkSorted(big, new BigInt64Array([1n, 2n, 4n])), /same elements/);
  });

  it('reject +0 before -0 and NaN before a number', () => {
    assert.throws(() => checkSorted(new Float32Array([0, -0]), new Float32Array([0, -0])), BenchCheckError);
    assert.throws(() => checkSorted(new Float64Array([NaN, 1]), new Float64Array([NaN, 1])), BenchCheckError);
  });

  it('reject output of the wrong type', () => {
    assert.throws(() => checkSorted(new Int32Array([1, 2]), new Uint32Array([1, 2])), /Uint32Array/);
  });

  it('the multiset fingerprint ignores order and sees a changed bit', () => {
    const a = sortInput('i64', 100, 'uniform', 3);
    assert.equal(multisetFingerprint(a), multisetFingerprint(a.slice().reverse()));
    const b = a.slice();
    b[7] ^= 1n;
    assert.notEqual(multisetFingerprint(a), multisetFingerprint(b));
  });

  it('accept a stable argsort and reject unstable, out-of-order and non-permutation ones', () => {
    const input = new Float64Array([2, 1, 2, 0, 1]);
    checkArgsort(input, new Uint32Array([3, 1, 4, 0, 2]));
    assert.throws(() => checkArgsort(input, new Uint32Array([3, 4, 1, 0, 2])), /not stable/);
    assert.throws(() => checkArgsort(input, new Uint32Array([3, 1, 4, 2, 2])), /not a permutation/);
    assert.throws(() => checkArgsort(input, new Uint32Array([1, 3, 4, 0, 2])), /out of order/);
    assert.throws(() => checkArgsort(input, new Uint32Array([3, 1, 4, 0])), /4 indices/);
    assert.throws(() => checkArgsort(input, [3, 1, 4, 0, 2]), /Uint32Array/);
  });

  it('accept a float32 product and reject one wrong entry, a NaN and a transposed result', () => {
    const [m, k, n] = [37, 53, 29];
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
    const c = new Float32Array(m * n);
    plainMatmul(a, b, c, m, n, k);
    const args = { a, b, m, n, k, eps: EPSILON.f32, samples: 64, seed: 5 };
    checkMatmul({ ...args, c });
    // The last entry is always sampled: a tail bug there cannot slip through.
    const wrong = c.slice();
    wrong[m * n - 1] += 1e-3;
    assert.throws(() => checkMatmul({ ...args, c: wrong }), (e) => e instanceof BenchCheckError && /C\[36\]\[28\]/.test(e.message));
    const nan = c.slice();
    nan[0] = NaN;
    assert.throws(() => checkMatmul({ ...args, c: nan }), BenchCheckError);
    assert.throws(() => checkMatmul({ ...args, c: (i, j) => c[j * m + i] ?? 0 }), BenchCheckError);
  });

  it('measure() rejects an implementation whose output is wrong', async () => {
    const input = sortInput('i32', 100, 'uniform', 4);
    const work = new Int32Array(100);
    const almostSort = { prepare: () => work.set(input), run: () => { work.sort(); work[99] = work[98]; }, output: () => work };
    const policy = { minSamples: 2, maxSamples: 3, targetMs: 1, warmupMs: 1, slowMs: 1000, slowMinSamples: 1, checkEvery: true };
    await assert.rejects(measure(almostSort, policy, (out) => checkSorted(input, out)), BenchCheckError);
    const right = { ...almostSort, run: () => work.sort() };
    const r = await measure(right, policy, (out) => checkSorted(input, out));
    assert.ok(r.samplesMs.length >= 2 && r.checks >= 3);
    assert.equal(r.callsPerSample, 1, 'a call that needs prepare() is never batched');
  });

  it('measure() times a short repeatable call in batches and reports the time of one call', async () => {
    let calls = 0;
    const tiny = { prepare() {}, run: () => { calls++; spin(0.005); }, output: () => calls, repeatable: true };
    const policy = { minSamples: 3, maxSamples: 5, targetMs: 20, warmupMs: 1, slowMs: 1000, slowMinSamples: 1, checkEvery: false };
    const r = await measure(tiny, policy, () => {});
    assert.ok(r.callsPerSample > 10, `batch of ${r.callsPerSample}`);
    assert.ok(calls >= r.callsPerSample * r.samplesMs.length);
    const median = r.samplesMs.slice().sort((x, y) => x - y)[r.samplesMs.length >> 1];
    assert.ok(median >= 0.004 && median < 0.05, `one call: ${median} ms`);
    // Without `repeatable`, the same call is timed one at a time.
    const single = await measure({ ...tiny, repeatable: false }, policy, () => {});
    assert.equal(single.callsPerSample, 1);
  });

  it('measure() times a repeatable call after an untimed one, as an anchor timed in a loop is', async () => {
    // prepare() stands for what the forced GC before each sample does (cold caches, sleeping
    // threads): the first call after it is ten times slower than the next.
    let cold = true;
    const impl = { prepare: () => { cold = true; }, run: () => { spin(cold ? 2 : 0.2); cold = false; }, output: () => 0 };
    const policy = { minSamples: 5, maxSamples: 5, targetMs: 5, warmupMs: 1, slowMs: 1000, slowMinSamples: 1, checkEvery: false };
    const median = (r) => r.samplesMs.slice().sort((x, y) => x - y)[r.samplesMs.length >> 1];
    const warm = await measure({ ...impl, repeatable: true }, policy, () => {});
    assert.equal(warm.callsPerSample, 1);
    assert.ok(median(warm) < 1, `warm call: ${median(warm)} ms`);
    const coldCall = await measure({ ...impl, repeatable: false }, policy, () => {});
    assert.ok(median(coldCall) >= 2, `call after prepare(): ${median(coldCall)} ms`);
  });
});

describe('bench options', () => {
  it('defaults to the quick run of every kernel and backend', () => {
    const o = parseOptions([], { defaultSeed: 17 });
    assert.deepEqual(o, { help: false, mode: 'quick', only: ['sort', 'argsort', 'matmul'], backends: ['native', 'workers', 'js'], threads: undefined, rounds: 1, seed: 17, out: undefined, json: undefined });
  });

  it('parses every option, with "--x y" and "--x=y"', () => {
    const o = parseOptions(['--full', '--only', 'matmul,sort', '--backend=workers', '--threads', '2,1,2', '--seed=9', '--out', 'o', '--json', 'r.json']);
    assert.equal(o.mode, 'full');
    assert.equal(o.rounds, 2);
    assert.equal(parseOptions(['--rounds', '3']).rounds, 3);
    assert.deepEqual(o.only, ['matmul', 'sort']);
    assert.deepEqual(o.backends, ['workers']);
    assert.deepEqual(o.threads, [1, 2]);
    assert.equal(o.seed, 9);
    assert.equal(o.out, 'o');
    assert.equal(o.json, 'r.json');
  });

  it('rejects bad options with an error naming the option', () => {
    const cases = [
      [['--frobnicate'], RangeError, /--frobnicate/],
      [['fast'], RangeError, /"fast"/],
      [['--only'], TypeError, /value for --only/],
      [['--only', '--full'], TypeError, /value for --only/],
      [['--only', 'sorting'], RangeError, /--only.*"sorting"/],
      [['--backend', 'native,gpu'], RangeError, /--backend.*"gpu"/],
      [['--threads', '0'], RangeError, /--threads/],
      [['--threads', '1.5'], RangeError, /--threads/],
      [['--threads', '300'], RangeError, /--threads/],
      [['--seed', '-1'], RangeError, /--seed/],
      [['--rounds', '0'], RangeError, /--rounds/],
      [['--full', '--tiny'], RangeError, /--full and --tiny/],
      [['--full=yes'], RangeError, /--full takes no value/],
      [['--only', 'sort', '--only', 'matmul'], RangeError, /--only given twice/],
      [['--out='], RangeError, /--out/],
    ];
    for (const [argv, type, message] of cases) assert.throws(() => parseOptions(argv), (e) => e instanceof type && message.test(e.message), argv.join(' '));
  });

  it('the command line prints the error and the usage and exits with 2', () => {
    const r = spawnSync(process.execPath, [BENCH, '--only', 'sorting'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Expected sort, argsort, matmul for --only but received "sorting"/);
    assert.match(r.stderr, /Usage: npm run bench/);
    assert.equal(r.stdout, '');
  });
});

describe('bench plan', () => {
  const machine = { maxThreads: 2, available: ['native', 'workers', 'js'], onnx: false };

  it('puts the anchors of its kind beside every case, and every backend asked for', () => {
    const plan = buildPlan(parseOptions(['--tiny']), machine);
    for (const c of plan.cases) {
      const rows = plan.jobs.filter((j) => j.caseId === c.id).map((j) => j.row);
      const anchors = rows.filter((r) => r.family === 'anchor').map((r) => r.id);
      const expected = { sort: ['typedarray-sort', 'typedarray-sort-comparator'], argsort: ['js-argsort'], matmul: ['plain-matmul', 'plain-matmul-workers', 'ml-matrix'] }[c.kind];
      assert.deepEqual(anchors, expected, c.id);
      for (const backend of ['native', 'workers', 'js']) assert.ok(rows.some((r) => r.params.backend === backend), `${c.id} ${backend}`);
      assert.equal(new Set(rows.map((r) => r.label)).size, rows.length, `${c.id}: labels are unique`);
    }
  });

  it('follows --backend, --threads and --only, and drops a backend that is not available', () => {
    const plan = buildPlan(parseOptions(['--tiny', '--only', 'sort', '--backend', 'native,workers', '--threads', '1']), { ...machine, available: ['workers', 'js'] });
    assert.ok(plan.cases.every((c) => c.kind === 'sort'));
    const rows = plan.jobs.map((j) => j.row).filter((r) => r.family === 'package');
    assert.ok(rows.length > 0 && rows.every((r) => r.params.backend === 'workers' && r.params.threads === 1));
    assert.deepEqual(plan.latency.map((l) => l.backend), ['workers']);
  });

  it('the full run covers every type, size from 1e3 to 1e7, distribution and thread count', () => {
    const plan = buildPlan(parseOptions(['--full']), machine);
    const sorts = plan.cases.filter((c) => c.kind === 'sort');
    assert.equal(new Set(sorts.map((c) => c.dtype)).size, 11);
    assert.deepEqual([...new Set(sorts.map((c) => c.n))].sort((x, y) => x - y), [1e3, 1e4, 1e5, 1e6, 1e7]);
    assert.equal(new Set(sorts.map((c) => c.dist)).size, 5);
    assert.ok(plan.cases.some((c) => c.kind === 'matmul' && c.m === 4096 && c.k === 256 && c.n === 4096));
    const big = plan.cases.find((c) => c.kind === 'matmul' && c.k === 4096);
    assert.deepEqual(plan.jobs.filter((j) => j.caseId === big.id).map((j) => j.row.id), ['native', 'native']);
    assert.ok(plan.jobs.every((j) => j.row.family === 'anchor' || j.row.params.backend === 'js' || [1, 2].includes(j.row.params.threads)));
    assert.equal(plan.jobs.filter((j) => j.row.params.backend === 'native' && j.row.params.threads === 1).length, plan.cases.length);
  });

  it('the quick run times 8³ to 1024³ matmul, sorts up to 1e7, and native matmul on 1 and 2 threads beside OpenBLAS', () => {
    const plan = buildPlan(parseOptions(['--quick']), { ...machine, openblas: true });
    const matmuls = plan.cases.filter((c) => c.kind === 'matmul');
    assert.deepEqual([...new Set(matmuls.map((c) => c.m))], [8, 16, 32, 64, 128, 256, 512, 1024]);
    assert.ok(matmuls.every((c) => c.m === c.k && c.k === c.n));
    const sorts = plan.cases.filter((c) => c.kind === 'sort');
    assert.deepEqual(sorts.filter((c) => c.n === 1e7).map((c) => c.dtype), ['f64', 'f32', 'i32', 'i64']);
    assert.deepEqual([...new Set(sorts.map((c) => c.n))].sort((x, y) => x - y), [1e4, 1e5, 1e6, 1e7]);
    const anchorsOf = (c) => plan.jobs.filter((j) => j.caseId === c.id && j.row.family === 'anchor').map((j) => j.row.id);
    for (const c of sorts) assert.deepEqual(anchorsOf(c), c.n > 1e6 ? ['typedarray-sort'] : ['typedarray-sort', 'typedarray-sort-comparator'], c.id);
    for (const c of matmuls) {
      const rows = plan.jobs.filter((j) => j.caseId === c.id).map((j) => j.row);
      assert.deepEqual(rows.filter((r) => r.id === 'openblas').map((r) => r.params.threads), [1, 2], c.id);
      assert.deepEqual(rows.filter((r) => r.id === 'native').map((r) => r.params.threads).sort(), [1, 2], c.id);
      assert.ok(rows.some((r) => r.id === 'plain-matmul'), c.id);
      // Only the speedup size charts speedup, though native has both thread counts everywhere.
      assert.equal(c.speedup, c.m === 1024, c.id);
    }
    assert.ok(!plan.cases.some((c) => c.kind !== 'matmul' && plan.jobs.some((j) => j.caseId === c.id && j.row.id === 'openblas')));
    const without = buildPlan(parseOptions(['--quick', '--only', 'matmul']), machine);
    assert.ok(without.jobs.every((j) => j.row.id !== 'openblas'));
  });

  it('the seeded shuffle is a permutation that depends on the seed alone', () => {
    const list = Array.from({ length: 50 }, (_, i) => i);
    const a = shuffle([...list], 42);
    assert.deepEqual(a, shuffle([...list], 42));
    assert.notDeepEqual(a, shuffle([...list], 43));
    assert.deepEqual([...a].sort((x, y) => x - y), list);
  });

  it('the onnxruntime model decodes as ONNX protobuf: one MatMul node, typed inputs of the shapes asked', () => {
    // A protobuf reader written apart from the encoder: fields as [number, value] pairs, with
    // length-delimited values left as bytes for the caller to decode further.
    const fields = (bytes) => {
      const out = [];
      let i = 0;
      const varint = () => {
        let v = 0n;
        for (let shift = 0n; ; shift += 7n) {
          const b = bytes[i++];
          v |= BigInt(b & 0x7f) << shift;
          if (!(b & 0x80)) return v;
        }
      };
      while (i < bytes.length) {
        const key = Number(varint());
        if ((key & 7) === 0) out.push([key >> 3, Number(varint())]);
        else if ((key & 7) === 2) {
          const len = Number(varint());
          out.push([key >> 3, bytes.subarray(i, i + len)]);
          i += len;
        } else throw new Error(`unexpected wire type ${key & 7}`);
      }
      assert.equal(i, bytes.length);
      return out;
    };
    const get = (f, n) => f.filter(([k]) => k === n).map(([, v]) => v);
    const text = (b) => Buffer.from(b).toString();
    const model = fields(matmulModel('f64', 3, 5, 7));
    assert.deepEqual(get(model, 1), [8]);
    assert.deepEqual(get(fields(get(model, 8)[0]), 2), [13]);
    const graph = fields(get(model, 7)[0]);
    const node = fields(get(graph, 1)[0]);
    assert.deepEqual([get(node, 1).map(text), get(node, 2).map(text), get(node, 4).map(text)], [['A', 'B'], ['C'], ['MatMul']]);
    const info = (v) => {
      const f = fields(v);
      const tensor = fields(get(fields(get(f, 2)[0]), 1)[0]);
      const dims = get(fields(get(tensor, 2)[0]), 1).map((d) => get(fields(d), 1)[0]);
      return [text(get(f, 1)[0]), get(tensor, 1)[0], dims];
    };
    assert.deepEqual(get(graph, 11).map(info), [['A', 11, [3, 5]], ['B', 11, [5, 7]]]);
    assert.deepEqual(get(graph, 12).map(info), [['C', 11, [3, 7]]]);
  });
});

describe('bench OpenBLAS anchor', () => {
  it('a missing CMake gives a reason for the skipped row, not an exception', () => {
    const got = openblasAvailability({ cmake: 'pk-no-such-cmake', buildDir: path.join(os.tmpdir(), 'pk-no-such-build') });
    assert.equal(got.available, false);
    assert.match(got.reason, /pk-no-such-cmake not found/);
    const line = problems({ skipped: [{ what: 'OpenBLAS (matmul anchor)', reason: got.reason }], results: [] });
    assert.equal(line, `- OpenBLAS (matmul anchor): skipped: ${got.reason}`);
  });

  it('runs OpenBLAS on its own kernels and on the row\'s thread count', () => {
    const env = openblasEnv(2, { OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '1048576', OPENBLAS_NUM_THREADS: '8', HOME: '/h' });
    assert.equal(env.OPENBLAS_CORETYPE, undefined);
    assert.equal(env.OPENBLAS_L2_SIZE, undefined);
    assert.equal(env.OPENBLAS_NUM_THREADS, '2');
    assert.equal(env.HOME, '/h');
  });

  it('parses the program\'s reply: padded JSON line, then both products; rejects a cut-short one', () => {
    const first = new Float64Array([1, 2, 3, 4, 5, 6]);
    const last = new Float64Array([6, 5, 4, 3, 2, 1]);
    const head = Buffer.from('{"core":"Cooperlake","threads":2,"firstMs":1.5,"samplesMs":[0.25,0.5]}  \n');
    const reply = Buffer.concat([head, Buffer.from(first.buffer), Buffer.from(last.buffer)]);
    const got = parseAnchorReply(reply, { dtype: 'f64', m: 2, n: 3 });
    assert.deepEqual([got.core, got.threads, got.firstMs, got.samplesMs], ['Cooperlake', 2, 1.5, [0.25, 0.5]]);
    assert.deepEqual([...got.first], [...first]);
    assert.deepEqual([...got.last], [...last]);
    // The same bytes at an odd offset of their memory still parse (by copy).
    const odd = Buffer.concat([Buffer.alloc(1), reply]).subarray(1);
    assert.deepEqual([...parseAnchorReply(odd, { dtype: 'f64', m: 2, n: 3 }).last], [...last]);
    assert.throws(() => parseAnchorReply(reply.subarray(0, reply.length - 8), { dtype: 'f64', m: 2, n: 3 }), /bytes of products/);
    assert.throws(() => parseAnchorReply(Buffer.from('{"samplesMs":[],"firstMs":1}\n'), { dtype: 'f32', m: 1, n: 1 }), /no valid samples/);
    assert.throws(() => parseAnchorReply(Buffer.from('no newline'), { dtype: 'f32', m: 1, n: 1 }), /no JSON line/);
  });

  it('the report compares each native row with OpenBLAS on as many threads, and skips rows without a thread count', () => {
    const c = { id: 'matmul f64 8x8x8', kind: 'matmul', dtype: 'f64', m: 8, k: 8, n: 8, work: 1024 };
    const result = (row, median) => ({ caseId: c.id, row, ok: true, stats: { median, spread: 0 }, rate: 1024 / (median * 1e6) });
    const anchor = (id, label, params = {}) => ({ family: 'anchor', id, params, label });
    const doc = {
      cases: [c],
      results: [
        result(anchor('plain-matmul', 'plain'), 0.004),
        result(anchor('openblas', 'OpenBLAS (C++, cblas), 1 thread', { threads: 1 }), 0.001),
        result(anchor('openblas', 'OpenBLAS (C++, cblas), 2 threads', { threads: 2 }), 0.002),
        result({ family: 'package', id: 'native', params: { backend: 'native', threads: 1 }, label: 'native, 1 thread' }, 0.002),
        result({ family: 'package', id: 'native', params: { backend: 'native', threads: 2 }, label: 'native, 2 threads' }, 0.001),
        result({ family: 'package', id: 'js', params: { backend: 'js', threads: 1 }, label: 'js (calling thread)' }, 0.008),
        result(anchor('ml-matrix', 'ml'), 0.008),
      ],
    };
    const table = markdownTable(groupTables(doc)[0]);
    assert.match(table, /`OpenBLAS \(C\+\+, cblas\), on as many threads`/);
    assert.match(table, /\| \*\*native, 1 thread\*\* \| [\d.]+ \(×2\.00 \/ ×0\.50\) \|/);
    assert.match(table, /\| \*\*native, 2 threads\*\* \| [\d.]+ \(×4\.00 \/ ×2\.00\) \|/);
    assert.match(table, /\| \*\*js \(calling thread\)\*\* \| [\d.]+ \(×0\.50\) \|/);
    assert.match(table, /\| ml \| [\d.]+ \(×0\.50\) \|/);
    assert.match(table, /\| OpenBLAS \(C\+\+, cblas\), 2 threads \| [\d.]+ \|/);
  });

  it('times cblas on the inputs it is handed and returns products that pass the matmul check', (t) => {
    const built = openblasAvailability();
    if (!built.available) {
      t.skip(built.reason);
      return;
    }
    assert.ok(BLAS_ANCHOR_PROGRAM.endsWith('pk_blas_anchor'));
    const sampling = { minSamples: 4, maxSamples: 6, targetMs: 5, warmupMs: 1, slowMs: 1000, slowMinSamples: 3 };
    for (const [dtype, m, k, n, threads] of [['f64', 37, 19, 23, 1], ['f32', 8, 8, 8, 2], ['f32', 65, 130, 3, 1]]) {
      const a = matrixInput(dtype, m, k, 11);
      const b = matrixInput(dtype, k, n, 12);
      let checked = 0;
      const check = (c) => {
        checkMatmul({ a, b, c, m, n, k, eps: EPSILON[dtype], samples: m * n });
        checked++;
      };
      const got = openblasMatmul({ threads }, { a, b, m, n, k, dtype }).measure(sampling, check);
      assert.equal(checked, 2);
      assert.equal(got.checks, 2);
      assert.ok(got.samplesMs.length >= 4 && got.samplesMs.length <= 600, `${got.samplesMs.length} samples`);
      assert.ok(got.samplesMs.every((x) => x > 0) && got.warmupMs[0] > 0);
      // The products reach the check: checked against another B, they fail it.
      const other = b.slice();
      other[0] += 1;
      const checkOther = (c) => checkMatmul({ a, b: other, c, m, n, k, eps: EPSILON[dtype], samples: m * n });
      assert.throws(() => openblasMatmul({ threads }, { a, b, m, n, k, dtype }).measure(sampling, checkOther), BenchCheckError);
    }
  });
});

/**
 * Well-formedness of an SVG without an XML library: every tag closed in order, attributes quoted,
 * no stray '<' or '&' in text.
 */
function assertWellFormedSvg(svg, name) {
  assert.ok(svg.startsWith('<svg'), `${name} starts with <svg`);
  const stack = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g;
  let last = 0;
  for (let m; (m = tag.exec(svg));) {
    const text = svg.slice(last, m.index);
    assert.ok(!/[<]|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/i.test(text), `${name}: stray markup before offset ${m.index}`);
    last = tag.lastIndex;
    if (!m[2]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2], `${name}: </${m[2]}> closes the open tag`);
    else if (!m[4]) stack.push(m[2]);
  }
  assert.equal(svg.slice(last).trim(), '', `${name}: nothing after the root`);
  assert.deepEqual(stack, [], `${name}: every tag is closed`);
}

describe('bench end to end (--tiny)', () => {
  let dir;
  let run;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pk-bench-'));
    run = await new Promise((resolve) => {
      const child = spawn(process.execPath, [BENCH, '--tiny', '--seed', '7', '--out', path.join(dir, 'out'), '--json', path.join(dir, 'copy.json')],
        { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('exit', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and prints the report with the machine header and a progress line', () => {
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /SIMD path|native not loaded/);
    assert.match(run.stdout, /\*\*sort Float64Array, uniform, M elements\/s\*\*/);
    assert.match(run.stdout, /Event-loop delay/);
    assert.match(run.stderr, /\[\s*1\/\d+\]/);
    assert.match(run.stdout, /onnxruntime-node|onnxruntime/);
  });

  it('writes results.json (and the --json copy) with every result checked and the anchors present', () => {
    const doc = JSON.parse(readFileSync(path.join(dir, 'out', 'results.json'), 'utf8'));
    assert.deepEqual(doc, JSON.parse(readFileSync(path.join(dir, 'copy.json'), 'utf8')));
    assert.equal(doc.mode, 'tiny');
    assert.equal(doc.seed, 7);
    assert.equal(doc.command, 'npm run bench -- --tiny --seed 7');
    assert.ok(doc.machine.cpu && doc.machine.node === process.versions.node);
    assert.deepEqual([...new Set(doc.cases.map((c) => c.kind))].sort(), ['argsort', 'matmul', 'sort']);
    for (const r of doc.results) {
      assert.ok(r.ok, `${r.caseId} ${r.row.label}: ${r.error}`);
      assert.ok(r.checks >= 2 && r.stats.n >= 3 && r.stats.median > 0 && r.rate > 0);
    }
    assert.ok(doc.results.some((r) => r.row.id === 'typedarray-sort') && doc.results.some((r) => r.row.id === 'ml-matrix'));
    // OpenBLAS either ran (on each thread count of the run) or the report says why not.
    assert.ok(doc.results.filter((r) => r.row.id === 'openblas').length === 2 * doc.cases.filter((c) => c.kind === 'matmul').length ||
      doc.skipped.some((s) => /^OpenBLAS/.test(s.what) && s.reason), JSON.stringify(doc.skipped));
    assert.ok(doc.latency.length > 0 && doc.latency.every((l) => l.ok && l.calls > 0 && l.p99Ms >= l.p50Ms && l.idleP99Ms > 0));
  });

  it('writes summary.md and SVG charts that parse', () => {
    const out = path.join(dir, 'out');
    const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    assert.match(summary, /^# parallel-kernels benchmark/);
    assert.match(summary, /\| TypedArray\.prototype\.sort\(\) \|/);
    assert.match(summary, /Every result: median/);
    const svgs = readdirSync(out).filter((f) => f.endsWith('.svg')).sort();
    assert.deepEqual(svgs, ['matmul-f64.svg', 'sort-f64.svg', 'speedup.svg']);
    for (const f of svgs) assertWellFormedSvg(readFileSync(path.join(out, f), 'utf8'), f);
  });
});
