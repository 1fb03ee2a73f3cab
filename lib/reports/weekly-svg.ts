/**
 * The shared report's weekly charts as static SVG (the page runs no script): token cost by week
 * as bars against merged and surviving changes as lines, and week-survival and defect rate by
 * week of merge. The same points as the dashboard's charts (lib/dashboard/weekly-points.ts): a
 * figure not known yet is a gap, a partial week is marked `*` and drawn paler.
 */
import { linearAxis } from '@/lib/charts/scale';
import type { WeeklyPoint } from '@/lib/dashboard/weekly-points';
import { Html, html } from './html';

interface Size {
  width: number;
  height: number;
}

/** Both drawings of a chart: the wide one and the narrow one, one shown per screen width. */
const SIZES: { className: string; size: Size }[] = [
  { className: 'chart-wide', size: { width: 560, height: 280 } },
  { className: 'chart-narrow', size: { width: 360, height: 260 } },
];

const fmt = (v: number) => Number(v.toPrecision(6)).toString();

/** A polyline per run of consecutive known values: a null splits the line (a gap, never a zero). */
function segments(points: readonly { x: number; y: number | null }[]): { x: number; y: number }[][] {
  const out: { x: number; y: number }[][] = [];
  let current: { x: number; y: number }[] = [];
  for (const p of points) {
    if (p.y === null) {
      if (current.length) out.push(current);
      current = [];
    } else current.push({ x: p.x, y: p.y });
  }
  if (current.length) out.push(current);
  return out;
}

function line(points: readonly { x: number; y: number | null }[], className: string): Html {
  return html`${segments(points).map(
    (seg) =>
      html`<polyline class="${className}" points="${seg.map((p) => `${fmt(p.x)},${fmt(p.y)}`).join(' ')}"/>${seg.map(
        (p) => html`<circle class="${className}" cx="${fmt(p.x)}" cy="${fmt(p.y)}" r="2.5"/>`,
      )}`,
  )}`;
}

/** Legend entries in a row from the left: a swatch (a bar or a line) and its words. */
function legend(items: readonly { swatch: string; label: string }[], x: number, y: number): Html {
  let at = 0;
  const parts = items.map((item) => {
    const swatch =
      item.swatch === 'bar'
        ? html`<rect class="bar" x="${at}" width="10" height="10" y="-9"/>`
        : html`<line class="${item.swatch}" x1="${at}" x2="${at + 14}" y1="-4" y2="-4"/>`;
    const text = html`<text x="${at + 18}">${item.label}</text>`;
    // About 0.57 em a character at the charts' 13 px.
    at += 18 + Math.ceil(item.label.length * 7.4) + 14;
    return html`${swatch}${text}`;
  });
  return html`<g class="legend" transform="translate(${x} ${y})">${parts}</g>`;
}

function frame(size: Size, narrow: boolean) {
  return { left: narrow ? 44 : 52, right: size.width - (narrow ? 28 : 36), top: 10, bottom: size.height - 44 };
}

/** x positions: the middle of each week's band. */
function bands(points: readonly WeeklyPoint[], left: number, right: number) {
  const band = (right - left) / Math.max(points.length, 1);
  return { band, at: (i: number) => left + band * (i + 0.5) };
}

function xLabels(points: readonly WeeklyPoint[], at: (i: number) => number, y: number, narrow: boolean): Html {
  // Every label when they fit, else every other one (the first and last kept).
  const every = narrow ? Math.ceil(points.length / 5) : Math.ceil(points.length / 8);
  return html`${points.map((p, i) =>
    i % every === 0 || i === points.length - 1 ? html`<text x="${fmt(at(i))}" y="${y}" text-anchor="middle">${p.label}</text>` : '',
  )}`;
}

