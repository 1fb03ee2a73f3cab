/**
 * The KPI and flag query layer: reads exactly the input rows lib/kpi and lib/flags need
 * (lib/kpi/types.ts) with indexed SQL, and hands them to the pure functions, which alone compute
 * every figure (../../../shared/spec/kpis-v1.md). Nothing here counts, sums or rates anything a
 * KPI reports; it only selects rows, and does events-v1 Linking (which changes belong to which
 * run) and the agent / model / repo filters, which the pure functions leave to the query layer.
 *
 * Several teams are "summed as if one": their rows are concatenated. So that two teams' ids
 * cannot be mistaken for one thing (a run `r1` in each), change, defect and run ids are then
 * prefixed with `<team slug>/`; for a single team ids are as sent. Flags of several teams are held
 * against the first team's thresholds.
 *
 * Row sources, per team (`end` = min(to, asOf + 1), so `[from, end)` is "in the window, at or
 * before asOf"):
 * - MergedChangeRow: `changes` with merged_at in [from, end) (index changes_team_merged), with the
 *   ts of their change.modified / change.reverted (change_events, joined) and of the
 *   defect.opened events naming them (defect_links, joined): three queries, not N+1.
 * - DefectRow: `defects` with opened_at in [from, end) (defects_team_opened), fixed_at as stored.
 * - UsageRow: the daily rollup for the whole UTC days inside [from, min(to, asOf)), and raw
 *   `llm.call` events (index events_team_type_ts) for the partial days at the edges, grouped per
 *   day piece and model, each row at the start of its piece, so no row straddles from, to, asOf or
 *   a day (hence a week) boundary. With filters, raw `llm.call` events only, one row per event at
 *   its ts (filteredUsageRows).
 * - RunRow for /kpis (convergence only): see kpiRunRows.
 * - RunRow for flags: see flagRunRows (the runs table's counters, own events read only where
 *   a rule needs their times).
 * - WeekTotals for divergence: from the same change and usage sources over the 2 × divergenceWeeks
 *   whole ISO weeks before asOf's week, through lib/kpi's weekTotals, whatever the window.
 *
 * Filters (KpiFilters; docs/kpis.md "Filters"): a run matches when the agent / model / repo of
 * its earliest run.started (the runs table's columns) equal the values given; a change when it is
 * linked to a matching run (or, with `repo` alone, when its own repo is the one given); usage is
 * the llm.call events of the matching runs (with `model`, the calls of that model); defects are
 * those naming a matching change. Without filters the queries are exactly the unfiltered ones.
 *
 * Several windows seen at the same asOf (the dashboard's window and the one before it, and the
 * divergence weeks) are loaded together (loadRows) and split among the windows in memory
 * (lib/kpi's partitionInput), which gives each the figures it would get alone.
 */
import 'server-only';
import type { Db, SqliteConnection } from '@/db/client';
import { RUN_SCOPED_TYPES } from '@/lib/events/types';
import { computeFlags, type Flag, type FlagKind } from '@/lib/flags/flags';
import { DEFAULT_FLAG_THRESHOLDS, type FlagThresholds } from '@/lib/flags/thresholds';
import { computeKpis, weekTotals } from '@/lib/kpi/compute';
import { timeToFixDurations } from '@/lib/kpi/outcomes';
import { computeWeeklyKpisPartitioned, partitionInput } from '@/lib/kpi/partition';
import { kaplanMeierCurve } from '@/lib/kpi/stats';
import { DAY_MS, isoWeekStart, WEEK_MS } from '@/lib/kpi/time';
import type {
  DefectRow,
  KpiInput,
  KpiWindow,
  Kpis,
  LinkedChange,
  MergedChangeRow,
  PriceLookup,
  RunRow,
  UsageRow,
  WeeklyKpis,
  WeekTotals,
} from '@/lib/kpi/types';
import { loadPriceTable, type PriceTable } from '@/lib/pricing/lookup';
import { getDb } from './connection';
import { buildRunList, type RunList, type RunRecord } from './run-list';
import type { RunQuery } from './run-query';
import { getFlagThresholds } from './team-settings';
import { findTeam, type Team } from './teams';
import type { Viewer } from './viewer';

// ---------------------------------------------------------------------------------------------
// Answers

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

/**
 * The slice the figures are narrowed to: each given value must be matched exactly; absent
 * (undefined) ones do not narrow. See the file comment and docs/kpis.md "Filters".
 */
export interface KpiFilters {
  agent?: string;
  model?: string;
  repo?: string;
}

export interface KpiQueryOptions {
  db?: Db;
  /** The price table (default: the installation's, loaded once per process). */
  prices?: PriceLookup;
  /** Narrow every figure to matching runs, changes, usage and defects (default: none). */
  filters?: KpiFilters;
}

/** One team's rows as read: its id, and the prefix its ids get (empty for a single team). */
export interface TeamSource {
  teamId: number;
  prefix: string;
}

/** The teams asked for, when the viewer may see every one of them. */
export interface TeamScope {
  teams: Team[];
  /** The `team` of the answers: the slug, or the slugs joined by `,`. */
  label: string;
  sources: TeamSource[];
}

/**
 * The teams named by `teamSlugs` (duplicates ignored, order kept), or null when the list is
 * empty or any of them does not exist or is not visible to the viewer (→ 404).
 */
export function resolveTeamScope(viewer: Viewer, teamSlugs: readonly string[], db: Db = getDb()): TeamScope | null {
  const slugs = [...new Set(teamSlugs)];
  if (slugs.length === 0) return null;
  const teams: Team[] = [];
  for (const slug of slugs) {
    const team = findTeam(viewer, slug, db);
    if (!team) return null;
    teams.push(team);
  }
  const several = teams.length > 1;
  return {
    teams,
    label: teams.map((t) => t.slug).join(','),
    sources: teams.map((t) => ({ teamId: t.id, prefix: several ? `${t.slug}/` : '' })),
  };
}

