/**
 * The three traffic charts (uPlot, served from node_modules by the admin port) and the same
 * figures as a text table. Arms differ by line pattern as well as colour: legacy solid, new
 * dashed; the guard's limit is a dotted line on the error-rate chart.
 */
import uPlot from '../vendor/uPlot.esm.js';
import { $, h, replaceChildren } from './dom.js';
import { count } from './format.js';

const ARMS = ['legacy', 'new'];
const STYLE = {
  legacy: { label: 'legacy (solid)', stroke: '#1d4ed8', width: 2 },
  new: { label: 'new (dashed)', stroke: '#b45309', width: 2, dash: [8, 5] },
  limit: { label: 'guard limit (dotted)', stroke: '#b91c1c', width: 1.5, dash: [2, 4] },
};

const CHARTS = [
  { id: '#chart-rps', field: 'rps', unit: 'req/s', scale: (v) => v },
  {
    id: '#chart-errors',
    field: 'error_rate',
    unit: '%',
    scale: (v) => (v === null ? null : v * 100),
    limit: true,
    sparse: true,
  },
  { id: '#chart-latency', field: 'p95_ms', unit: 'ms', scale: (v) => v, sparse: true },
];

// Rates and percentiles exist only for buckets with traffic: points make a lone bucket visible.
const SPARSE_POINTS = { show: true, size: 6 };

function options(chart, width) {
  const series = [
    {},
    ...ARMS.map((arm) => ({
      ...STYLE[arm],
      ...(chart.sparse ? { points: SPARSE_POINTS } : {}),
      value: (_u, v) => (v === null || v === undefined ? '—' : `${v} ${chart.unit}`),
    })),
  ];
  if (chart.limit) series.push({ ...STYLE.limit, value: (_u, v) => (v === null ? '—' : `${v} %`) });
  return {
    width,
    height: 200,
    series,
    scales: {
      x: { time: true },
      y: { range: (_u, min, max) => [0, Math.max(max ?? 0, chart.limit ? 5 : 1)] },
    },
    axes: [{}, { label: chart.unit, size: 56 }],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
}

function dataFor(chart, series) {
  const columns = ARMS.map((arm) => series.arms[arm][chart.field].map(chart.scale));
  const data = [series.t, ...columns];
  if (chart.limit) data.push(series.t.map(() => series.guard.error_rate_limit * 100));
  return data;
}

export function createCharts() {
  const plots = new Map();
  const widthOf = (el) => Math.max(280, el.clientWidth);

  window.addEventListener('resize', () => {
    for (const [chart, plot] of plots) plot.setSize({ width: widthOf($(chart.id)), height: 200 });
  });

  return {
    update(series) {
      for (const chart of CHARTS) {
        const data = dataFor(chart, series);
        const plot = plots.get(chart);
        if (plot) plot.setData(data);
        else {
          const el = $(chart.id);
          plots.set(chart, new uPlot(options(chart, widthOf(el)), data, el));
        }
      }
      renderTable($('#traffic-table tbody'), series);
    },
  };
}

function renderTable(tbody, series) {
  replaceChildren(
    tbody,
    ARMS.map((arm) => {
      const s = series.arms[arm];
      const lastFull = s.rps.at(-2) ?? 0;
      const p95 = [...s.p95_ms].reverse().find((v) => v !== null);
      const rate = s.totals.requests
        ? `${((s.totals.errors / s.totals.requests) * 100).toFixed(1)}%`
        : '—';
      return h(
        'tr',
        { 'data-arm': arm },
        h('th', { scope: 'row' }, STYLE[arm].label),
        h('td', { 'data-field': 'rps' }, lastFull),
        h('td', { 'data-field': 'requests' }, count(s.totals.requests)),
        h('td', { 'data-field': 'errors' }, count(s.totals.errors)),
        h('td', { 'data-field': 'error-rate' }, rate),
        h('td', { 'data-field': 'p95' }, p95 === undefined ? '—' : `${p95} ms`),
      );
    }),
  );
}