function costChart(points: readonly WeeklyPoint[], size: Size, className: string): Html {
  const narrow = size.width < 500;
  const f = frame(size, narrow);
  const cost = linearAxis(0, Math.max(0, ...points.map((p) => p.costUsd)), f.bottom, f.top, 4);
  const count = linearAxis(0, Math.max(1, ...points.map((p) => p.merged)), f.bottom, f.top, 4);
  const { band, at } = bands(points, f.left, f.right);
  return html`<svg class="${className}" viewBox="0 0 ${size.width} ${size.height}" role="img" aria-label="Token cost by week against merged and surviving changes">
${cost.ticks.map((t) => html`<line class="grid" x1="${f.left}" x2="${f.right}" y1="${fmt(cost.at(t))}" y2="${fmt(cost.at(t))}"/><text x="${f.left - 4}" y="${fmt(cost.at(t) + 4)}" text-anchor="end">$${fmt(t)}</text>`)}
${count.ticks.map((t) => html`<text x="${f.right + 4}" y="${fmt(count.at(t) + 4)}">${fmt(t)}</text>`)}
${points.map(
  (p, i) =>
    html`<rect class="bar${p.partial ? ' partial' : ''}" x="${fmt(at(i) - band * 0.35)}" width="${fmt(band * 0.7)}" y="${fmt(cost.at(p.costUsd))}" height="${fmt(f.bottom - cost.at(p.costUsd))}"><title>Week of ${p.weekStart}${p.partial ? ' (partial)' : ''}: $${p.costUsd.toFixed(2)}, ${p.merged} merged, ${p.survived === null ? 'survivors not known yet' : `${p.survived} survived a week`}</title></rect>`,
)}
${line(points.map((p, i) => ({ x: at(i), y: count.at(p.merged) })), 'merged')}
${line(points.map((p, i) => ({ x: at(i), y: p.survived === null ? null : count.at(p.survived) })), 'survived')}
${xLabels(points, at, f.bottom + 16, narrow)}
${legend(
  [
    { swatch: 'bar', label: narrow ? 'cost' : 'cost (USD, left)' },
    { swatch: 'merged', label: 'merged' },
    { swatch: 'survived', label: narrow ? 'survived' : 'survived a week (right)' },
  ],
  8,
  size.height - 6,
)}
</svg>`;
}

function ratesChart(points: readonly WeeklyPoint[], size: Size, className: string): Html {
  const narrow = size.width < 500;
  const f = frame(size, narrow);
  const pct = linearAxis(0, 100, f.bottom, f.top, 4);
  const { at } = bands(points, f.left, f.right);
  return html`<svg class="${className}" viewBox="0 0 ${size.width} ${size.height}" role="img" aria-label="Week-survival and defect rate by week of merge">
${pct.ticks.map((t) => html`<line class="grid" x1="${f.left}" x2="${f.right}" y1="${fmt(pct.at(t))}" y2="${fmt(pct.at(t))}"/><text x="${f.left - 4}" y="${fmt(pct.at(t) + 4)}" text-anchor="end">${fmt(t)}%</text>`)}
${line(points.map((p, i) => ({ x: at(i), y: p.survival === null ? null : pct.at(p.survival) })), 'survival')}
${line(points.map((p, i) => ({ x: at(i), y: p.defects === null ? null : pct.at(p.defects) })), 'defects')}
${xLabels(points, at, f.bottom + 16, narrow)}
${legend(
  [
    { swatch: 'survival', label: 'week-survival' },
    { swatch: 'defects', label: 'defect rate' },
  ],
  8,
  size.height - 6,
)}
</svg>`;
}

/** Both charts, each drawn wide and narrow. */
export function weeklyChartsSvg(points: readonly WeeklyPoint[]): { cost: Html; rates: Html } {
  return {
    cost: html`${SIZES.map((s) => costChart(points, s.size, s.className))}`,
    rates: html`${SIZES.map((s) => ratesChart(points, s.size, s.className))}`,
  };
}

/** The charts' CSS, for the shared page's own stylesheet. */
export const WEEKLY_SVG_STYLE = `
.chart svg { width: 100%; height: auto; display: block; }
.chart-narrow { display: none !important; }
@media (max-width: 640px) { .chart-wide { display: none !important; } .chart-narrow { display: block !important; } }
.chart text { font-size: 13px; fill: var(--muted); }
.chart .grid { stroke: var(--border); stroke-dasharray: 3 3; }
.chart .bar { fill: var(--warn); fill-opacity: 0.6; }
.chart .bar.partial { fill-opacity: 0.3; }
.chart polyline { fill: none !important; stroke-width: 2; }
.chart .merged { stroke: var(--accent); fill: var(--accent); }
.chart .survived, .chart .survival { stroke: var(--good); fill: var(--good); }
.chart .defects { stroke: var(--bad); fill: var(--bad); }
.chart .legend line { stroke-width: 2; }
`;