/** Every figure of kpis-v1.md for the teams and window; null when a team is not visible. */
export function getKpis(
  viewer: Viewer,
  teamSlugs: readonly string[],
  w: KpiWindow,
  options: KpiQueryOptions = {},
): KpisAnswer | null {
  const db = options.db ?? getDb();
  const scope = resolveTeamScope(viewer, teamSlugs, db);
  if (!scope) return null;
  const input = loadKpiInput(db.$client, scope.sources, w, options.filters);
  return { team: scope.label, ...computeKpis(input, w, options.prices ?? priceTable()) };
}

/** The window's ISO weeks (kpis-v1.md "Weekly figures"); null when a team is not visible. */
export function getWeeklyKpis(
  viewer: Viewer,
  teamSlugs: readonly string[],
  w: KpiWindow,
  options: KpiQueryOptions = {},
): WeeklyKpisAnswer | null {
  const db = options.db ?? getDb();
  const scope = resolveTeamScope(viewer, teamSlugs, db);
  if (!scope) return null;
  const input = loadKpiInput(db.$client, scope.sources, w, options.filters);
  return computeWeeklyKpisPartitioned(input, w, options.prices ?? priceTable());
}

/**
 * The window's run flags and the team's divergence flag, against the team's thresholds (the
 * first team's, for several); null when a team is not visible. With filters: the matching runs'
 * flags, and divergence over the filtered usage and changes.
 */
export function getFlags(
  viewer: Viewer,
  teamSlugs: readonly string[],
  w: KpiWindow,
  options: KpiQueryOptions = {},
): FlagsAnswer | null {
  const db = options.db ?? getDb();
  const scope = resolveTeamScope(viewer, teamSlugs, db);
  if (!scope) return null;
  const thresholds = getFlagThresholds(scope.teams[0].id, db);
  const input = loadFlagInput(db.$client, scope.sources, w, thresholds, options.filters);
  return { flags: computeFlags(input, w, thresholds, scope.label) };
}

