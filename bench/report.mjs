// The tables of a results document (results.json): one per kernel, element type and distribution,
// each backend beside the anchors of the same run with its ratio to them, as Markdown for the
// terminal, summary.md and the README. Pure functions of the document, so the README script can
// regenerate every table from a saved file.
import { ANCHORS } from './anchors.mjs';
import { BACKENDS } from './backends.mjs';

/**
 * The anchors each kind's ratios are taken against (matmul: also the two-worker loop, and OpenBLAS,
 * the yardstick of issue #5 for the native backend).
 */
export const MAIN_ANCHORS = { sort: ['typedarray-sort'], argsort: ['js-argsort'], matmul: ['plain-matmul', 'plain-matmul-workers', 'openblas'] };

/**
 * Anchors with a row per thread count: a package row is compared with the one on as many threads
 * as itself, and rows without a thread count (anchors, the js backend) are not compared with it.
 */
export const PER_THREAD_ANCHORS = new Set(['openblas']);

/** The anchor row of `id` that `row` is compared with in table `g`, if any. */
function anchorFor(g, id, row) {
  if (!PER_THREAD_ANCHORS.has(id)) return g.rows.find((x) => x.family === 'anchor' && x.id === id);
  if (row.family !== 'package' || row.params.backend === 'js') return undefined;
  return g.rows.find((x) => x.family === 'anchor' && x.id === id && x.params.threads === row.params.threads);
}

/** Spread (interquartile range / median) above which a figure is marked as noisy. */
export const NOISY_SPREAD = 0.1;

const TYPE_NAMES = {
  f64: 'Float64Array', f32: 'Float32Array', i32: 'Int32Array', u32: 'Uint32Array', i16: 'Int16Array', u16: 'Uint16Array',
  i8: 'Int8Array', u8: 'Uint8Array', u8c: 'Uint8ClampedArray', i64: 'BigInt64Array', u64: 'BigUint64Array',
};
export const typeName = (dtype) => TYPE_NAMES[dtype] ?? dtype;

export function sizeLabel(c) {
  if (c.kind === 'matmul') return c.m === c.n && c.n === c.k ? `${c.n}³` : `${c.m}×${c.k}×${c.n}`;
  const exp = Math.log10(c.n);
  return Number.isInteger(exp) ? `1e${exp}` : String(c.n);
}

/** Three significant figures, without exponent notation. */
export function fmt(x) {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(2);
}

/** Throughput of a result in its case's unit: M elements/s or GFLOP/s, from the median time. */
export function rateOf(c, medianMs) {
  return c.work / (medianMs * 1e-3) / (c.kind === 'matmul' ? 1e9 : 1e6);
}

function rowOrder(row) {
  if (row.family === 'anchor') return Object.keys(ANCHORS).indexOf(row.id) * 1000;
  return 100000 + BACKENDS.indexOf(row.params.backend) * 1000 - row.params.threads;
}

/** The results grouped into tables: kind, element type and distribution (matmul: kind and type). */
export function groupTables(doc) {
  const groups = new Map();
  for (const c of doc.cases) {
    const key = c.kind === 'matmul' ? `${c.kind}|${c.dtype}` : `${c.kind}|${c.dtype}|${c.dist}`;
    if (!groups.has(key)) groups.set(key, { kind: c.kind, dtype: c.dtype, dist: c.dist, cases: [] });
    groups.get(key).cases.push(c);
  }
  const byCase = new Map();
  for (const r of doc.results) {
    if (!byCase.has(r.caseId)) byCase.set(r.caseId, []);
    byCase.get(r.caseId).push(r);
  }
  return [...groups.values()].map((g) => {
    g.cases.sort((x, y) => x.work - y.work);
    const labels = new Map();
    for (const c of g.cases) for (const r of byCase.get(c.id) ?? []) labels.set(r.row.label, r.row);
    const rows = [...labels.values()].sort((x, y) => rowOrder(x) - rowOrder(y));
    const cell = (c, label) => (byCase.get(c.id) ?? []).find((r) => r.row.label === label);
    return { ...g, rows, cell };
  });
}

function tableTitle(g) {
  if (g.kind === 'matmul') return `matmul ${typeName(g.dtype)}, GFLOP/s (2·m·n·k / median time)`;
  return `${g.kind} ${typeName(g.dtype)}, ${g.dist}, M elements/s`;
}

