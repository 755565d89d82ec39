#!/usr/bin/env node
// `npm run bench`: the backends of parallel-kernels beside the anchors a Node user would otherwise
// reach for — TypedArray.prototype.sort (with and without a comparator), a plain JS argsort, a
// plain JS i-k-j matmul on one thread and on two workers, and ml-matrix's mmul — all measured in
// the same run, on generated data. Each figure is the median
// of the samples tinybench takes after its warm-up; every sample starts from a fresh copy of the
// unsorted input, made outside the timed region. Ratios are against the anchor named in the table.
//
//   npm run bench [-- --only sort|argsort|matmul] [-- --time MS] [-- --large]
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { Matrix } from 'ml-matrix';
import { Bench } from 'tinybench';
import { argsortSync, backendInfo, matmulSync, sortSync } from '../dist/index.js';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = flag('only');
const timeMs = Number(flag('time') ?? 400);
const large = args.includes('--large');

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
  const isBig = Ctor === BigInt64Array || Ctor === BigUint64Array;
  for (let i = 0; i < n; i++) {
    if (isBig) out[i] = BigInt.asIntN(64, (BigInt(Math.floor(r() * 4294967296)) << 32n) | BigInt(Math.floor(r() * 4294967296)));
    else out[i] = isFloat ? (r() - 0.5) * 2e6 : Math.floor((r() - 0.5) * 4294967296) | 0;
  }
  return out;
}

function isSorted(a) {
  for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) return false;
  return true;
}

/** `samples`: the fewest samples (fewer for the slowest cases, where one takes seconds). */
async function measure(cases, samples = 5) {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs), iterations: samples, warmupIterations: Math.min(2, samples) });
  for (const c of cases) bench.add(c.name, c.fn, c.hooks ?? {});
  await bench.run();
  return bench.tasks.map((task, i) => {
    const median = task.result?.latency?.p50;
    if (!Number.isFinite(median)) throw new Error(`${task.name}: no result (${task.result?.error ?? task.result?.state})`);
    cases[i].check?.();
    return { name: task.name, medianMs: median, samples: task.result.latency.samplesCount ?? task.runs };
  });
}

/** A table with a ratio column for each anchor named (the first is the main one). */
function printTable(title, unit, work, rows, ...anchorNames) {
  const anchors = anchorNames.map((name) => rows.find((r) => r.name === name));
  console.log(`\n${title}`);
  console.log(`| implementation | median ms | ${unit} | ${anchorNames.map((name) => `× ${name}`).join(' | ')} |`);
  console.log(`|---|---:|---:|${anchorNames.map(() => '---:').join('|')}|`);
  for (const r of rows) {
    const rate = work / r.medianMs / 1e3;
    const ratios = anchors.map((anchor) => (anchor ? anchor.medianMs / r.medianMs : NaN).toFixed(2));
    console.log(`| ${r.name} | ${r.medianMs.toFixed(3)} | ${rate.toFixed(rate < 10 ? 2 : 1)} | ${ratios.join(' | ')} |`);
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
  // The types and sizes of the issue's targets; 1e7 only with --large (TypedArray.prototype.sort()
  // alone takes about a second per sample there).
  const sizes = [[Float64Array, 1e4], [Int32Array, 1e4], [Float64Array, 1e5], [Int32Array, 1e5]];
  for (const n of large ? [1e6, 1e7] : [1e6]) {
    for (const Ctor of [Float64Array, Float32Array, Int32Array, Uint32Array, BigInt64Array]) sizes.push([Ctor, n]);
  }
  const threads = backendInfo().threads;
  for (const [Ctor, n] of sizes) {
    const input = randomArray(Ctor, n, 42);
    const compare = Ctor === BigInt64Array ? (x, y) => (x < y ? -1 : x > y ? 1 : 0) : (x, y) => x - y;
    const cases = [
      sortCase('TypedArray.prototype.sort()', input, (a) => a.sort()),
      ...(info.native.loaded ? [
        sortCase(`native auto, ${threads} threads`, input, (a) => sortSync(a, { backend: 'native' })),
        sortCase(`native quick, ${threads} threads`, input, (a) => sortSync(a, { backend: 'native', algorithm: 'quick' })),
        sortCase(`native merge, ${threads} threads`, input, (a) => sortSync(a, { backend: 'native', algorithm: 'merge' })),
        sortCase(`native radix, ${threads} threads`, input, (a) => sortSync(a, { backend: 'native', algorithm: 'radix' })),
        sortCase('native quick, 1 thread', input, (a) => sortSync(a, { backend: 'native', algorithm: 'quick', threads: 1 })),
      ] : []),
      sortCase(`workers auto, ${threads} threads`, input, (a) => sortSync(a, { backend: 'workers' })),
      sortCase(`workers merge, ${threads} threads`, input, (a) => sortSync(a, { backend: 'workers', algorithm: 'merge' })),
      sortCase(`workers quick, ${threads} threads`, input, (a) => sortSync(a, { backend: 'workers', algorithm: 'quick' })),
      sortCase('workers auto, 1 thread', input, (a) => sortSync(a, { backend: 'workers', threads: 1 })),
    ];
    if (n <= 1e6) {
      cases.push(sortCase('js quick', input, (a) => sortSync(a, { backend: 'js', algorithm: 'quick' })));
      cases.push(sortCase('js merge', input, (a) => sortSync(a, { backend: 'js', algorithm: 'merge' })));
      cases.push(sortCase('sort(comparator)', input, (a) => a.sort(compare)));
    }
    const rows = await measure(cases, n >= 1e7 ? 3 : 5);
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
    ...(info.native.loaded ? [
      run(`native, ${threads} threads`, () => argsortSync(input, { backend: 'native' })),
      run('native, 1 thread', () => argsortSync(input, { backend: 'native', threads: 1 })),
    ] : []),
    run(`workers, ${threads} threads`, () => argsortSync(input, { backend: 'workers' })),
    run('workers, 1 thread', () => argsortSync(input, { backend: 'workers', threads: 1 })),
    run('js', () => argsortSync(input, { backend: 'js' })),
  ]);
  printTable(`argsort Float64Array n = ${n.toExponential(0)} (uniform random, stable)`, 'M elements/s', n, rows,
    'JS argsort (indices.sort with comparator)');
}