/** Everything the team dashboard shows (issue #4), from one load. */
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
export function getTeamDashboard(
  viewer: Viewer,
  teamSlug: string,
  request: TeamDashboardRequest,
  options: Pick<KpiQueryOptions, 'db' | 'prices'> = {},
): TeamDashboard | null {
  const db = options.db ?? getDb();
  const scope = resolveTeamScope(viewer, [teamSlug], db);
  if (!scope) return null;
  const conn = db.$client;
  const prices = options.prices ?? priceTable();
  const w = request.window;
  const previous = request.previous ?? null;
  const thresholds = getFlagThresholds(scope.teams[0].id, db);
  const divergence = divergenceRange(w.asOf, thresholds.divergenceWeeks);
  const together = previous !== null && previous.asOf === w.asOf;
  const kpiWindows = together ? [w, previous] : [w];
  const loaded = loadRows(conn, scope.sources, w.asOf, kpiWindows, divergence ? [divergence] : [], request.filters, false);
  // The /kpis run rows and the flags' run rows come from one read of the runs and their links.
  const runs: RunRow[] = [];
  const kpiRuns: RunRow[] = [];
  const listed: RunRecord[] = [];
  const links = new Map<string, LinkedChange[]>();
  for (const src of scope.sources) {
    const read = runRows(conn, src, w, thresholds, request.filters, outcomeIntervals(kpiWindows, w.asOf));
    append(runs, read.flags);
    append(kpiRuns, read.kpi);
    append(listed, read.list);
    for (const [run, changes] of read.links) links.set(run, changes);
  }
  const rows: KpiInput = { ...loaded, runs: kpiRuns };
  const [current, before] = partitionInput(rows, kpiWindows);
  let previousKpis: KpisAnswer | null = null;
  if (previous !== null) {
    const input = together ? before : loadKpiInput(conn, scope.sources, previous, request.filters);
    previousKpis = { team: scope.label, ...computeKpis(input, previous, prices) };
  }
  const weeks = divergence ? weekTotals(rows.changes, rows.usage, w.asOf, divergence.count) : [];
  const durations = timeToFixDurations(current.defects, w);
  const flags = computeFlags({ runs, weeks }, w, thresholds, scope.label);
  let runList: RunList | null = null;
  if (request.runs) {
    const flagsByRun = new Map<string, FlagKind[]>();
    for (const f of flags) if ('run' in f) flagsByRun.set(f.run, [...(flagsByRun.get(f.run) ?? []), f.kind]);
    runList = buildRunList(listed, links, flagsByRun, request.runs, w.asOf);
  }
  // One team: flags name runs by their ids as stored (no team prefix).
  const lastEventAt = new Map(listed.map((r) => [r.run, r.lastEventAt]));
  const recency = (f: Flag) => ('run' in f ? (lastEventAt.get(f.run) ?? 0) : Infinity);
  const recentFlags = [...flags].sort((a, b) => recency(b) - recency(a));
  return {
    team: scope.teams[0],
    kpis: { team: scope.label, ...computeKpis(current, w, prices) },
    previousKpis,
    weekly: computeWeeklyKpisPartitioned(current, w, prices),
    flags: { flags },
    runList,
    recentFlags,
    timeToFix: {
      fixedHours: durations.fixedHours,
      kmCurve: kaplanMeierCurve(durations.observations).map((p) => ({ hours: p.duration, survival: p.survival })),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Price table: loaded once per process (again only if LOOPSCOPE_PRICES_FILE names another file).

let prices: { file: string; table: PriceTable } | undefined;

function priceTable(): PriceTable {
  const file = process.env.LOOPSCOPE_PRICES_FILE?.trim() ?? '';
  if (!prices || prices.file !== file) prices = { file, table: loadPriceTable() };
  return prices.table;
}

// ---------------------------------------------------------------------------------------------
// Filters

/** The filters given, as SQL parameters (`@fAgent`, `@fModel`, `@fRepo`); null when none is. */
interface Filter {
  fAgent: string | null;
  fModel: string | null;
  fRepo: string | null;
}

function normalizeFilters(filters: KpiFilters | null | undefined): Filter | null {
  const f: Filter = { fAgent: filters?.agent ?? null, fModel: filters?.model ?? null, fRepo: filters?.repo ?? null };
  return f.fAgent === null && f.fModel === null && f.fRepo === null ? null : f;
}

/**
 * SQL: the run `alias` (e.g. `r.`, or `` for an unaliased `runs`) matches the filters: its
 * agent, model (unless `withModel` is false) and repo equal the values given. `1` with none.
 */
function runMatchSql(f: Filter | null, alias: string, withModel = true): string {
  const parts: string[] = [];
  if (f?.fAgent != null) parts.push(`${alias}agent = @fAgent`);
  if (withModel && f?.fModel != null) parts.push(`${alias}model = @fModel`);
  if (f?.fRepo != null) parts.push(`${alias}repo = @fRepo`);
  return parts.length ? parts.join(' AND ') : '1';
}

/**
 * SQL: the change `c` (a `changes` row) matches: the run it belongs to (events-v1 Linking, as
 * linkedChangesSql decides it: the run it names, else the latest-started run of its repo and
 * branch started strictly before it opened, the greatest run id on a tie) matches; or, with
 * `repo` the only filter, its own repo is that repo.
 */
function changeMatchSql(f: Filter): string {
  const repoOnly = f.fRepo !== null && f.fAgent === null && f.fModel === null;
  return `(${repoOnly ? 'c.repo = @fRepo OR ' : ''}EXISTS (
    SELECT 1 FROM runs m
    WHERE m.team_id = c.team_id AND ${runMatchSql(f, 'm.')}
      AND m.run = coalesce(c.run, (
        SELECT r.run FROM runs r
        WHERE r.team_id = c.team_id AND r.repo = c.repo AND r.branch = c.branch
          AND r.started_at < coalesce(c.opened_at, c.first_event_at)
        ORDER BY r.started_at DESC, r.run DESC
        LIMIT 1
      ))
  ))`;
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** Exclusive upper bound of "in the window and at or before asOf". */
function windowEnd(w: KpiWindow): number {
  return Math.min(w.to, w.asOf + 1);
}

/** `target.push(...items)` without spreading: a large list would overflow the call stack. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

type Interval = [from: number, end: number];

/** The union of the intervals (empty ones dropped), as disjoint intervals, ascending. */
function unionOf(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]); // a copy: the caller's intervals are left as they are
  }
  return out;
}

/** The 2 × divergenceWeeks whole ISO weeks before asOf's week (null for none). */
function divergenceRange(asOf: number, divergenceWeeks: number): (KpiWindow & { count: number }) | null {
  // A hand-edited setting must not turn into an unbounded loop: at most 10 years each side.
  const count = 2 * Math.min(520, Math.max(0, Math.floor(Number.isFinite(divergenceWeeks) ? divergenceWeeks : 0)));
  if (count === 0) return null;
  const to = isoWeekStart(asOf);
  return { from: to - count * WEEK_MS, to, asOf, count };
}

/** Where the outcomes of windows seen at `asOf` are read: their union, each cut at asOf. */
function outcomeIntervals(windows: readonly KpiWindow[], asOf: number): Interval[] {
  return unionOf(windows.map((w) => [w.from, Math.min(w.to, asOf + 1)]));
}

/**
 * The rows of several windows seen at `asOf`, each row read once: for `kpiWindows` every input of
 * computeKpis (merged changes with their timelines, defects, usage, /kpis run rows); for
 * `mergeWindows` (the divergence weeks) merged changes and usage only. Usage rows never straddle
 * any of the windows' bounds (see usageRowsCovering), so the pure functions give each window
 * what they would give it alone.
 */
function loadRows(
  conn: SqliteConnection,
  sources: readonly TeamSource[],
  asOf: number,
  kpiWindows: readonly KpiWindow[],
  mergeWindows: readonly KpiWindow[],
  filters: KpiFilters | undefined,
  withRuns = true,
): KpiInput {
  const f = normalizeFilters(filters);
  const end = (w: KpiWindow) => Math.min(w.to, asOf + 1);
  const all = [...kpiWindows, ...mergeWindows];
  const outcomes = outcomeIntervals(kpiWindows, asOf);
  const merges = unionOf(all.map((w) => [w.from, end(w)]));
  const timelines = kpiWindows.length > 0;
  const input = { changes: [] as MergedChangeRow[], defects: [] as DefectRow[], usage: [] as UsageRow[], runs: [] as RunRow[] };
  for (const src of sources) {
    for (const [from, to] of merges) append(input.changes, mergedChangeRows(conn, src, from, to, timelines, f));
    for (const [from, to] of outcomes) {
      append(input.defects, defectRows(conn, src, from, to, f, asOf));
      if (withRuns) append(input.runs, kpiRunRows(conn, src, from, to, filters));
    }
    if (f === null) append(input.usage, usageRowsCovering(conn, src.teamId, all, asOf));
    else for (const [from, to] of merges) append(input.usage, filteredUsageRows(conn, src.teamId, from, to, f));
  }
  return input;
}

/** Everything computeKpis reads (its `runs` carry only what convergence reads: kpiRunRows). */
export function loadKpiInput(
  conn: SqliteConnection,
  sources: readonly TeamSource[],
  w: KpiWindow,
  filters?: KpiFilters,
): KpiInput {
  return loadRows(conn, sources, w.asOf, [w], [], filters);
}

/** Everything computeFlags reads: run rows (flagRunRows) and the divergence weeks. */
export function loadFlagInput(
  conn: SqliteConnection,
  sources: readonly TeamSource[],
  w: KpiWindow,
  thresholds: FlagThresholds,
  filters?: KpiFilters,
): { runs: RunRow[]; weeks: WeekTotals[] } {
  const runs: RunRow[] = [];
  for (const src of sources) append(runs, flagRunRows(conn, src, w, thresholds, filters));
  return { runs, weeks: divergenceWeekTotals(conn, sources, w.asOf, thresholds.divergenceWeeks, filters) };
}

/**
 * The 2 × `divergenceWeeks` whole ISO weeks before asOf's week, oldest first, as lib/kpi's
 * weekTotals reckons them from merged-change and usage rows of that range.
 */
export function divergenceWeekTotals(
  conn: SqliteConnection,
  sources: readonly TeamSource[],
  asOf: number,
  divergenceWeeks: number,
  filters?: KpiFilters,
): WeekTotals[] {
  const range = divergenceRange(asOf, divergenceWeeks);
  if (!range) return [];
  // Only the merge counts here: the rows go without their timelines.
  const rows = loadRows(conn, sources, asOf, [], [range], filters);
  return weekTotals(rows.changes, rows.usage, asOf, range.count);
}

// ---------------------------------------------------------------------------------------------
// Statements, prepared once per connection

const statements = new WeakMap<SqliteConnection, Map<string, ReturnType<SqliteConnection['prepare']>>>();

function stmt(conn: SqliteConnection, sql: string): ReturnType<SqliteConnection['prepare']> {
  let byText = statements.get(conn);
  if (!byText) statements.set(conn, (byText = new Map()));
  let s = byText.get(sql);
  if (!s) byText.set(sql, (s = conn.prepare(sql)));
  return s;
}

// ---------------------------------------------------------------------------------------------
// Changes and defects

const mergedChangesSql = (f: Filter | null) => `
  SELECT c.change AS change, c.merged_at AS mergedAt FROM changes c
  WHERE c.team_id = @team AND c.merged_at >= @from AND c.merged_at < @end${f ? ` AND ${changeMatchSql(f)}` : ''}`;

const MERGED_CHANGE_EVENTS_SQL = `
  SELECT ce.change AS change, ce.kind AS kind, ce.ts AS ts
  FROM changes c
  JOIN change_events ce ON ce.team_id = c.team_id AND ce.change = c.change
  WHERE c.team_id = @team AND c.merged_at >= @from AND c.merged_at < @end
    AND ce.kind IN ('modified', 'reverted')`;

const MERGED_CHANGE_DEFECTS_SQL = `
  SELECT dl.change AS change, dl.ts AS ts
  FROM changes c
  JOIN defect_links dl ON dl.team_id = c.team_id AND dl.change = c.change
  WHERE c.team_id = @team AND c.merged_at >= @from AND c.merged_at < @end`;

/**
 * The team's changes merged in [from, end) (with filters: the matching ones) with (when
 * `timelines`) every change.modified, change.reverted and defect.opened-naming ts of theirs,
 * whatever its ts.
 */
function mergedChangeRows(
  conn: SqliteConnection,
  src: TeamSource,
  from: number,
  end: number,
  timelines: boolean,
  f: Filter | null,
): MergedChangeRow[] {
  if (!(end > from)) return [];
  const params = { team: src.teamId, from, end };
  const byId = new Map<string, MergedChangeRow>();
  for (const r of stmt(conn, mergedChangesSql(f)).all({ ...params, ...f }) as { change: string; mergedAt: number }[]) {
    byId.set(r.change, { change: src.prefix + r.change, mergedAt: r.mergedAt, modifiedAt: [], revertedAt: [], defectNamedAt: [] });
  }
  if (timelines && byId.size > 0) {
    for (const e of stmt(conn, MERGED_CHANGE_EVENTS_SQL).all(params) as { change: string; kind: string; ts: number }[]) {
      const row = byId.get(e.change);
      if (row) (e.kind === 'modified' ? row.modifiedAt : row.revertedAt).push(e.ts);
    }
    for (const l of stmt(conn, MERGED_CHANGE_DEFECTS_SQL).all(params) as { change: string; ts: number }[]) {
      byId.get(l.change)?.defectNamedAt.push(l.ts);
    }
  }
  return [...byId.values()];
}

/**
 * With filters, a defect counts when a defect.opened of it at or before asOf names a matching
 * change (defect_links, through defect_links_team_defect).
 */
const defectsSql = (f: Filter | null) => `
  SELECT d.defect AS defect, d.opened_at AS openedAt, d.fixed_at AS fixedAt FROM defects d
  WHERE d.team_id = @team AND d.opened_at >= @from AND d.opened_at < @end${f ? `
    AND EXISTS (
      SELECT 1 FROM defect_links dl
      JOIN changes c ON c.team_id = dl.team_id AND c.change = dl.change
      WHERE dl.team_id = d.team_id AND dl.defect = d.defect AND dl.ts <= @asOf AND ${changeMatchSql(f)}
    )` : ''}`;

/**
 * The team's defects opened in [from, end), their earliest fix as stored (any ts); with filters,
 * only those naming a matching change.
 */
function defectRows(conn: SqliteConnection, src: TeamSource, from: number, end: number, f: Filter | null, asOf: number): DefectRow[] {
  if (!(end > from)) return [];
  const rows = stmt(conn, defectsSql(f)).all({ team: src.teamId, from, end, asOf, ...f }) as DefectRow[];
  return src.prefix ? rows.map((d) => ({ ...d, defect: src.prefix + d.defect })) : rows;
}

// ---------------------------------------------------------------------------------------------
// Usage

const USAGE_COLUMNS = `calls, input_tokens AS inputTokens, output_tokens AS outputTokens,
  cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens,
  explicit_cost_usd AS explicitCostUsd, costless_calls AS costlessCalls,
  costless_input_tokens AS costlessInputTokens, costless_output_tokens AS costlessOutputTokens,
  costless_cache_read_tokens AS costlessCacheReadTokens, costless_cache_write_tokens AS costlessCacheWriteTokens`;

const DAILY_USAGE_SQL = `
  SELECT day, model, ${USAGE_COLUMNS} FROM daily_llm_usage
  WHERE team_id = @team AND day >= @fromDay AND day < @toDay`;

/** Raw llm.call events of [from, end), summed per UTC day (floored, as epochDay) and model. */
const RAW_USAGE_SQL = `
  SELECT CASE WHEN ts >= 0 THEN ts / ${DAY_MS} ELSE -((-ts - 1) / ${DAY_MS}) - 1 END AS day,
    model, count(*) AS calls,
    sum(i) AS inputTokens, sum(o) AS outputTokens, sum(cr) AS cacheReadTokens, sum(cw) AS cacheWriteTokens,
    total(cost) AS explicitCostUsd,
    sum(cost IS NULL) AS costlessCalls,
    sum(CASE WHEN cost IS NULL THEN i ELSE 0 END) AS costlessInputTokens,
    sum(CASE WHEN cost IS NULL THEN o ELSE 0 END) AS costlessOutputTokens,
    sum(CASE WHEN cost IS NULL THEN cr ELSE 0 END) AS costlessCacheReadTokens,
    sum(CASE WHEN cost IS NULL THEN cw ELSE 0 END) AS costlessCacheWriteTokens
  FROM (
    SELECT ts, json_extract(payload, '$.model') AS model,
      coalesce(json_extract(payload, '$.input_tokens'), 0) AS i,
      coalesce(json_extract(payload, '$.output_tokens'), 0) AS o,
      coalesce(json_extract(payload, '$.cache_read_tokens'), 0) AS cr,
      coalesce(json_extract(payload, '$.cache_write_tokens'), 0) AS cw,
      json_extract(payload, '$.cost_usd') AS cost
    FROM events
    WHERE team_id = @team AND type = 'llm.call' AND ts >= @from AND ts < @end
  )
  GROUP BY day, model`;

type UsageSql = Omit<UsageRow, 'at'> & { day: number };

/**
 * The team's llm.call usage in the window at asOf, as rows that never straddle `from`, `to`,
 * `asOf` nor a UTC day: daily rollup rows (at = day start) for the days wholly inside
 * [from, min(to, asOf)), and for the rest of [from, min(to, asOf + 1)) — at most the two edge
 * days, or the one or two days of a short window — raw events summed per day piece and model
 * (at = the piece's start, i.e. max(from, day start)).
 */
export function usageRows(conn: SqliteConnection, teamId: number, w: KpiWindow): UsageRow[] {
  const end = windowEnd(w);
  if (!(end > w.from)) return [];
  const fromDay = Math.ceil(w.from / DAY_MS);
  const toDay = Math.floor(Math.min(w.to, w.asOf) / DAY_MS);
  const out: UsageRow[] = [];
  const raw = (from: number, to: number) => {
    if (!(to > from)) return;
    for (const r of stmt(conn, RAW_USAGE_SQL).all({ team: teamId, from, end: to }) as UsageSql[]) {
      const { day, ...rest } = r;
      out.push({ at: Math.max(from, day * DAY_MS), ...rest });
    }
  };
  if (toDay > fromDay) {
    raw(w.from, fromDay * DAY_MS);
    for (const r of stmt(conn, DAILY_USAGE_SQL).all({ team: teamId, fromDay, toDay }) as UsageSql[]) {
      const { day, ...rest } = r;
      out.push({ at: day * DAY_MS, ...rest });
    }
    raw(toDay * DAY_MS, end);
  } else {
    raw(w.from, end);
  }
  return out;
}

/**
 * Unfiltered usage covering several windows at `asOf`: their union cut at every window's `from`
 * and `to`, each piece read as usageRows reads a window. So no row straddles any window's bounds,
 * asOf or a day; and for one window this is exactly usageRows(window). (Cuts at midnights — the
 * divergence weeks' bounds — change nothing for the windows they fall in.)
 */
function usageRowsCovering(conn: SqliteConnection, teamId: number, windows: readonly KpiWindow[], asOf: number): UsageRow[] {
  const cuts = [...new Set(windows.flatMap((w) => [w.from, w.to]))].sort((a, b) => a - b);
  const out: UsageRow[] = [];
  for (const [from, end] of unionOf(windows.map((w) => [w.from, Math.min(w.to, asOf + 1)]))) {
    let start = from;
    for (const cut of cuts) {
      if (cut <= start || cut >= end) continue;
      append(out, usageRows(conn, teamId, { from: start, to: cut, asOf }));
      start = cut;
    }
    append(out, usageRows(conn, teamId, { from: start, to: end, asOf }));
  }
  return out;
}

/**
 * llm.call events of [@from, @end) counted under the filters: of runs whose agent and repo match
 * (the runs table, by primary key, events first), and with `model`, whose own model is that one.
 */
const filteredUsageSql = (f: Filter) => `
  SELECT e.ts AS at, json_extract(e.payload, '$.model') AS model,
    coalesce(json_extract(e.payload, '$.input_tokens'), 0) AS i,
    coalesce(json_extract(e.payload, '$.output_tokens'), 0) AS o,
    coalesce(json_extract(e.payload, '$.cache_read_tokens'), 0) AS cr,
    coalesce(json_extract(e.payload, '$.cache_write_tokens'), 0) AS cw,
    json_extract(e.payload, '$.cost_usd') AS cost
  FROM events e${f.fAgent !== null || f.fRepo !== null ? `
  CROSS JOIN runs r ON r.team_id = e.team_id AND r.run = e.run AND ${runMatchSql(f, 'r.', false)}` : ''}
  WHERE e.team_id = @team AND e.type = 'llm.call' AND e.ts >= @from AND e.ts < @end${f.fModel !== null ? `
    AND json_extract(e.payload, '$.model') = @fModel` : ''}`;

/**
 * Filtered usage of [from, end): one row per llm.call at its ts, so no row straddles anything
 * (the daily rollup knows neither runs nor agents).
 */
function filteredUsageRows(conn: SqliteConnection, teamId: number, from: number, end: number, f: Filter): UsageRow[] {
  if (!(end > from)) return [];
  const rows = stmt(conn, filteredUsageSql(f)).all({ team: teamId, from, end, ...f }) as {
    at: number; model: string; i: number; o: number; cr: number; cw: number; cost: number | null;
  }[];
  return rows.map(({ at, model, i, o, cr, cw, cost }) => {
    const costless = cost === null;
    return {
      at, model, calls: 1, inputTokens: i, outputTokens: o, cacheReadTokens: cr, cacheWriteTokens: cw,
      explicitCostUsd: costless ? 0 : cost, costlessCalls: costless ? 1 : 0,
      costlessInputTokens: costless ? i : 0, costlessOutputTokens: costless ? o : 0,
      costlessCacheReadTokens: costless ? cr : 0, costlessCacheWriteTokens: costless ? cw : 0,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Runs and Linking

/** Runs with their (earliest) run.ended in [@from, @end): the runs of `runs.ended`. */
const KPI_RUNS_WHERE = `ended_at >= @from AND ended_at < @end`;

/**
 * Runs whose last event at asOf may fall in [@from, @end) — a superset: stored last_event_at
 * >= from (the last event at asOf is no later) and first_event_at < end (it is no earlier) — plus
 * the runs ended in the window (the converged ones give the burn median).
 */
const FLAG_RUNS_WHERE = `(last_event_at >= @from AND first_event_at < @end) OR (ended_at >= @from AND ended_at < @end)`;

/**
 * events-v1 Linking for the runs selected by `where`: a change belongs to the run it names
 * (changes.run, taken from its earliest event carrying `run`); a change naming no run belongs to
 * the latest-started run of the team with the same repo and branch that started strictly before
 * the change was opened (its earliest change.opened, else its earliest event). Runs started at
 * the same millisecond are told apart by run id: the greatest wins. A change with no repo or
 * branch, or with no such run, belongs to no run.
 */
const linkedChangesSql = (where: string) => `
  WITH target AS MATERIALIZED (
    SELECT run, repo, branch, started_at FROM runs WHERE team_id = @team AND (${where})
  )
  SELECT t.run AS run, c.change AS change, c.first_event_at AS firstEventAt, c.merged_at AS mergedAt
  FROM target t
  CROSS JOIN changes c ON c.team_id = @team AND c.run = t.run
  UNION ALL
  SELECT t.run, c.change, c.first_event_at, c.merged_at
  FROM target t
  CROSS JOIN changes c ON c.team_id = @team AND c.repo = t.repo AND c.branch = t.branch AND c.run IS NULL
  WHERE t.started_at IS NOT NULL
    AND coalesce(c.opened_at, c.first_event_at) > t.started_at
    AND t.run = (
      SELECT r.run FROM runs r
      WHERE r.team_id = @team AND r.repo = c.repo AND r.branch = c.branch
        AND r.started_at < coalesce(c.opened_at, c.first_event_at)
      ORDER BY r.started_at DESC, r.run DESC
      LIMIT 1
    )`;

/**
 * The changes linked to each run selected by `where`, by run id (as stored, unprefixed). The
 * target runs are read first (MATERIALIZED, CROSS JOIN fixes the loop order) so the changes are
 * reached through changes_team_run and changes_team_repo_branch from them, never by a scan of
 * the team's changes.
 */
export function linkedChanges(
  conn: SqliteConnection,
  src: TeamSource,
  where: string,
  params: Record<string, unknown>,
): Map<string, LinkedChange[]> {
  const byRun = new Map<string, LinkedChange[]>();
  const rows = stmt(conn, linkedChangesSql(where)).all({ team: src.teamId, ...params }) as (LinkedChange & { run: string })[];
  for (const { run, change, firstEventAt, mergedAt } of rows) {
    let list = byRun.get(run);
    if (!list) byRun.set(run, (list = []));
    list.push({ change: src.prefix + change, firstEventAt, mergedAt });
  }
  return byRun;
}

/** A /kpis run row: only what convergence reads (see kpiRunRows). */
function kpiRunRow(src: TeamSource, run: string, startedAt: number | null, endedAt: number, links: Map<string, LinkedChange[]>): RunRow {
  return {
    run: src.prefix + run,
    startsAt: startedAt === null ? NONE : [startedAt],
    endsAt: [endedAt],
    iterationsAt: NONE,
    tests: NONE,
    messagesAt: NONE,
    toolCallsAt: NONE,
    llmCalls: NONE,
    linkedChanges: links.get(run) ?? NONE,
  };
}

const kpiRunsSql = (where: string) => `
  SELECT run, started_at AS startedAt, ended_at AS endedAt FROM runs
  WHERE team_id = @team AND ${where}`;

/**
 * Run rows for GET /api/v1/kpis, which reads only `runs.ended` / `runs.converged`: the runs whose
 * (earliest) run.ended is in [from, end) (and that match the filters), each carrying ONLY what
 * convergence reads — `endsAt` = [ended_at], `startsAt` = [started_at] if any, its linked
 * changes — and EMPTY iterations, tests, messages, tool calls and llm calls. They are not fit for
 * flags (see flagRunRows).
 */
export function kpiRunRows(
  conn: SqliteConnection,
  src: TeamSource,
  from: number,
  end: number,
  filters?: KpiFilters,
): RunRow[] {
  if (!(end > from)) return [];
  const f = normalizeFilters(filters);
  const where = `${KPI_RUNS_WHERE} AND ${runMatchSql(f, '')}`;
  const params = { from, end, ...f };
  const runs = stmt(conn, kpiRunsSql(where)).all({ team: src.teamId, ...params }) as {
    run: string;
    startedAt: number | null;
    endedAt: number;
  }[];
  if (runs.length === 0) return [];
  const links = linkedChanges(conn, src, where, params);
  return runs.map((r) => kpiRunRow(src, r.run, r.startedAt, r.endedAt, links));
}

const RUN_TYPES_SQL = RUN_SCOPED_TYPES.map((t) => `'${t}'`).join(', ');

const runsSql = (where: string) => `
  SELECT run, started_at AS startedAt, ended_at AS endedAt, first_event_at AS firstEventAt,
    last_event_at AS lastEventAt, iterations, messages, tool_calls AS toolCalls,
    test_results AS testResults,
    input_tokens + output_tokens + cache_read_tokens + cache_write_tokens AS tokens,
    agent, model, repo, branch, task, status, llm_calls AS llmCalls
  FROM runs WHERE team_id = @team AND ${where}`;

/** Own events (at or before asOf) of the selected runs that go on after asOf, through events_team_run_ts. */
const runEventsSql = (where: string) => `
  WITH target AS MATERIALIZED (SELECT run FROM runs WHERE team_id = @team AND ${where} AND last_event_at > @asOf)
  SELECT e.run AS run, e.type AS type, e.ts AS ts,
    CASE e.type WHEN 'llm.call' THEN
      coalesce(json_extract(e.payload, '$.input_tokens'), 0) + coalesce(json_extract(e.payload, '$.output_tokens'), 0)
      + coalesce(json_extract(e.payload, '$.cache_read_tokens'), 0) + coalesce(json_extract(e.payload, '$.cache_write_tokens'), 0)
    END AS tokens,
    CASE e.type WHEN 'test.result' THEN coalesce(json_extract(e.payload, '$.failed'), 0) END AS failed
  FROM target t
  CROSS JOIN events e ON e.team_id = @team AND e.run = t.run
  WHERE e.type IN (${RUN_TYPES_SQL}) AND e.ts <= @asOf`;

/** The iterations and test results (at or before asOf) of the runs listed in @runs (JSON), through events_team_run_ts. */
const RUN_ITERATIONS_TESTS_SQL = `
  SELECT e.run AS run, e.type AS type, e.ts AS ts,
    CASE e.type WHEN 'test.result' THEN coalesce(json_extract(e.payload, '$.failed'), 0) END AS failed
  FROM json_each(@runs) r
  CROSS JOIN events e ON e.team_id = @team AND e.run = r.value
  WHERE e.type IN ('iteration', 'test.result') AND e.ts <= @asOf`;

/**
 * One shared, frozen empty list for the lists a run row leaves empty: thousands of rows per
 * answer need not allocate thousands of `[]` (the pure functions only read them; a push would
 * throw).
 */
const NONE = Object.freeze([]) as unknown as never[];

const emptyRunRow = (run: string): RunRow => ({
  run, startsAt: [], endsAt: [], iterationsAt: [], tests: [], messagesAt: [], toolCallsAt: [], llmCalls: [], linkedChanges: [],
});

/**
 * Run rows for flags: the runs whose last event could fall in the window and the runs ended in
 * it (matching the filters), with every linked change. What a flag rule reads of a run's own
 * events at asOf is its end, its last event, its counts of messages and tool calls, its tokens,
 * and — for `stalled` only — the times of its iterations and its test results. So:
 * - a run that goes on after asOf (stored last_event_at > asOf) gets every own event at or
 *   before asOf, as sent (the tokens of each llm.call, the `failed` of each test.result);
 * - any other run exists wholly at asOf, and its row is built from the runs table's counters
 *   instead (no event is read): start and end as stored, and its totals (RunRow.totals: last
 *   event, tokens, iterations, messages, tool calls). Only where `stalled` could trip — a
 *   flaggable run with enough iterations and some test result — are its iteration and
 *   test.result events read (one query for all such runs).
 */
export function flagRunRows(
  conn: SqliteConnection,
  src: TeamSource,
  w: KpiWindow,
  thresholds: FlagThresholds = DEFAULT_FLAG_THRESHOLDS,
  filters?: KpiFilters,
): RunRow[] {
  return runRows(conn, src, w, thresholds, filters, []).flags;
}

/** A row of runsSql, read raw (arrays make thousands of rows noticeably cheaper than objects). */
type RunSql = [
  run: string,
  startedAt: number | null,
  endedAt: number | null,
  firstEventAt: number,
  lastEventAt: number,
  iterations: number,
  messages: number,
  toolCalls: number,
  testResults: number,
  tokens: number,
  agent: string | null,
  model: string | null,
  repo: string | null,
  branch: string | null,
  task: string | null,
  status: string | null,
  llmCalls: number,
];

/**
 * flagRunRows for `w` and, from the same read of the runs and their links, kpiRunRows for each of
 * `kpiIntervals` (the runs ended in them).
 */
function runRows(
  conn: SqliteConnection,
  src: TeamSource,
  w: KpiWindow,
  thresholds: FlagThresholds,
  filters: KpiFilters | undefined,
  kpiIntervals: readonly Interval[],
): { flags: RunRow[]; kpi: RunRow[]; list: RunRecord[]; links: Map<string, LinkedChange[]> } {
  const end = windowEnd(w);
  const flagged = end > w.from;
  const kpiRanges = kpiIntervals.filter(([a, b]) => b > a);
  if (!flagged && kpiRanges.length === 0) return { flags: [], kpi: [], list: [], links: new Map() };
  const f = normalizeFilters(filters);
  // FLAG_RUNS_WHERE with its `ended_at` range merged into the kpi ranges: an OR of few index
  // ranges (runs_team_last, runs_team_ended), which SQLite reads as a multi-index OR.
  const ended = unionOf(flagged ? [[w.from, end], ...kpiRanges] : kpiRanges);
  const selectors = [
    ...(flagged ? ['(last_event_at >= @from AND first_event_at < @end)'] : []),
    ...ended.map((_, i) => `(ended_at >= @e${i}from AND ended_at < @e${i}end)`),
  ];
  const where = `(${selectors.join(' OR ')}) AND ${runMatchSql(f, '')}`;
  const params: Record<string, unknown> = { from: w.from, end, asOf: w.asOf, ...f };
  ended.forEach(([a, b], i) => {
    params[`e${i}from`] = a;
    params[`e${i}end`] = b;
  });
  const runs = stmt(conn, runsSql(where)).raw(true).all({ team: src.teamId, ...params }) as RunSql[];
  if (runs.length === 0) return { flags: [], kpi: [], list: [], links: new Map() };
  const links = linkedChanges(conn, src, where, params);

  const kpi: RunRow[] = [];
  for (const [run, startedAt, endedAt] of runs) {
    if (endedAt !== null && kpiRanges.some(([a, b]) => endedAt >= a && endedAt < b)) kpi.push(kpiRunRow(src, run, startedAt, endedAt, links));
  }
  if (!flagged) return { flags: [], kpi, list: [], links };

  const rows = new Map<string, RunRow>();
  const list: RunRecord[] = [];
  const stallCandidates: string[] = [];
  let goOn = false;
  const stallWindow = Math.max(1, thresholds.stalledWindowIterations);
  for (const [run, startedAt, endedAt, firstEventAt, at, iterations, messages, toolCalls, testResults, tokens, agent, model, repo, branch, task, status, llmCalls] of runs) {
    // `at`: the run's last event.
    if (at >= w.from && firstEventAt < end) {
      list.push({
        run, agent, model, repo, branch, task, status: status ?? (endedAt === null ? 'running' : null),
        startedAt, endedAt, lastEventAt: at, iterations, llmCalls, tokens, toolCalls, messages, testResults,
      } as RunRecord);
    }
    const selected = (at >= w.from && firstEventAt < end) || (endedAt !== null && endedAt >= w.from && endedAt < end);
    if (!selected) continue;
    if (at > w.asOf) {
      goOn = true;
      continue;
    }
    const linked = links.get(run) ?? NONE;
    // As flaggableRuns has it: last event in the window, no linked change merged at asOf.
    const flaggable =
      at >= w.from && at < end && !linked.some((c) => c.firstEventAt <= w.asOf && c.mergedAt !== null && c.mergedAt <= w.asOf);
    // Every own event is at or before asOf here: the runs table's counters are the run's totals.
    const row: RunRow = {
      run: src.prefix + run,
      startsAt: startedAt === null ? NONE : [startedAt],
      endsAt: endedAt === null ? NONE : [endedAt],
      iterationsAt: NONE,
      tests: NONE,
      messagesAt: NONE,
      toolCallsAt: NONE,
      llmCalls: NONE,
      linkedChanges: linked,
      totals: { lastEventAt: at, tokens, iterations, messages, toolCalls },
    };
    // The stalled rule reads iteration and test times: only for the runs it could flag.
    const mayStall =
      flaggable && testResults > 0 && !(iterations < thresholds.stalledMinIterations || iterations < stallWindow);
    if (mayStall) {
      row.iterationsAt = [];
      row.tests = [];
      stallCandidates.push(run);
    }
    rows.set(run, row);
  }
  // The stalled rule needs each candidate's iterations and test results: one query for all.
  if (stallCandidates.length > 0) {
    const events = stmt(conn, RUN_ITERATIONS_TESTS_SQL).all({ team: src.teamId, runs: JSON.stringify(stallCandidates), asOf: w.asOf }) as {
      run: string;
      type: string;
      ts: number;
      failed: number | null;
    }[];
    for (const e of events) {
      const row = rows.get(e.run)!;
      if (e.type === 'iteration') row.iterationsAt.push(e.ts);
      else row.tests.push({ at: e.ts, failed: e.failed ?? 0 });
    }
  }
  if (goOn) {
    // The runs going on after asOf: FLAG_RUNS_WHERE's runs only (runEventsSql adds last_event_at > asOf).
    const flagWhere = `(${FLAG_RUNS_WHERE}) AND ${runMatchSql(f, '')}`;
    const events = stmt(conn, runEventsSql(flagWhere)).all({ team: src.teamId, ...params }) as {
      run: string;
      type: string;
      ts: number;
      tokens: number | null;
      failed: number | null;
    }[];
    for (const e of events) {
      let r = rows.get(e.run);
      if (!r) {
        rows.set(e.run, (r = emptyRunRow(src.prefix + e.run)));
        r.linkedChanges = links.get(e.run) ?? [];
      }
      switch (e.type) {
        case 'run.started': r.startsAt.push(e.ts); break;
        case 'run.ended': r.endsAt.push(e.ts); break;
        case 'iteration': r.iterationsAt.push(e.ts); break;
        case 'llm.call': r.llmCalls.push({ at: e.ts, tokens: e.tokens ?? 0 }); break;
        case 'tool.call': r.toolCallsAt.push(e.ts); break;
        case 'test.result': r.tests.push({ at: e.ts, failed: e.failed ?? 0 }); break;
        case 'message': r.messagesAt.push(e.ts); break;
      }
    }
  }
  return { flags: [...rows.values()], kpi, list, links };
}
