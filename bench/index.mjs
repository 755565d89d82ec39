#!/usr/bin/env node
// `npm run bench`: the backends of parallel-kernels beside the anchors a Node user would otherwise
// reach for — TypedArray.prototype.sort (with and without a comparator), a plain JS argsort and a
// plain JS i-k-j matmul — all measured in the same run, on generated data. Each figure is the median
// of the samples tinybench takes after its warm-up; every sample starts from a fresh copy of the
// unsorted input, made outside the timed region. Ratios are against the anchor named in the table.
//
//   npm run bench [-- --only sort|argsort|matmul] [-- --time MS]
import os from 'node:os';
import { Bench } from 'tinybench';
import { argsortSync, backendInfo, matmulSync, sortSync } from '../dist/index.js';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = flag('only');
const timeMs = Number(flag('time') ?? 400);

// Deterministic inputs (xorshift), so every run measures the same data.
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}
function randomArray(Ctor, n, seed) {
  const r = rng(seed);
  const out = new Ctor(n);
  const isFloat = Ctor === Float32Array || Ctor === Float64Array;
  for (let i = 0; i < n; i++) out[i] = isFloat ? (r() - 0.5) * 2e6 : Math.floor((r() - 0.5) * 4294967296) | 0;
  return out;
}

function isSorted(a) {
  for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) return false;
  return true;
}

async function measure(cases) {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs), iterations: 5, warmupIterations: 2 });
  for (const c of cases) bench.add(c.name, c.fn, c.hooks ?? {});
  await bench.run();
  return bench.tasks.map((task, i) => {
    const median = task.result?.latency?.p50;
    if (!Number.isFinite(median)) throw new Error(`${task.name}: no result (${task.result?.error ?? task.result?.state})`);
    cases[i].check?.();
    return { name: task.name, medianMs: median, samples: task.result.latency.samplesCount ?? task.runs };
  });
}

function printTable(title, unit, work, rows, anchorName) {
  const anchor = rows.find((r) => r.name === anchorName);
  console.log(`\n${title}`);
  console.log(`| implementation | median ms | ${unit} | × ${anchorName} |`);
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    const rate = work / r.medianMs / 1e3;
    const ratio = anchor ? anchor.medianMs / r.medianMs : NaN;
    console.log(`| ${r.name} | ${r.medianMs.toFixed(3)} | ${rate.toFixed(rate < 10 ? 2 : 1)} | ${ratio.toFixed(2)} |`);
  }
}

/** One implementation sorting a fresh copy of `input` per sample. */
function sortCase(name, input, sortFn) {
  let work;
  return {
    name,
    fn: () => sortFn(work),
    hooks: { beforeEach: () => { work = input.slice(); } },
    check: () => { if (!isSorted(work)) throw new Error(`${name} did not sort`); },
  };
}

async function benchSort() {
  const sizes = [[Float64Array, 1e5], [Float64Array, 1e6], [Float32Array, 1e6], [Int32Array, 1e6]];
  const threads = backendInfo().threads;
  for (const [Ctor, n] of sizes) {
    const input = randomArray(Ctor, n, 42);
    const cases = [
      sortCase('TypedArray.prototype.sort()', input, (a) => a.sort()),
      sortCase(`native quick, ${threads} threads`, input, (a) => sortSync(a, { backend: 'native', algorithm: 'quick' })),
      sortCase(`native merge, ${threads} threads`, input, (a) => sortSync(a, { backend: 'native', algorithm: 'merge' })),
      sortCase('native quick, 1 thread', input, (a) => sortSync(a, { backend: 'native', algorithm: 'quick', threads: 1 })),
      sortCase('js quick', input, (a) => sortSync(a, { backend: 'js', algorithm: 'quick' })),
      sortCase('js merge', input, (a) => sortSync(a, { backend: 'js', algorithm: 'merge' })),
    ];
    if (n <= 1e5) cases.push(sortCase('sort((a, b) => a - b)', input, (a) => a.sort((x, y) => x - y)));
    const rows = await measure(cases);
    printTable(`sort ${Ctor.name} n = ${n.toExponential(0)} (uniform random)`, 'M elements/s', n, rows, 'TypedArray.prototype.sort()');
  }
}