/** The loop a Node user writes by hand: i-k-j, row-major, over rows [r0, r1) of C. */
function plainMatmul(a, b, c, n, r0 = 0, r1 = n) {
  c.fill(0, r0 * n, r1 * n);
  for (let i = r0; i < r1; i++) {
    for (let p = 0; p < n; p++) {
      const aip = a[i * n + p];
      for (let j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
    }
  }
}

/**
 * The same loop as a Node user would spread it over two worker_threads: A, B and C on shared
 * memory, half of the rows each, the caller waiting on an Atomics counter.
 */
function twoWorkerMatmul() {
  const code = `
    const { parentPort } = require('node:worker_threads');
    ${plainMatmul}
    parentPort.on('message', ({ a, b, c, n, r0, r1, done }) => {
      plainMatmul(a, b, c, n, r0, r1);
      Atomics.add(done, 0, 1);
      Atomics.notify(done, 0);
    });`;
  const workers = [0, 1].map(() => new Worker(code, { eval: true }));
  const done = new Int32Array(new SharedArrayBuffer(4));
  return {
    run(a, b, c, n) {
      Atomics.store(done, 0, 0);
      workers.forEach((w, i) => w.postMessage({ a, b, c, n, r0: Math.floor((i * n) / 2), r1: Math.floor(((i + 1) * n) / 2), done }));
      for (let seen = 0; seen < 2; seen = Atomics.load(done, 0)) Atomics.wait(done, 0, seen);
    },
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

function shared(array) {
  const copy = new array.constructor(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

async function benchMatmul() {
  const threads = backendInfo().threads;
  const pair = twoWorkerMatmul();
  for (const Ctor of [Float32Array, Float64Array]) {
    for (const n of large ? [64, 128, 256, 512, 1024, 2048] : [64, 128, 256, 512, 1024]) {
      const a = randomArray(Ctor, n * n, 1).map((v) => v / 1e6);
      const b = randomArray(Ctor, n * n, 2).map((v) => v / 1e6);
      const out = new Ctor(n * n);
      const reference = new Ctor(n * n);
      plainMatmul(a, b, reference, n);
      const [sa, sb, sc] = [shared(a), shared(b), shared(out)];
      const [ma, mb] = [a, b].map((x) => new Matrix(Array.from({ length: n }, (_, i) => x.subarray(i * n, (i + 1) * n))));
      const tol = Ctor === Float32Array ? 1e-3 : 1e-9;
      const run = (name, fn, result = () => out) => ({
        name,
        fn,
        check: () => {
          const c = result();
          for (let i = 0; i < n * n; i += 97) {
            if (Math.abs(c[i] - reference[i]) > tol * n) throw new Error(`${name}: wrong result at ${i}`);
          }
        },
      });
      let product;
      const rows = await measure([
        run('plain JS i-k-j loop, 1 thread', () => plainMatmul(a, b, out, n)),
        run('plain JS i-k-j loop, 2 workers', () => pair.run(sa, sb, sc, n), () => sc),
        run('ml-matrix mmul (float64)', () => { product = ma.mmul(mb); }, () => Float64Array.from(product.to1DArray())),
        ...(info.native.loaded ? [
          run(`native, ${threads} threads`, () => matmulSync(a, b, { m: n, k: n, n, out, backend: 'native' })),
          run('native, 1 thread', () => matmulSync(a, b, { m: n, k: n, n, out, backend: 'native', threads: 1 })),
        ] : []),
        run(`workers, ${threads} threads`, () => matmulSync(a, b, { m: n, k: n, n, out, backend: 'workers' })),
        run('workers, 1 thread', () => matmulSync(a, b, { m: n, k: n, n, out, backend: 'workers', threads: 1 })),
        run('js', () => matmulSync(a, b, { m: n, k: n, n, out, backend: 'js' })),
      ], n >= 2048 ? 1 : n >= 1024 ? 3 : 5);
      printTable(`matmul ${Ctor.name} ${n}×${n}×${n}`, 'GFLOP/s', (2 * n * n * n) / 1e3, rows,
        'plain JS i-k-j loop, 1 thread', 'plain JS i-k-j loop, 2 workers');
    }
  }
  await pair.close();
}

const info = backendInfo();
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`parallel-kernels benchmark — ${new Date().toISOString().slice(0, 10)}`);
console.log(`${cpu}, ${os.availableParallelism()} cores, Node ${process.versions.node}, backend ${info.backend}, ` +
  `native ${info.native.loaded ? `loaded (simd: ${info.native.simd})` : `not loaded: ${info.native.error}`}, ` +
  `${info.threads} threads; medians of ≥5 samples (3 for sorts of 1e7 and 1024² matmuls, 1 for 2048²), ` +
  `${timeMs} ms per implementation`);
if (!info.native.loaded) console.log('The native addon did not load, so the native rows are skipped.');
if (!only || only === 'sort') await benchSort();
if (!only || only === 'argsort') await benchArgsort();
if (!only || only === 'matmul') await benchMatmul();
