#!/usr/bin/env node
// `npm run bench`: every backend of parallel-kernels beside the anchors a Node user would otherwise
// reach for, all timed in the same run. Plans the cases, runs each (case, implementation) pair in
// a fresh child process in a seeded shuffled order, then writes results.json, summary.md and SVG
// charts to bench/results/latest/ (or --out) and prints the report. Exits 1 when any timed
// implementation produced a wrong result or failed, 2 on a bad option. See --help.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlan } from './cases.mjs';
import { renderCharts } from './charts.mjs';
import { shuffle } from './data.mjs';
import { machineInfo } from './machine.mjs';
import { onnxAvailability } from './onnx.mjs';
import { openblasAvailability } from './openblas.mjs';
import { USAGE, parseOptions } from './options.mjs';
import { markdownReport } from './report.mjs';
import { poolRounds } from './pool.mjs';
import { progressLine, runInChild } from './runner.mjs';

const DEFAULT_OUT = fileURLToPath(new URL('./results/latest/', import.meta.url));
const CHART_FILE = /^(?:sort|argsort|matmul)-[\w-]+\.svg$|^speedup\.svg$/;
/** Per child: generous, since a full run's slowest anchor takes a few samples of ~15 s each. */
const TIMEOUT_MS = { tiny: 60_000, quick: 180_000, full: 900_000 };

/** The command that reproduces the run, without the options that only choose where files go. */
function commandOf(argv) {
  const kept = [];
  for (let i = 0; i < argv.length; i++) {
    if (/^--(out|json)(=|$)/.test(argv[i])) {
      if (!argv[i].includes('=')) i++;
      continue;
    }
    kept.push(argv[i]);
  }
  return `npm run bench${kept.length ? ` -- ${kept.join(' ')}` : ''}`;
}

async function run(argv, options) {
  const machine = machineInfo();
  const skipped = [];
  const unavailable = options.backends.filter((b) => !machine.available.includes(b));
  for (const b of unavailable) skipped.push({ what: `${b} backend`, reason: b === 'native' ? machine.native : 'not available' });
  const onnx = onnxAvailability();
  if (options.only.includes('matmul') && !onnx.available) {
    skipped.push({ what: 'onnxruntime-node (matmul anchor)', reason: `${onnx.reason} (\`npm install --no-save --ignore-scripts onnxruntime-node\` adds it)` });
  }
  let openblas = { available: false };
  if (options.only.includes('matmul')) {
    console.error('building the OpenBLAS anchor (pk_blas_anchor, CMake in build-tests/release)');
    openblas = openblasAvailability();
    if (!openblas.available) skipped.push({ what: 'OpenBLAS (matmul anchor)', reason: openblas.reason });
  }
  const plan = buildPlan(options, { maxThreads: machine.threads, available: machine.available, onnx: onnx.available, openblas: openblas.available });
  const caseById = new Map(plan.cases.map((c) => [c.id, c]));
  // Each round is its own shuffle, so a pair's rounds land at different times of the run and a
  // burst of load elsewhere on the machine hits one of its rounds, not all of them.
  const jobs = [];
  for (let round = 0; round < options.rounds; round++) jobs.push(...shuffle([...plan.jobs], (options.seed + round) >>> 0));
  console.error(`parallel-kernels benchmark (${options.mode}): ${jobs.length} timings (${plan.jobs.length} pairs × ${options.rounds} ` +
    `round${options.rounds === 1 ? '' : 's'}) and ${plan.latency.length} event-loop measurements, one child process each; case order seed ${options.seed}`);

  const progress = progressLine(jobs.length + plan.latency.length);
  const replies = new Map(plan.jobs.map((job) => [job, []]));
  for (const [i, job] of jobs.entries()) {
    const c = caseById.get(job.caseId);
    progress.update(i, `${c.id}: ${job.row.label}`);
    replies.get(job).push(await runInChild({ type: 'timing', case: c, row: job.row, sampling: plan.sampling }, { timeoutMs: TIMEOUT_MS[options.mode] }));
  }
  const results = plan.jobs.map((job) => poolRounds(caseById.get(job.caseId), job.row, replies.get(job)));
  const latency = [];
  for (const [i, l] of plan.latency.entries()) {
    progress.update(jobs.length + i, `event-loop delay: ${l.kernel} on ${l.backend}`);
    latency.push({ ...l, ...(await runInChild({ type: 'latency', ...l }, { timeoutMs: TIMEOUT_MS[options.mode] })) });
  }
  progress.end();

  const doc = {
    schema: 1,
    mode: options.mode,
    seed: options.seed,
    rounds: options.rounds,
    command: commandOf(argv),
    machine,
    sampling: plan.sampling,
    threadList: plan.threadList,
    backends: plan.backends,
    cases: plan.cases,
    results,
    latency,
    skipped,
    loadAverageAtEnd: os.loadavg()[0],
    finishedAt: new Date().toISOString(),
  };
  const out = options.out ? path.resolve(options.out) : DEFAULT_OUT;
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (CHART_FILE.test(f)) rmSync(path.join(out, f));
  const json = `${JSON.stringify(doc, null, 1)}\n`;
  writeFileSync(path.join(out, 'results.json'), json);
  if (options.json) writeFileSync(path.resolve(options.json), json);
  writeFileSync(path.join(out, 'summary.md'), markdownReport(doc, { details: true }));
  const charts = await renderCharts(doc);
  for (const chart of charts) writeFileSync(path.join(out, chart.name), chart.svg);

  console.log(markdownReport(doc));
  console.log(`Written to ${path.relative(process.cwd(), out) || '.'}: results.json, summary.md, ${charts.map((c) => c.name).join(', ')}`);
  const failed = results.filter((r) => !r.ok).length + latency.filter((l) => !l.ok).length;
  if (failed) console.error(`${failed} measurement(s) failed or produced a wrong result: see the list at the top of the report.`);
  return failed ? 1 : 0;
}

const argv = process.argv.slice(2);
let options;
try {
  options = parseOptions(argv, { defaultSeed: (Math.random() * 2 ** 32) >>> 0 });
} catch (error) {
  console.error(`npm run bench: ${error.message}\n\n${USAGE}`);
  process.exitCode = 2;
}
if (options?.help) console.log(USAGE);
else if (options) process.exitCode = await run(argv, options);
