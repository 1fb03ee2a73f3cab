/**
 * The KPI and flag query layer: reads exactly the input rows lib/kpi and lib/flags need
 * (lib/kpi/types.ts) with indexed SQL, and hands them to the pure functions, which alone compute
 * every figure (../../../shared/spec/kpis-v1.md). Nothing here counts, sums or rates anything a
 * KPI reports; it only selects rows, and does events-v1 Linking (which changes belong to which
 * run), which the pure functions leave to the query layer.
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
 *   a day (hence a week) boundary.
 * - RunRow for /kpis (convergence only): see kpiRunRows.
 * - RunRow for flags (every own event): see flagRunRows.
 * - WeekTotals for divergence: from the same change and usage sources over the 2 × divergenceWeeks
 *   whole ISO weeks before asOf's week, through lib/kpi's weekTotals, whatever the window.
 */
import 'server-only';
import type { Db, SqliteConnection } from '@/db/client';
import { RUN_SCOPED_TYPES } from '@/lib/events/types';
import { computeFlags, type Flag } from '@/lib/flags/flags';
import type { FlagThresholds } from '@/lib/flags/thresholds';
import { computeKpis, computeWeeklyKpis, weekTotals } from '@/lib/kpi/compute';
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

export interface KpiQueryOptions {
  db?: Db;
  /** The price table (default: the installation's, loaded once per process). */
  prices?: PriceLookup;
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
  const input = loadKpiInput(db.$client, scope.sources, w);
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
  const input = loadKpiInput(db.$client, scope.sources, w);
  return computeWeeklyKpis(input, w, options.prices ?? priceTable());
}

/**
 * The window's run flags and the team's divergence flag, against the team's thresholds (the
 * first team's, for several); null when a team is not visible.
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
  const input = loadFlagInput(db.$client, scope.sources, w, thresholds);
  return { flags: computeFlags(input, w, thresholds, scope.label) };
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
// Inputs

/** Exclusive upper bound of "in the window and at or before asOf". */
function windowEnd(w: KpiWindow): number {
  return Math.min(w.to, w.asOf + 1);
}

/** Everything computeKpis reads (its `runs` carry only what convergence reads: kpiRunRows). */
export function loadKpiInput(conn: SqliteConnection, sources: readonly TeamSource[], w: KpiWindow): KpiInput {
  const end = windowEnd(w);
  const input = { changes: [] as MergedChangeRow[], defects: [] as DefectRow[], usage: [] as UsageRow[], runs: [] as RunRow[] };
  for (const src of sources) {
    input.changes.push(...mergedChangeRows(conn, src, w.from, end, true));
    input.defects.push(...defectRows(conn, src, w.from, end));
    input.usage.push(...usageRows(conn, src.teamId, w));
    input.runs.push(...kpiRunRows(conn, src, w.from, end));
  }
  return input;
}

