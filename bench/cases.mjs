// The plan of a run: which cases (kernel, element type, size, distribution) are timed, and which
// implementations (anchors and package rows) time each one. Pure data, so the parent can shuffle
// it, hand each (case, implementation) pair to a child process, and the report can group it again.
import { PACKAGE_ROWS } from './backends.mjs';
import { ANCHORS } from './anchors.mjs';
import { DISTRIBUTIONS, SORT_TYPES, seedOf } from './data.mjs';

/** Sizes and types per mode. `speedup` cases get every thread count in the quick mode too. */
const PROFILES = {
  // A smoke test of the whole pipeline (the test suite runs it): every kind, two sizes, seconds.
  tiny: {
    sort: { types: ['f64'], sizes: [1e3, 1e4], distTypes: [], distSize: 0, speedupSize: 1e4 },
    argsort: { types: ['f64'], sizes: [1e3], distTypes: [], distSize: 0, speedupSize: 0 },
    matmul: { types: ['f64'], shapes: [[16, 16, 16], [32, 32, 32]], speedupSize: 32 },
    latencyMs: 200,
    sampling: { minSamples: 3, maxSamples: 5, targetMs: 20, warmupMs: 20, slowMs: 1000, slowMinSamples: 3, checkEvery: true },
  },
  quick: {
    // Up to 1e7: issue #6 states its targets at 1e6 and 1e7. The comparator anchor stops at 1e6: at
    // 1e7 one call takes ~20 s, four of them a minute and a half of the run for a figure no ratio is
    // taken against.
    sort: { types: ['f64', 'f32', 'i32', 'i64'], sizes: [1e4, 1e5, 1e6, 1e7], comparatorUpTo: 1e6, distTypes: [], distSize: 0, speedupSize: 1e6 },
    argsort: { types: ['f64'], sizes: [1e5, 1e6], distTypes: [], distSize: 0, speedupSize: 1e6 },
    // 8³ to 32³: what one call costs where the plain JS loop is hard to beat (issue #5).
    matmul: { types: ['f32', 'f64'], shapes: [8, 16, 32, 64, 128, 256, 512, 1024].map((s) => [s, s, s]), speedupSize: 1024 },
    latencyMs: 2000,
    sampling: { minSamples: 5, maxSamples: 30, targetMs: 250, warmupMs: 100, slowMs: 1000, slowMinSamples: 3, checkEvery: false },
  },
  full: {
    sort: { types: Object.keys(SORT_TYPES), sizes: [1e3, 1e4, 1e5, 1e6, 1e7], distTypes: ['f64', 'i32', 'i64'], distSize: 1e6, speedupSize: 1e7 },
    argsort: { types: ['f64', 'f32', 'i32', 'i64'], sizes: [1e3, 1e4, 1e5, 1e6, 1e7], distTypes: ['f64'], distSize: 1e6, speedupSize: 1e7 },
    // At 4096³ anything in JS (the anchors, the workers and js backends) takes a minute or more per
    // sample: only native, OpenBLAS and onnxruntime-node run there, so that column has OpenBLAS's ratio alone.
    matmul: {
      types: ['f32', 'f64'],
      shapes: [...[8, 16, 32, 64, 128, 256, 512, 1024, 2048].map((s) => [s, s, s]), [4096, 256, 4096], [4096, 4096, 4096, { nativeOnly: true }]],
      speedupSize: 2048,
    },
    latencyMs: 2000,
    // Per round; the full run takes two rounds (options.mjs), so a figure pools 6 to 60 samples.
    sampling: { minSamples: 5, maxSamples: 30, targetMs: 500, warmupMs: 300, slowMs: 3000, slowMinSamples: 3, checkEvery: true },
  },
};

export const KINDS = ['sort', 'argsort', 'matmul'];

export function caseId(c) {
  return c.kind === 'matmul' ? `matmul ${c.dtype} ${c.m}x${c.k}x${c.n}` : `${c.kind} ${c.dtype} ${c.dist} ${c.n.toExponential().replace('e+', 'e')}`;
}

/** The work of a case, in the unit of its throughput: elements, or floating-point operations. */
export function caseWork(c) {
  return c.kind === 'matmul' ? 2 * c.m * c.n * c.k : c.n;
}

function makeCase(fields) {
  const c = { ...fields };
  c.id = caseId(c);
  c.seed = seedOf(c.id);
  c.work = caseWork(c);
  c.unit = c.kind === 'matmul' ? 'GFLOP/s' : 'M elements/s';
  return c;
}