function ratioNote(g) {
  const names = MAIN_ANCHORS[g.kind].map((id) => {
    const row = g.rows.find((r) => r.family === 'anchor' && r.id === id);
    if (!row) return undefined;
    // The label without its thread count, which varies with the row compared.
    return PER_THREAD_ANCHORS.has(id) ? `${row.label.replace(/, \d+ threads?$/, '')}, on as many threads` : row.label;
  }).filter(Boolean);
  return names.length ? `(×N: speed relative to ${names.map((n) => `\`${n}\``).join(' / ')} in this run)` : '';
}

/** One Markdown table: rows are implementations, columns sizes, cells "rate (×ratio)". */
export function markdownTable(g) {
  const anchors = MAIN_ANCHORS[g.kind];
  const head = `| ${g.kind === 'matmul' ? 'm·k·n' : 'n'} → | ${g.cases.map(sizeLabel).join(' | ')} |`;
  const rule = `|---|${g.cases.map(() => '---:').join('|')}|`;
  const lines = [`**${tableTitle(g)}** ${ratioNote(g)}`, '', head, rule];
  for (const row of g.rows) {
    const cells = g.cases.map((c) => {
      const r = g.cell(c, row.label);
      if (!r) return '';
      if (!r.ok) return r.checkFailed ? '**wrong result**' : 'error';
      const ratios = anchors.map((id) => {
        const anchor = (g.cell(c, anchorFor(g, id, row)?.label) ?? {});
        return anchor.ok ? `×${fmt(anchor.stats.median / r.stats.median)}` : null;
      }).filter(Boolean);
      const noisy = r.stats.spread > NOISY_SPREAD ? '~' : '';
      const isMain = row.family === 'anchor' && anchors.includes(row.id);
      return `${fmt(r.rate)}${noisy}${ratios.length && !isMain ? ` (${ratios.join(' / ')})` : ''}`;
    });
    const name = row.family === 'anchor' ? row.label : `**${row.label}**`;
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Speedup against threads: for each case and backend with more than one thread count. */
export function speedups(doc) {
  const out = [];
  const caseById = new Map(doc.cases.map((c) => [c.id, c]));
  const series = new Map();
  for (const r of doc.results) {
    if (r.row.family !== 'package' || r.row.params.backend === 'js' || !r.ok || caseById.get(r.caseId)?.speedup === false) continue;
    const key = `${r.caseId}|${r.row.params.backend}`;
    if (!series.has(key)) series.set(key, []);
    series.get(key).push(r);
  }
  for (const [key, rs] of series) {
    const one = rs.find((r) => r.row.params.threads === 1);
    if (!one || rs.length < 2) continue;
    const c = caseById.get(rs[0].caseId);
    const name = `${key.split('|')[1]}: ${c.kind} ${c.dtype}${c.dist && c.dist !== 'uniform' ? ` ${c.dist}` : ''} ${sizeLabel(c)}`;
    for (const r of rs.sort((x, y) => x.row.params.threads - y.row.params.threads)) {
      out.push({ series: name, caseId: c.id, backend: r.row.params.backend, threads: r.row.params.threads, speedup: one.stats.median / r.stats.median });
    }
  }
  return out;
}

export function speedupTable(doc) {
  const points = speedups(doc);
  if (points.length === 0) return '';
  const threads = [...new Set(points.map((p) => p.threads))].sort((x, y) => x - y);
  const names = [...new Set(points.map((p) => p.series))].sort();
  const lines = ['**Speedup against threads** (median time on 1 thread ÷ median time on t threads)', '',
    `| case | ${threads.map((t) => `${t} thread${t === 1 ? '' : 's'}`).join(' | ')} |`, `|---|${threads.map(() => '---:').join('|')}|`];
  for (const name of names) {
    lines.push(`| ${name} | ${threads.map((t) => fmt(points.find((p) => p.series === name && p.threads === t)?.speedup)).join(' | ')} |`);
  }
  return lines.join('\n');
}

export function latencyTable(doc) {
  if (!doc.latency?.length) return '';
  const lines = ['**Event-loop delay during async calls** (`perf_hooks.monitorEventLoopDelay`, target p99 < 10 ms)', '',
    '| kernel, backend | workload (back-to-back calls) | calls in | p50 ms | p99 ms | max ms | p99 ms of the idle loop, same process |',
    '|---|---|---:|---:|---:|---:|---:|'];
  for (const l of doc.latency) {
    const name = `${l.kernel}, ${l.backend}${l.backend === 'js' ? '' : `, ${l.threads} threads`}`;
    if (!l.ok) lines.push(`| ${name} | error: ${l.error} | | | | | |`);
    else {
      lines.push(`| ${name} | ${l.workload} | ${l.calls} in ${(l.elapsedMs / 1000).toFixed(1)} s | ${fmt(l.p50Ms)} | ` +
        `${fmt(l.p99Ms)}${l.p99Ms >= 10 ? ' (over target)' : ''} | ${fmt(l.maxMs)} | ${fmt(l.idleP99Ms)} |`);
    }
  }
  return lines.join('\n');
}

export function machineLine(doc) {
  const m = doc.machine;
  return `${m.cpu}, ${m.cores} cores, SIMD path ${m.simd ?? `— (native ${m.native})`}, Node ${m.node}, ${m.platform}, ` +
    `${m.date.slice(0, 10)}${m.commit ? `, commit ${m.commit}` : ''}; load average ${m.loadAverageAtStart.toFixed(2)} at the start, ` +
    `${(doc.loadAverageAtEnd ?? NaN).toFixed(2)} at the end`;
}

/** A warning when other work shared the cores: threads then compete with it, not just each other. */
export function loadNote(doc) {
  const m = doc.machine;
  const load = Math.max(m.loadAverageAtStart, doc.loadAverageAtEnd ?? 0);
  if (!(load > m.cores / 2)) return '';
  return `**Other work shared the machine during this run** (load average up to ${load.toFixed(1)} on ${m.cores} cores): ` +
    'figures on several threads, speedups and event-loop delays understate what an idle machine gives; ratios within a column remain comparable.';
}

export function methodLine(doc) {
  const s = doc.sampling;
  return `\`${doc.command}\` (${doc.mode} run, case order shuffled with seed ${doc.seed}, one Node process per implementation and case): ` +
    `medians of ${s.minSamples} to about ${s.maxSamples} samples after warm-up, taken with tinybench (${s.slowMinSamples} where one call takes over ${s.slowMs / 1000} s)` +
    `${doc.rounds > 1 ? ` per round, ${doc.rounds} rounds pooled, each in its own process at another point of the run` : ''}, ` +
    `each on a fresh copy of the input (a repeatable matmul: after one untimed call); results checked ${s.checkEvery ? 'after every sample' : 'after warm-up and the first sample'} ` +
    `(sorted order and same elements, argsort permutation and stability, matmul entries against a reference). ` +
    `\`~\` marks a figure whose samples spread by more than ${NOISY_SPREAD * 100}% (interquartile range / median).`;
}

