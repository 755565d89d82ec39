// Charts of a results document as SVG: vega-lite specs compiled to vega and rendered headless in
// Node (renderer 'none' + toSVG, no browser or canvas). Throughput against size on log axes, one
// line per implementation; speedup against threads, one line per kernel and backend.
import { groupTables, rateOf, sizeLabel, speedups, typeName } from './report.mjs';

const FONT = { font: 'Helvetica, Arial, sans-serif' };

async function render(spec) {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Two subtitle lines, so the chart keeps its width: the machine, then the command. */
function caption(doc) {
  const m = doc.machine;
  return [`${m.cpu}, ${m.cores} cores, SIMD ${m.simd ?? 'none (no native addon)'}, Node ${m.node}, ${m.date.slice(0, 10)}`, doc.command];
}

/**
 * Throughput against size for one table of the report (kind, type, distribution). Rows measured at
 * a single size (the extra thread counts of the speedup cases) are left out: a point is no line.
 */
function throughputSpec(doc, g) {
  const values = [];
  for (const row of g.rows) {
    // Non-square matmuls have no single size to plot against: their figures are in the tables.
    const points = g.cases.filter((c) => c.kind !== 'matmul' || (c.m === c.n && c.n === c.k))
      .map((c) => ({ c, r: g.cell(c, row.label) })).filter(({ r }) => r?.ok);
    if (points.length < 2) continue;
    for (const { c, r } of points) {
      values.push({ implementation: row.label, size: c.n, label: sizeLabel(c), rate: rateOf(c, r.stats.median) });
    }
  }
  const unit = g.kind === 'matmul' ? 'GFLOP/s' : 'million elements / s';
  const title = g.kind === 'matmul' ? `matmul ${typeName(g.dtype)} (n = m = k)` : `${g.kind} ${typeName(g.dtype)}, ${g.dist}`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${title}: ${unit}, higher is better`, subtitle: caption(doc), anchor: 'start', ...FONT },
    width: 560,
    height: 340,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'size', type: 'quantitative', scale: { type: 'log' }, title: g.kind === 'matmul' ? 'n' : 'elements', axis: { format: '~s' } },
      y: { field: 'rate', type: 'quantitative', scale: { type: 'log' }, title: unit, axis: { format: '~s' } },
      color: { field: 'implementation', type: 'nominal', legend: { orient: 'right', labelLimit: 320, title: null } },
      tooltip: [{ field: 'implementation' }, { field: 'label', title: 'size' }, { field: 'rate', format: '.3~s' }],
    },
    config: { ...FONT },
  };
}

function speedupSpec(doc, points) {
  const threads = [...new Set(points.map((p) => p.threads))].sort((x, y) => x - y);
  const ideal = threads.map((t) => ({ series: 'linear (ideal)', threads: t, speedup: t }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Speedup against threads (time on 1 thread ÷ time on t threads)', subtitle: caption(doc), anchor: 'start', ...FONT },
    width: 420,
    height: 300,
    background: 'white',
    layer: [
      { data: { values: ideal }, mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'threads', type: 'quantitative' }, y: { field: 'speedup', type: 'quantitative' } } },
      { data: { values: points }, mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'threads', type: 'quantitative', title: 'threads', axis: { values: threads, format: 'd' }, scale: { domain: [threads[0], threads[threads.length - 1]] } },
          y: { field: 'speedup', type: 'quantitative', title: 'speedup', scale: { zero: true } },
          color: { field: 'series', type: 'nominal', legend: { orient: 'right', labelLimit: 320, title: null } },
        } },
    ],
    config: { ...FONT },
  };
}

/** Chart file name of a table, e.g. sort-f64.svg (distributions other than uniform get a suffix). */
export function chartName(g) {
  return `${g.kind}-${g.dtype}${g.dist && g.dist !== 'uniform' ? `-${g.dist}` : ''}.svg`;
}

/**
 * Every chart the document supports: one per table with at least two sizes (uniform data only;
 * the distribution tables have one size), and the speedup chart. Resolves to [{ name, svg }].
 */
export async function renderCharts(doc) {
  const charts = [];
  for (const g of groupTables(doc)) {
    if (g.cases.length < 2) continue;
    const spec = throughputSpec(doc, g);
    if (spec.data.values.length === 0) continue;
    charts.push({ name: chartName(g), svg: await render(spec) });
  }
  const points = speedups(doc);
  if (points.length) charts.push({ name: 'speedup.svg', svg: await render(speedupSpec(doc, points)) });
  return charts;
}