function anchorRow(id, params = {}) {
  return { family: 'anchor', id, params, label: ANCHORS[id].label(params) };
}

function packageRow(kind, params) {
  return { family: 'package', id: params.backend, params, label: PACKAGE_ROWS[kind].label(params) };
}

function threadCounts(maxThreads) {
  const out = [];
  for (let t = 1; t <= maxThreads; t = t < 8 ? t + 1 : t * 2) out.push(t);
  if (out[out.length - 1] !== maxThreads) out.push(maxThreads);
  return out;
}

/**
 * The implementations of one case. Threads: the configured count for every package row; with
 * `speedup` (or in the full mode, or given --threads) every count of the list, so the charts can
 * draw speedup against threads. Matmul on the native backend: every count always, each beside
 * OpenBLAS on as many threads (issue #5 compares the two on 1 and on all cores).
 */
function rowsFor(c, { backends, threadList, onnx, openblas, allThreads, comparatorUpTo = Infinity }) {
  const rows = [];
  if (c.kind === 'sort') rows.push(anchorRow('typedarray-sort'));
  if (c.kind === 'sort' && c.n <= comparatorUpTo) rows.push(anchorRow('typedarray-sort-comparator'));
  if (c.kind === 'argsort') rows.push(anchorRow('js-argsort'));
  if (c.kind === 'matmul') {
    if (!c.nativeOnly) rows.push(anchorRow('plain-matmul'), anchorRow('plain-matmul-workers', { threads: 2 }), anchorRow('ml-matrix'));
    if (onnx) rows.push(anchorRow('onnxruntime', { threads: threadList[threadList.length - 1] }));
    if (openblas) for (const t of threadList) rows.push(anchorRow('openblas', { threads: t }));
  }
  const threads = allThreads ? threadList : [threadList[threadList.length - 1]];
  for (const backend of c.nativeOnly ? backends.filter((b) => b === 'native') : backends) {
    if (backend === 'js') rows.push(packageRow(c.kind, { backend, threads: 1 }));
    else for (const t of backend === 'native' && c.kind === 'matmul' ? threadList : threads) rows.push(packageRow(c.kind, { backend, threads: t }));
  }
  return rows;
}

/**
 * The plan for `options` (see options.mjs) on a machine with `maxThreads` threads and the
 * `available` backends; `onnx` and `openblas` say whether those matmul anchors can run. Returns the
 * cases, one job per (case, row), the latency jobs, and the sampling policy.
 */
export function buildPlan(options, { maxThreads, available, onnx, openblas = false }) {
  const profile = PROFILES[options.mode];
  const backends = options.backends.filter((b) => available.includes(b));
  const threadList = options.threads ?? (options.mode === 'full' ? threadCounts(maxThreads) : [1, maxThreads].filter((t, i, l) => l.indexOf(t) === i));
  const allThreadsEverywhere = options.mode === 'full' || options.threads !== undefined;
  const cases = [];
  const jobs = [];
  const add = (fields, speedup) => {
    // `speedup` marks the cases the speedup table and chart show (others may have several thread
    // counts too: native matmul everywhere, every case with --threads).
    const c = makeCase({ ...fields, speedup: speedup || allThreadsEverywhere });
    cases.push(c);
    const context = { backends, threadList, onnx, openblas, allThreads: speedup || allThreadsEverywhere, comparatorUpTo: profile[c.kind].comparatorUpTo };
    for (const row of rowsFor(c, context)) jobs.push({ caseId: c.id, row });
  };
  for (const kind of options.only) {
    const p = profile[kind];
    if (kind === 'matmul') {
      for (const dtype of p.types) {
        for (const [m, k, n, extra] of p.shapes) add({ kind, dtype, m, k, n, ...extra }, m === k && k === n && n === p.speedupSize);
      }
      continue;
    }
    for (const dtype of p.types) {
      for (const n of p.sizes) add({ kind, dtype, n, dist: 'uniform' }, n === p.speedupSize);
    }
    for (const dtype of p.distTypes) {
      for (const dist of DISTRIBUTIONS.filter((d) => d !== 'uniform')) add({ kind, dtype, n: p.distSize, dist }, false);
    }
  }
  const latency = [];
  for (const kernel of options.only.filter((k) => k !== 'argsort')) {
    for (const backend of backends) latency.push({ kernel, backend, threads: threadList[threadList.length - 1], durationMs: profile.latencyMs });
  }
  return { cases, jobs, latency, sampling: profile.sampling, threadList, backends };
}
