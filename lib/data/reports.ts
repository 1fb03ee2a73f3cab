/**
 * A KPI report: what a team dashboard view shows above its runs — every figure of kpis-v1.md
 * for the window (and agent / model / repo filters) with the previous period of equal length,
 * the weekly figures and the flags — as one object. Share links freeze it (snapshot) or rebuild it on each view (live), and the
 * exports serialise it. It is built through getKpis / getWeeklyKpis / getFlags, so the viewer's
 * access is checked there: a team it may not see gives null (→ 404).
 */
import 'server-only';
import { parseDashboardRange, parseSliceFilters, RANGE_PRESETS, type RangeProblem, type SearchParams } from '@/lib/dashboard/search-params';
import type { Flag } from '@/lib/flags/flags';
import type { KpiWindow, Kpis, WeeklyKpis } from '@/lib/kpi/types';
import { presetScenario, scenarioOfView, WHATIF_PREFIX } from '@/lib/economics/view';
import type { Scenario } from '@/lib/economics/types';
import { getDb, type DbArg } from './connection';
import { getReportEconomics, type ReportEconomics } from './economics';
import { flagsNewestFirst, getKpis, getWeeklyKpis, getWindowRuns, type KpiFilters, type KpisAnswer } from './kpis';
import { resolveTeamScope } from './team-scope';
import { firstActiveDay } from './teams';
import type { Viewer } from './viewer';

/**
 * What a report is of: the teams, the dashboard's range parameters (`range`, or `from`/`to`) and
 * its filters (`agent`, `model`, `repo`).
 */
export interface ReportView {
  teams: string[];
  range: Record<string, string>;
  filters?: KpiFilters;
  /** The What if panel's scenario, when the view chose one (else the default node preset). */
  scenario?: Scenario;
}

export interface Report {
  teams: { slug: string; name: string }[];
  /** "4 weeks", "12 weeks", "Quarter", or "2026-06-01 → 2026-06-28". */
  rangeLabel: string;
  /** The agent / model / repo the figures are narrowed to (empty: all). */
  filters: KpiFilters;
  window: KpiWindow;
  previousWindow: KpiWindow;
  kpis: Kpis;
  previous: Kpis | null;
  weeks: WeeklyKpis[];
  flags: Flag[];
  /** The day (epoch ms) of the teams' earliest event; absent from snapshots made before it was kept. */
  dataSince?: number | null;
  /** Agents & models and What if; absent from snapshots made before they existed. */
  economics?: ReportEconomics;
}

/**
 * The view of a team dashboard URL's query: its range, normalised, its filters and its What if
 * scenario (when one was chosen); nothing else. A range the dashboard would not show as asked (too long, malformed) is refused, naming
 * the parameter, rather than replaced: an export or a share link is of exactly what was asked.
 */
export function dashboardView(
  teamSlug: string,
  params: SearchParams,
  now: number,
): { ok: true; view: ReportView } | { ok: false; field: RangeProblem['field'] | `whatif.${string}`; error: string } {
  const range = parseDashboardRange(params, now);
  if (range.problem) return { ok: false, field: range.problem.field, error: range.problem.error };
  const view: ReportView = { teams: [teamSlug], range: range.query, filters: parseSliceFilters(params) };
  if (params[`${WHATIF_PREFIX}scenario`] === undefined) return { ok: true, view };
  const scenario = scenarioOfView(params);
  if (!scenario.ok) return { ok: false, field: scenario.field as `whatif.${string}`, error: scenario.error };
  return { ok: true, view: { ...view, scenario: scenario.value } };
}

/** "4 weeks", "12 weeks", "Quarter", or "2026-06-01 → 2026-06-28" for a custom range. */
export function rangeLabel(range: Record<string, string>, now: number): string {
  const parsed = parseDashboardRange(range, now);
  return parsed.preset === 'custom'
    ? `${parsed.query.from} → ${parsed.query.to}`
    : RANGE_PRESETS.find((p) => p.id === parsed.preset)!.label;
}

/** The figures without the answer's `team` label (the report names its teams itself). */
function figuresOf({ team: _label, ...figures }: KpisAnswer): Kpis {
  return figures;
}

export async function buildReport(viewer: Viewer, view: ReportView, now: number, dbArg: DbArg = getDb()): Promise<Report | null> {
  const db = await dbArg;
  const scope = await resolveTeamScope(viewer, view.teams, db);
  if (!scope) return null;
  const range = parseDashboardRange(view.range, now);
  const slugs = scope.teams.map((t) => t.slug);
  const filters = view.filters ?? {};
  const options = { db, filters };
  const [kpis, weekly, flags, previous, economics, dataSince] = await Promise.all([
    getKpis(viewer, slugs, range.window, options),
    getWeeklyKpis(viewer, slugs, range.window, options),
    getWindowRuns(viewer, slugs, range.window, options),
    getKpis(viewer, slugs, range.previous, options),
    getReportEconomics(viewer, slugs, range.window, view.scenario ?? presetScenario(), options),
    firstActiveDay(viewer, slugs, db),
  ]);
  if (!kpis || !weekly || !flags || !economics) return null;
  return {
    teams: scope.teams.map((t) => ({ slug: t.slug, name: t.name })),
    rangeLabel: rangeLabel(range.query, now),
    filters,
    window: range.window,
    previousWindow: range.previous,
    kpis: figuresOf(kpis),
    previous: previous && figuresOf(previous),
    weeks: weekly.weeks,
    // A shared view is of one team (dashboardView): its flags come as its dashboard lists them.
    flags: flags.reads.length === 1 ? flagsNewestFirst(flags.flags, flags.reads[0]) : flags.flags,
    dataSince,
    economics,
  };
}
