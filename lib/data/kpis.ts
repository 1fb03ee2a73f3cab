/**
 * The KPI and flag answers (GET /api/v1/kpis, /kpis/weekly, /flags, the team dashboard): the row
 * loaders of lib/data/rows read exactly the input rows lib/kpi and lib/flags need (lib/kpi/types.ts),
 * as seen at asOf, and the pure functions alone compute every figure (docs/kpis.md). Nothing here
 * counts, sums or rates anything a KPI reports.
 *
 * Several teams are "summed as if one" (team-scope.ts): their rows are concatenated; each run is
 * judged against its own team's flag thresholds, the divergence of the whole against the first
 * team's.
 *
 * Several windows seen at the same asOf (the dashboard's window and the one before it, and the
 * divergence weeks) are loaded together and split among the windows in memory (lib/kpi's
 * partitionInput), which gives each the figures it would get alone.
 */
import 'server-only';
import { computeFlags, type Flag, type FlagKind } from '@/lib/flags/flags';
import type { FlagThresholds } from '@/lib/flags/thresholds';
import { computeKpis, weekTotals } from '@/lib/kpi/compute';
import { timeToFixDurations } from '@/lib/kpi/outcomes';
import { computeWeeklyKpisPartitioned, partitionInput } from '@/lib/kpi/partition';
import { kaplanMeierCurve } from '@/lib/kpi/stats';
import type { KpiInput, KpiWindow, Kpis, PriceLookup, RunRow, WeeklyKpis } from '@/lib/kpi/types';
import { getDb, type DbArg, type Sql } from './connection';
import { priceTable } from './prices';
import { buildRunList, type RunList } from './run-list';
import type { RunQuery } from './run-query';
import type { KpiFilters } from './rows/filters';
import { divergenceRange } from './rows/intervals';
import { divergenceWeekTotals, loadKpiInput, loadOutcomeRows, loadRunRows } from './rows/load';
import type { RunRows } from './rows/runs';
import { getFlagThresholds } from './team-settings';
import { resolveTeamScope, type TeamScope, type TeamSource } from './team-scope';
import type { Team } from './teams';
import type { Viewer } from './viewer';

export type { KpiFilters } from './rows/filters';

/** GET /api/v1/kpis. `team` is the slug, or the slugs joined by `,` for several teams. */
export type KpisAnswer = { team: string } & Kpis;

/** GET /api/v1/kpis/weekly. */
export interface WeeklyKpisAnswer {
  weeks: WeeklyKpis[];
}

/** GET /api/v1/flags. */
export interface FlagsAnswer {
  flags: Flag[];
}

export interface KpiQueryOptions {
  db?: DbArg;
  /** The price table (default: the installation's). */
  prices?: PriceLookup;
  /** Narrow every figure to matching runs, changes, usage and defects (default: none). */
  filters?: KpiFilters;
}

/** The flag thresholds of each team of a scope. */
async function teamThresholds(scope: TeamScope, db: Sql): Promise<(src: TeamSource) => FlagThresholds> {
  const byTeam = new Map<number, FlagThresholds>();
  for (const src of scope.sources) byTeam.set(src.teamId, await getFlagThresholds(src.teamId, db));
  return (src) => byTeam.get(src.teamId)!;
}

/** The database and the teams asked for; null when a team is not visible. */
export async function scopeOf(viewer: Viewer, teamSlugs: readonly string[], options: { db?: DbArg }): Promise<{ db: Sql; scope: TeamScope } | null> {
  const db = await (options.db ?? getDb());
  const scope = await resolveTeamScope(viewer, teamSlugs, db);
  return scope ? { db, scope } : null;
}

/** Every figure of kpis-v1.md for the teams and window; null when a team is not visible. */
export async function getKpis(viewer: Viewer, teamSlugs: readonly string[], w: KpiWindow, options: KpiQueryOptions = {}): Promise<KpisAnswer | null> {
  const found = await scopeOf(viewer, teamSlugs, options);
  if (!found) return null;
  const { db, scope } = found;
  const input = await loadKpiInput(db, scope.sources, w, await teamThresholds(scope, db), options.filters);
  return { team: scope.label, ...computeKpis(input, w, options.prices ?? priceTable()) };
}

