/**
 * A report as a download: JSON (exactly the fields listed here, nothing else from the
 * database) and CSV in long form (`section,week,metric,value,detail`), with formula injection
 * neutralised (csv.ts) and the figures rounded as the dashboard shows them (rounding.ts). Used by
 * the team export route and the share link's export.
 */
import type { Report } from '@/lib/data/reports';
import { describeFlag } from '@/lib/flags/describe';
import { csvLine } from './csv';
import { roundFigures } from './rounding';

export interface ReportMeta {
  /** "shared report" on share links, "team report" for signed-in exports. */
  kind: 'shared report' | 'team report';
  mode: 'snapshot' | 'live' | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const windowJson = (w: Report['window']) => ({ from: iso(w.from), to: iso(w.to), asOf: iso(w.asOf) });

/** The report's figures rounded as the page shows them. */
function rounded(report: Report): Report {
  return {
    ...report,
    kpis: roundFigures(report.kpis),
    previous: roundFigures(report.previous),
    weeks: roundFigures(report.weeks),
    flags: roundFigures(report.flags),
    economics: roundFigures(report.economics),
  };
}

export function reportJson(full: Report, meta: ReportMeta) {
  const report = rounded(full);
  return {
    report: meta.kind,
    mode: meta.mode,
    teams: report.teams.map((t) => ({ slug: t.slug, name: t.name })),
    range: report.rangeLabel,
    filters: report.filters ?? {},
    window: windowJson(report.window),
    previousWindow: windowJson(report.previousWindow),
    kpis: report.kpis,
    previous: report.previous,
    weeks: report.weeks,
    flags: report.flags,
    // Agents & models (GET /api/v1/compare, both groupings) and What if (GET /api/v1/whatif, with the break-even).
    economics: report.economics ?? null,
  };
}

/** Nested figures as dotted names: `weekSurvival.rate`, `tokens.input`, … */
function flatten(value: unknown, prefix: string, out: [string, string | number | null][]): void {
  if (value !== null && typeof value === 'object') {
    // An array (an interval's [low, high]) by index: `convergenceCi95.0`.
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof value === 'number' || typeof value === 'string' || value === null) {
    out.push([prefix, value]);
  } else if (typeof value === 'boolean') {
    out.push([prefix, String(value)]);
  }
}

function figures(value: unknown): [string, string | number | null][] {
  const out: [string, string | number | null][] = [];
  flatten(value, '', out);
  return out;
}

export function reportCsv(full: Report, meta: ReportMeta): string {
  const report = rounded(full);
  let csv = csvLine(['section', 'week', 'metric', 'value', 'detail']);
  const row = (section: string, week: string, metric: string, value: string | number | null, detail = '') =>
    (csv += csvLine([section, week, metric, value, detail]));
  row('report', '', 'kind', meta.kind);
  if (meta.mode) row('report', '', 'mode', meta.mode);
  for (const t of report.teams) row('report', '', 'team', t.slug, t.name);
  row('report', '', 'range', report.rangeLabel);
  for (const [k, v] of Object.entries(report.filters ?? {})) row('report', '', `filter.${k}`, v);
  for (const [k, v] of Object.entries(windowJson(report.window))) row('report', '', k, v);
  for (const [metric, value] of figures(report.kpis)) row('kpis', '', metric, value);
  if (report.previous) for (const [metric, value] of figures(report.previous)) row('previous', '', metric, value);
  for (const { week, ...rest } of report.weeks) for (const [metric, value] of figures(rest)) row('weekly', week, metric, value);
  for (const flag of report.flags) row('flag', '', flag.kind, 'run' in flag ? flag.run : 'whole team', describeFlag(flag));
  const economics = report.economics;
  if (economics) {
    // A group's figures, its key in `detail` (keys are model ids, which may hold dots).
    for (const answer of [economics.byAgent, economics.byModel]) {
      for (const { key, ...rest } of answer.groups) for (const [metric, value] of figures(rest)) row(`compare.${answer.by}`, '', metric, value, key);
    }
    const { byAgent: _agents, byModel: _models, ...whatIf } = economics;
    for (const [metric, value] of figures(whatIf)) row('whatif', '', metric, value);
  }
  return csv;
}

/** `loopscope-payments-2026-06-01-2026-06-28` */
export function reportFileName(report: Report): string {
  const day = (ms: number) => iso(ms).slice(0, 10);
  return `loopscope-${report.teams.map((t) => t.slug).join('-')}-${day(report.window.from)}-${day(report.window.to)}`;
}