/** Everything that went wrong or was left out, one line each. */
export function problems(doc) {
  const lines = [];
  for (const s of doc.skipped ?? []) lines.push(`- ${s.what}: skipped: ${s.reason}`);
  for (const r of doc.results) if (!r.ok) lines.push(`- ${r.caseId}, ${r.row.label}: ${r.checkFailed ? 'WRONG RESULT' : 'error'}: ${r.error}`);
  return lines.join('\n');
}

/** The report printed at the end of a run and written as summary.md. */
export function markdownReport(doc, { details = false } = {}) {
  const parts = [`# parallel-kernels benchmark, ${doc.machine.date.slice(0, 10)}`, '', machineLine(doc), '', methodLine(doc)];
  const load = loadNote(doc);
  if (load) parts.push('', load);
  const issues = problems(doc);
  if (issues) parts.push('', issues);
  for (const g of groupTables(doc)) parts.push('', markdownTable(g));
  const speed = speedupTable(doc);
  if (speed) parts.push('', speed);
  const lat = latencyTable(doc);
  if (lat) parts.push('', lat);
  if (details) {
    parts.push('', '<details><summary>Every result: median, quartiles, samples</summary>', '',
      '| case | implementation | median ms | p25–p75 ms | spread | samples | checks |', '|---|---|---:|---:|---:|---:|---:|');
    for (const r of [...doc.results].sort((x, y) => x.caseId.localeCompare(y.caseId) || rowOrder(x.row) - rowOrder(y.row))) {
      if (!r.ok) parts.push(`| ${r.caseId} | ${r.row.label} | ${r.error} | | | | |`);
      else parts.push(`| ${r.caseId} | ${r.row.label} | ${r.stats.median.toPrecision(4)} | ${r.stats.p25.toPrecision(3)}–${r.stats.p75.toPrecision(3)} | ${(r.stats.spread * 100).toFixed(1)}% | ${r.stats.n} | ${r.checks} |`);
    }
    parts.push('', '</details>');
  }
  return `${parts.join('\n')}\n`;
}