/** The window's ISO weeks (kpis-v1.md "Weekly figures"); null when a team is not visible. */
export async function getWeeklyKpis(
  viewer: Viewer,
  teamSlugs: readonly string[],
  w: KpiWindow,
  options: KpiQueryOptions = {},
): Promise<WeeklyKpisAnswer | null> {
  const found = await scopeOf(viewer, teamSlugs, options);
  if (!found) return null;
  const { db, scope } = found;
  const input = await loadKpiInput(db, scope.sources, w, await teamThresholds(scope, db), options.filters);
  return computeWeeklyKpisPartitioned(input, w, options.prices ?? priceTable());
}

/** The flags of a window computed from runRows' reads, each run against its own team's thresholds. */
function flagsOf(scope: TeamScope, reads: readonly RunRows[], weeks: Parameters<typeof computeFlags>[0]['weeks'], w: KpiWindow, thresholds: (src: TeamSource) => FlagThresholds): Flag[] {
  const runs: RunRow[] = reads.flatMap((r) => r.flags);
  const first = thresholds(scope.sources[0]);
  // Run ids carry their team's prefix when there are several teams.
  const byPrefix = scope.sources.length > 1 ? scope.sources.map((src) => [src.prefix, thresholds(src)] as const) : null;
  const runThresholds = byPrefix ? (run: string) => byPrefix.find(([prefix]) => run.startsWith(prefix))![1] : undefined;
  return computeFlags({ runs, weeks }, w, first, scope.label, runThresholds);
}

/**
 * The window's run flags and the team's divergence flag; null when a team is not visible. With
 * filters: the matching runs' flags, and divergence over the filtered usage and changes.
 */
export async function getFlags(viewer: Viewer, teamSlugs: readonly string[], w: KpiWindow, options: KpiQueryOptions = {}): Promise<FlagsAnswer | null> {
  const found = await getWindowRuns(viewer, teamSlugs, w, options);
  return found && { flags: found.flags };
}

/** The runs whose last event at asOf is in the window, with their links, usage and flag kinds. */
export interface WindowRuns {
  db: Sql;
  scope: TeamScope;
  /** Each team's runs (in the order of scope.sources): states, links, and the rows flags read. */
  reads: RunRows[];
  flags: Flag[];
  /** Flag kinds by run id (prefixed for several teams). */
  flagsByRun: Map<string, FlagKind[]>;
}

/**
 * One team's flags, the team's own (divergence) first, then by their run's last event, newest
 * first: what a reader looks at first. The flags name runs by their ids as stored (one team: no
 * prefix).
 */
export function flagsNewestFirst(flags: readonly Flag[], read: RunRows): Flag[] {
  const lastEventAt = new Map(read.list.map((r) => [r.run, r.lastEventAt]));
  const recency = (f: Flag) => ('run' in f ? (lastEventAt.get(f.run) ?? 0) : Infinity);
  return [...flags].sort((a, b) => recency(b) - recency(a));
}

/** The kinds of the run flags, by run. */
export function flagKindsByRun(flags: readonly Flag[]): Map<string, FlagKind[]> {
  const byRun = new Map<string, FlagKind[]>();
  for (const f of flags) if ('run' in f) byRun.set(f.run, [...(byRun.get(f.run) ?? []), f.kind]);
  return byRun;
}

/**
 * The runs of the window (GET /api/v1/runs, the runs table) and their flags, from one read of
 * the runs and their links. Null when a team is not visible.
 */
export async function getWindowRuns(viewer: Viewer, teamSlugs: readonly string[], w: KpiWindow, options: KpiQueryOptions = {}): Promise<WindowRuns | null> {
  const found = await scopeOf(viewer, teamSlugs, options);
  if (!found) return null;
  const { db, scope } = found;
  const thresholds = await teamThresholds(scope, db);
  const reads = await loadRunRows(db, scope.sources, w, thresholds, options.filters);
  const weeks = await divergenceWeekTotals(db, scope.sources, w.asOf, thresholds(scope.sources[0]).divergenceWeeks, options.filters);
  const flags = flagsOf(scope, reads, weeks, w, thresholds);
  return { db, scope, reads, flags, flagsByRun: flagKindsByRun(flags) };
}