/** Everything computeFlags reads: full run rows and the divergence weeks. */
export function loadFlagInput(
  conn: SqliteConnection,
  sources: readonly TeamSource[],
  w: KpiWindow,
  thresholds: Pick<FlagThresholds, 'divergenceWeeks'>,
): { runs: RunRow[]; weeks: WeekTotals[] } {
  const runs: RunRow[] = [];
  for (const src of sources) runs.push(...flagRunRows(conn, src, w));
  return { runs, weeks: divergenceWeekTotals(conn, sources, w.asOf, thresholds.divergenceWeeks) };
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
): WeekTotals[] {
  // A hand-edited setting must not turn into an unbounded loop: at most 10 years each side.
  const count = 2 * Math.min(520, Math.max(0, Math.floor(Number.isFinite(divergenceWeeks) ? divergenceWeeks : 0)));
  if (count === 0) return [];
  const to = isoWeekStart(asOf);
  const range: KpiWindow = { from: to - count * WEEK_MS, to, asOf };
  const changes: MergedChangeRow[] = [];
  const usage: UsageRow[] = [];
  for (const src of sources) {
    // Only the merge counts here: the rows go without their timelines.
    changes.push(...mergedChangeRows(conn, src, range.from, windowEnd(range), false));
    usage.push(...usageRows(conn, src.teamId, range));
  }
  return weekTotals(changes, usage, asOf, count);
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

const MERGED_CHANGES_SQL = `
  SELECT change, merged_at AS mergedAt FROM changes
  WHERE team_id = @team AND merged_at >= @from AND merged_at < @end`;

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
 * The team's changes merged in [from, end) with (when `timelines`) every change.modified,
 * change.reverted and defect.opened-naming ts of theirs, whatever its ts.
 */
function mergedChangeRows(
  conn: SqliteConnection,
  src: TeamSource,
  from: number,
  end: number,
  timelines: boolean,
): MergedChangeRow[] {
  if (!(end > from)) return [];
  const params = { team: src.teamId, from, end };
  const byId = new Map<string, MergedChangeRow>();
  for (const r of stmt(conn, MERGED_CHANGES_SQL).all(params) as { change: string; mergedAt: number }[]) {
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

const DEFECTS_SQL = `
  SELECT defect, opened_at AS openedAt, fixed_at AS fixedAt FROM defects
  WHERE team_id = @team AND opened_at >= @from AND opened_at < @end`;

/** The team's defects opened in [from, end), their earliest fix as stored (any ts). */
function defectRows(conn: SqliteConnection, src: TeamSource, from: number, end: number): DefectRow[] {
  if (!(end > from)) return [];
  const rows = stmt(conn, DEFECTS_SQL).all({ team: src.teamId, from, end }) as DefectRow[];
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
  params: Record<string, number | string>,
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

const KPI_RUNS_SQL = `
  SELECT run, started_at AS startedAt, ended_at AS endedAt FROM runs
  WHERE team_id = @team AND ${KPI_RUNS_WHERE}`;

/**
 * Run rows for GET /api/v1/kpis, which reads only `runs.ended` / `runs.converged`: the runs whose
 * (earliest) run.ended is in [from, end), each carrying ONLY what convergence reads — `endsAt` =
 * [ended_at], `startsAt` = [started_at] if any, its linked changes — and EMPTY iterations, tests,
 * messages, tool calls and llm calls. They are not fit for flags (see flagRunRows).
 */
export function kpiRunRows(conn: SqliteConnection, src: TeamSource, from: number, end: number): RunRow[] {
  if (!(end > from)) return [];
  const params = { from, end };
  const runs = stmt(conn, KPI_RUNS_SQL).all({ team: src.teamId, ...params }) as {
    run: string;
    startedAt: number | null;
    endedAt: number;
  }[];
  if (runs.length === 0) return [];
  const links = linkedChanges(conn, src, KPI_RUNS_WHERE, params);
  return runs.map((r) => ({
    run: src.prefix + r.run,
    startsAt: r.startedAt === null ? [] : [r.startedAt],
    endsAt: [r.endedAt],
    iterationsAt: [],
    tests: [],
    messagesAt: [],
    toolCallsAt: [],
    llmCalls: [],
    linkedChanges: links.get(r.run) ?? [],
  }));
}

const RUN_TYPES_SQL = RUN_SCOPED_TYPES.map((t) => `'${t}'`).join(', ');

/** Own events (at or before asOf) of the runs of FLAG_RUNS_WHERE, through events_team_run_ts. */
const FLAG_RUN_EVENTS_SQL = `
  WITH target AS MATERIALIZED (SELECT run FROM runs WHERE team_id = @team AND (${FLAG_RUNS_WHERE}))
  SELECT e.run AS run, e.type AS type, e.ts AS ts,
    CASE e.type WHEN 'llm.call' THEN
      coalesce(json_extract(e.payload, '$.input_tokens'), 0) + coalesce(json_extract(e.payload, '$.output_tokens'), 0)
      + coalesce(json_extract(e.payload, '$.cache_read_tokens'), 0) + coalesce(json_extract(e.payload, '$.cache_write_tokens'), 0)
    END AS tokens,
    CASE e.type WHEN 'test.result' THEN coalesce(json_extract(e.payload, '$.failed'), 0) END AS failed
  FROM target t
  CROSS JOIN events e ON e.team_id = @team AND e.run = t.run
  WHERE e.type IN (${RUN_TYPES_SQL}) AND e.ts <= @asOf`;

/**
 * Full run rows for flags: for the runs whose last event could fall in the window (and the runs
 * ended in it), every own event at or before asOf — its ts, the tokens of each llm.call and the
 * `failed` of each test.result (the only payloads read) — and every linked change.
 */
export function flagRunRows(conn: SqliteConnection, src: TeamSource, w: KpiWindow): RunRow[] {
  const end = windowEnd(w);
  if (!(end > w.from)) return [];
  const params = { from: w.from, end };
  const rows = new Map<string, RunRow>();
  const events = stmt(conn, FLAG_RUN_EVENTS_SQL).all({ team: src.teamId, asOf: w.asOf, ...params }) as {
    run: string;
    type: string;
    ts: number;
    tokens: number | null;
    failed: number | null;
  }[];
  for (const e of events) {
    let r = rows.get(e.run);
    if (!r) {
      r = {
        run: src.prefix + e.run, startsAt: [], endsAt: [], iterationsAt: [], tests: [], messagesAt: [],
        toolCallsAt: [], llmCalls: [], linkedChanges: [],
      };
      rows.set(e.run, r);
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
  if (rows.size === 0) return [];
  for (const [run, list] of linkedChanges(conn, src, FLAG_RUNS_WHERE, params)) {
    const r = rows.get(run);
    if (r) r.linkedChanges = list;
  }
  return [...rows.values()];
}