async function benchArgsort() {
  const n = 1e6;
  const input = randomArray(Float64Array, n, 7);
  const threads = backendInfo().threads;
  const checkOrder = (idx) => { for (let i = 1; i < n; i++) if (input[idx[i - 1]] > input[idx[i]]) throw new Error('argsort out of order'); };
  let last;
  const run = (name, fn) => ({ name, fn: () => { last = fn(); }, check: () => checkOrder(last) });
  const rows = await measure([
    run('JS argsort (indices.sort with comparator)', () => {
      const idx = new Uint32Array(n);
      for (let i = 0; i < n; i++) idx[i] = i;
      return idx.sort((i, j) => input[i] - input[j] || i - j);
    }),
    run(`native, ${threads} threads`, () => argsortSync(input, { backend: 'native' })),
    run('native, 1 thread', () => argsortSync(input, { backend: 'native', threads: 1 })),
    run('js', () => argsortSync(input, { backend: 'js' })),
  ]);
  printTable(`argsort Float64Array n = ${n.toExponential(0)} (uniform random, stable)`, 'M elements/s', n, rows,
    'JS argsort (indices.sort with comparator)');
}

/** The loop a Node user writes by hand: i-k-j, row-major. */
function plainMatmul(a, b, c, n) {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < n; p++) {
      const aip = a[i * n + p];
      for (let j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
    }
  }
}

async function benchMatmul() {
  const threads = backendInfo().threads;
  for (const Ctor of [Float32Array, Float64Array]) {
    for (const n of [128, 512]) {
      const a = randomArray(Ctor, n * n, 1).map((v) => v / 1e6);
      const b = randomArray(Ctor, n * n, 2).map((v) => v / 1e6);
      const out = new Ctor(n * n);
      const reference = new Ctor(n * n);
      plainMatmul(a, b, reference, n);
      const tol = Ctor === Float32Array ? 1e-3 : 1e-9;
      const run = (name, fn) => ({
        name,
        fn,
        check: () => {
          for (let i = 0; i < n * n; i += 97) {
            if (Math.abs(out[i] - reference[i]) > tol * n) throw new Error(`${name}: wrong result at ${i}`);
          }
        },
      });
      const rows = await measure([
        run('plain JS i-k-j loop', () => plainMatmul(a, b, out, n)),
        run(`native, ${threads} threads`, () => matmulSync(a, b, { m: n, k: n, n, out, backend: 'native' })),
        run('native, 1 thread', () => matmulSync(a, b, { m: n, k: n, n, out, backend: 'native', threads: 1 })),
        run('js', () => matmulSync(a, b, { m: n, k: n, n, out, backend: 'js' })),
      ]);
      printTable(`matmul ${Ctor.name} ${n}×${n}×${n}`, 'GFLOP/s', (2 * n * n * n) / 1e3, rows, 'plain JS i-k-j loop');
    }
  }
}

const info = backendInfo();
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`parallel-kernels benchmark — ${new Date().toISOString().slice(0, 10)}`);
console.log(`${cpu}, ${os.availableParallelism()} cores, Node ${process.versions.node}, backend ${info.backend}, ` +
  `native ${info.native.loaded ? `loaded (simd: ${info.native.simd})` : `not loaded: ${info.native.error}`}, ` +
  `${info.threads} threads; medians of ≥5 samples, ${timeMs} ms per implementation`);
if (!info.native.loaded) {
  console.log('The native addon did not load, so the native rows are skipped.');
  process.exit(1);
}
if (!only || only === 'sort') await benchSort();
if (!only || only === 'argsort') await benchArgsort();
if (!only || only === 'matmul') await benchMatmul();