/** Everything the team dashboard shows, from one load. */
export interface TeamDashboard {
  team: Team;
  /** The runs table and scatter, when the request asked for them. */
  runList: RunList | null;
  /** The same flags, the team's first and then newest run first (by the run's last event). */
  recentFlags: Flag[];
  /** = getKpis for the window (and filters). */
  kpis: KpisAnswer;
  /** = getKpis for the previous window; null when none was asked for. */
  previousKpis: KpisAnswer | null;
  /** = getWeeklyKpis for the window. */
  weekly: WeeklyKpisAnswer;
  /** = getFlags for the window. */
  flags: FlagsAnswer;
  /** The window's defects (timeToFixDurations): what timeToFix summarises, for a chart. */
  timeToFix: {
    /** opened→fixed hours of the defects opened in the window and fixed at or before asOf, ascending. */
    fixedHours: number[];
    /** Kaplan–Meier "share still unfixed" after `hours`, open defects censored at asOf (kaplanMeierCurve). */
    kmCurve: { hours: number; survival: number }[];
  };
}

export interface TeamDashboardRequest {
  window: KpiWindow;
  /** Usually the window of the same length just before, at the same asOf. */
  previous?: KpiWindow | null;
  filters?: KpiFilters;
  /** Also build the runs table and scatter (the window's runs, with these table filters). */
  runs?: RunQuery;
}

/**
 * The team dashboard's figures — the same answers as getKpis (window and previous window),
 * getWeeklyKpis and getFlags with the same filters — with each row read once: one load over the
 * window, the previous window and the divergence weeks (when they share an asOf), split among
 * them in memory. Null when the team is not visible.
 */
export async function getTeamDashboard(
  viewer: Viewer,
  teamSlug: string,
  request: TeamDashboardRequest,
  options: Pick<KpiQueryOptions, 'db' | 'prices'> = {},
): Promise<TeamDashboard | null> {
  const found = await scopeOf(viewer, [teamSlug], options);
  if (!found) return null;
  const { db, scope } = found;
  const prices = options.prices ?? priceTable();
  const w = request.window;
  const previous = request.previous ?? null;
  const thresholds = await teamThresholds(scope, db);
  const divergence = divergenceRange(w.asOf, thresholds(scope.sources[0]).divergenceWeeks);
  const together = previous !== null && previous.asOf === w.asOf;
  const kpiWindows = together ? [w, previous] : [w];
  const outcomes = await loadOutcomeRows(db, scope.sources, w.asOf, kpiWindows, divergence ? [divergence] : [], request.filters);
  const reads = await loadRunRows(db, scope.sources, w, thresholds, request.filters, kpiWindows);
  const rows: KpiInput = { ...outcomes, runs: reads.flatMap((r) => r.kpi) };
  const [current, before] = partitionInput(rows, kpiWindows);
  let previousKpis: KpisAnswer | null = null;
  if (previous !== null) {
    const input = together ? before : await loadKpiInput(db, scope.sources, previous, thresholds, request.filters);
    previousKpis = { team: scope.label, ...computeKpis(input, previous, prices) };
  }
  const weeks = divergence ? weekTotals(rows.changes, rows.usage, w.asOf, divergence.count) : [];
  const flags = flagsOf(scope, reads, weeks, w, thresholds);
  const [read] = reads;
  const runList = request.runs ? buildRunList(read.list, read.links, flagKindsByRun(flags), request.runs, w.asOf) : null;
  const durations = timeToFixDurations(current.defects, w);
  return {
    team: scope.teams[0],
    kpis: { team: scope.label, ...computeKpis(current, w, prices) },
    previousKpis,
    weekly: computeWeeklyKpisPartitioned(current, w, prices),
    flags: { flags },
    runList,
    recentFlags: flagsNewestFirst(flags, read),
    timeToFix: {
      fixedHours: durations.fixedHours,
      kmCurve: kaplanMeierCurve(durations.observations).map((p) => ({ hours: p.duration, survival: p.survival })),
    },
  };
}
