/**
 * Runs for the API and the dashboards: GET /api/v1/runs (the window's runs, each as seen at asOf,
 * paged), the team's runs table (built by the dashboard loader from the same read) and one run's
 * drill-down (its events by iteration, its linked changes and what became of them, and why it is
 * or is not flagged). Every run is read through rows/runs.ts' runStates, as it exists at asOf;
 * nothing here re-derives a KPI.
 */
import 'server-only';
import { explainRunFlags, type RunFlagExplanation } from '@/lib/flags/explain';
import { burnBasis, type FlagKind } from '@/lib/flags/flags';
import { usageCostUsd } from '@/lib/kpi/cost';
import { inWindow } from '@/lib/kpi/time';
import type { KpiWindow, PriceLookup, TokenTotals } from '@/lib/kpi/types';
import { getDb, type DbArg, type Sql } from './connection';
import { getWindowRuns, type KpiFilters } from './kpis';
import { priceTable } from './prices';
import { firstMergeAt, type RunListItem } from './run-list';
import { loadRunRows } from './rows/load';
import { runRows, runStates, runUsage, type RunState } from './rows/runs';
import { cachedRead } from './read-cache';
import { getFlagThresholds } from './team-settings';
import { findTeam, type Team } from './teams';
import { visibleTeamIds, type Viewer } from './viewer';

export * from './run-query';
export * from './run-list';

// ---------------------------------------------------------------------------------------------
// GET /api/v1/runs

/** One run of GET /api/v1/runs (api-v1.md), exactly as seen at asOf. */
export interface RunSummary {
  /** Prefixed `<team>/` when several teams are asked for. */
  run: string;
  agent: string | null;
  model: string | null;
  repo: string | null;
  branch: string | null;
  task: string | null;
  /** Its earliest run.ended's status, else `running`. */
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  lastEventAt: string;
  iterations: number;
  tokens: TokenTotals;
  costUsd: number;
  unpricedCalls: number;
  changes: { change: string; mergedAt: string | null }[];
  converged: boolean;
  flags: FlagKind[];
}

export interface RunsAnswer {
  runs: RunSummary[];
  /** The cursor of the next page, or null after the last. */
  next: string | null;
}

export const DEFAULT_RUNS_LIMIT = 100;
export const MAX_RUNS_LIMIT = 1000;

/** Where a page of runs starts: after this run in the order newest last event first, then run id. */
export interface RunsCursor {
  lastEventAt: number;
  run: string;
}

/** The cursor a page hands out as `next` (opaque to callers: base64url JSON). */
export function encodeRunsCursor(c: RunsCursor): string {
  return Buffer.from(JSON.stringify([c.lastEventAt, c.run]), 'utf8').toString('base64url');
}

/** A `cursor` parameter as encodeRunsCursor made it, or null when it is not one. */
export function decodeRunsCursor(text: string): RunsCursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string') return { lastEventAt: v[0], run: v[1] };
  } catch {
    // not base64url JSON
  }
  return null;
}

/** Newest last event first, then run id ascending. */
const byRecency = (a: { lastEventAt: number; run: string }, b: { lastEventAt: number; run: string }) =>
  b.lastEventAt - a.lastEventAt || (a.run < b.run ? -1 : a.run > b.run ? 1 : 0);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface RunsRequest {
  limit?: number;
  cursor?: RunsCursor | null;
  filters?: KpiFilters;
}

/**
 * GET /api/v1/runs: the runs whose last event at asOf falls in the window (the runs kpis-v1 judges
 * for flags), newest last event first, each exactly as seen at asOf, `limit` a page. Null when a
 * team is not visible.
 */
export async function getRuns(
  viewer: Viewer,
  teamSlugs: readonly string[],
  w: KpiWindow,
  request: RunsRequest = {},
  options: { db?: DbArg; prices?: PriceLookup } = {},
): Promise<RunsAnswer | null> {
  const found = await getWindowRuns(viewer, teamSlugs, w, { db: options.db, filters: request.filters });
  if (!found) return null;
  const db = found.db;
  const limit = Math.min(Math.max(request.limit ?? DEFAULT_RUNS_LIMIT, 1), MAX_RUNS_LIMIT);
  const all = found.reads.flatMap((read, i) => read.list.map((state) => ({ state, read, src: found.scope.sources[i], run: found.scope.sources[i].prefix + state.run, lastEventAt: state.lastEventAt })));
  all.sort(byRecency);
  const cursor = request.cursor ?? null;
  const start = cursor === null ? 0 : all.findIndex((r) => byRecency(r, cursor) > 0);
  const page = start < 0 ? [] : all.slice(start, start + limit);
  const prices = options.prices ?? priceTable();
  const usage = new Map<(typeof found.scope.sources)[number], Awaited<ReturnType<typeof runUsage>>>();
  for (const [i, src] of found.scope.sources.entries()) {
    usage.set(src, await runUsage(db, src, page.filter((r) => r.read === found.reads[i]).map((r) => r.state), w.asOf));
  }
  const runs = page.map(({ state, read, src, run }): RunSummary => {
    const linked = read.links.get(state.run) ?? [];
    const cost = usageCostUsd(usage.get(src)!.get(state.run) ?? [], prices);
    return {
      run,
      agent: state.agent,
      model: state.model,
      repo: state.repo,
      branch: state.branch,
      task: state.task,
      status: state.status,
      startedAt: iso(state.startedAt),
      endedAt: iso(state.endedAt),
      lastEventAt: iso(state.lastEventAt)!,
      iterations: state.iterations,
      tokens: state.tokens,
      costUsd: cost.costUsd,
      unpricedCalls: cost.unpricedCalls,
      changes: linked.map((c) => ({ change: c.change, mergedAt: c.mergedAt !== null && c.mergedAt <= w.asOf ? iso(c.mergedAt) : null })),
      converged: firstMergeAt(linked, w.asOf) !== null,
      flags: found.flagsByRun.get(run) ?? [],
    };
  });
  const last = page[page.length - 1];
  const more = start >= 0 && start + limit < all.length;
  return { runs, next: more ? encodeRunsCursor({ lastEventAt: last.lastEventAt, run: last.run }) : null };
}

// ---------------------------------------------------------------------------------------------
// Drill-down

export interface RunEvent {
  id: string;
  type: string;
  ts: number;
  /** The event's fields as sent. */
  fields: Record<string, unknown>;
}

export interface IterationSummary {
  /** 0 holds what happened before the first iteration. */
  n: number;
  at: number | null;
  tokens: number;
  llmCalls: number;
  toolCalls: number;
  failedToolCalls: number;
  messages: number;
  testsFailed: number | null;
  testsPassed: number | null;
}

export interface ChangeFate {
  change: string;
  title: string | null;
  repo: string | null;
  branch: string | null;
  openedAt: number | null;
  mergedAt: number | null;
  closedAt: number | null;
  modified: { at: number; lines: number | null }[];
  reverted: { at: number; by: string | null }[];
  defects: { defect: string; openedAt: number; fixedAt: number | null }[];
}

export interface RunDetail {
  team: Team;
  run: RunListItem;
  /** Its cost at asOf (kpis-v1 pricing over all its calls up to asOf). */
  cost: { costUsd: number; unpricedCalls: number };
  iterations: IterationSummary[];
  events: RunEvent[];
  eventsTruncated: boolean;
  changes: ChangeFate[];
  flags: RunFlagExplanation;
  /** The window the flags were judged over. */
  flagWindow: KpiWindow;
}

const MAX_EVENTS = 5000;

/** The teams (visible to the viewer) that have a run with this id. */
export async function teamsWithRun(viewer: Viewer, runId: string, db: DbArg = getDb()): Promise<Team[]> {
  const visible = visibleTeamIds(viewer);
  const rows = await (await db).all<Team>('SELECT t.id, t.slug, t.name FROM runs r JOIN teams t ON t.id = r.team_id WHERE r.run = @runId ORDER BY t.slug', { runId });
  return rows.filter((t) => visible === 'all' || visible.includes(t.id));
}

/**
 * One run as of `window.asOf` (null when it does not exist then), its flags judged over `window`
 * (moved to the four weeks ending at the run's last event when that falls outside it).
 */
export async function getRunDetail(
  viewer: Viewer,
  teamSlug: string,
  runId: string,
  w: KpiWindow,
  dbArg: DbArg = getDb(),
  prices: PriceLookup = priceTable(),
): Promise<RunDetail | null> {
  const db = await dbArg;
  const team = await findTeam(viewer, teamSlug, db);
  if (!team) return null;
  const src = { teamId: team.id, prefix: '' };
  const [state] = await runStates(db, src, 'run = @run', { run: runId }, w.asOf);
  if (!state) return null;

  const flagWindow = inWindow(state.lastEventAt, w)
    ? w
    : { from: state.lastEventAt - 28 * 86_400_000 + 1, to: state.lastEventAt + 1, asOf: w.asOf };
  const thresholds = await getFlagThresholds(team.id, db);
  // The burn threshold is the team's (the median of its converged runs): read with all its runs
  // and remembered, so that the next run asked for in the same state reads only its own rows.
  const basis = await cachedRead(
    `burn basis ${JSON.stringify([team.id, flagWindow, thresholds])}`,
    async () => {
      const [all] = await loadRunRows(db, [src], flagWindow, () => thresholds, undefined);
      return burnBasis(all.flags, flagWindow, thresholds);
    },
    db,
  );
  const own = await runRows(db, src, { asOf: flagWindow.asOf, window: flagWindow, kpiIntervals: [], thresholds, run: runId });
  const flags = explainRunFlags(own.flags, runId, flagWindow, thresholds, basis);

  // The flag window holds the run's last event, so the read of its own rows has its links too.
  const links = own.links.get(runId) ?? [];
  const changes: ChangeFate[] = [];
  for (const l of links) changes.push(await changeFate(db, team.id, l.change, w.asOf));
  const raw = await db.all<{ id: string; type: string; ts: number; payload: string }>(
    'SELECT id, type, ts, payload FROM events WHERE team_id = @team AND run = @runId AND ts <= @asOf ORDER BY ts, id LIMIT @limit',
    { team: team.id, runId, asOf: w.asOf, limit: MAX_EVENTS + 1 },
  );
  const events = raw.slice(0, MAX_EVENTS).map((e) => ({ id: e.id, type: e.type, ts: e.ts, fields: JSON.parse(e.payload) as Record<string, unknown> }));
  const tripped = flags.status === 'checked' ? flags.rules.filter((r) => r.tripped).map((r) => r.kind) : [];
  return {
    team,
    run: { ...state, linkedChanges: links.length, mergedAt: firstMergeAt(links, w.asOf), flags: tripped },
    cost: usageCostUsd((await runUsage(db, src, [state], w.asOf)).get(runId) ?? [], prices),
    iterations: summariseIterations(events),
    events,
    eventsTruncated: raw.length > MAX_EVENTS,
    changes,
    flags,
    flagWindow,
  };
}

/** A change linked to a run and what became of it, as seen at asOf. */
async function changeFate(db: Sql, teamId: number, change: string, asOf: number): Promise<ChangeFate> {
  const params = { team: teamId, change, asOf };
  const c = (await db.get<Omit<ChangeFate, 'modified' | 'reverted' | 'defects'>>(
    `SELECT change, title,
       CASE WHEN repo_at <= @asOf THEN repo END AS repo, CASE WHEN branch_at <= @asOf THEN branch END AS branch,
       CASE WHEN opened_at <= @asOf THEN opened_at END AS "openedAt", CASE WHEN merged_at <= @asOf THEN merged_at END AS "mergedAt",
       CASE WHEN closed_at <= @asOf THEN closed_at END AS "closedAt"
     FROM changes WHERE team_id = @team AND change = @change`,
    params,
  ))!;
  const events = await db.all<{ kind: string; ts: number; lines: number | null; by: string | null }>(
    `SELECT kind, ts, lines, "by" FROM change_events
     WHERE team_id = @team AND change = @change AND kind IN ('modified', 'reverted') AND ts <= @asOf ORDER BY ts`,
    params,
  );
  const defects = await db.all<ChangeFate['defects'][number]>(
    `SELECT d.defect, min(l.ts) AS "openedAt", CASE WHEN d.fixed_at <= @asOf THEN d.fixed_at END AS "fixedAt" FROM defect_links l
     JOIN defects d ON d.team_id = l.team_id AND d.defect = l.defect
     WHERE l.team_id = @team AND l.change = @change AND l.ts <= @asOf GROUP BY d.defect, d.fixed_at ORDER BY min(l.ts)`,
    params,
  );
  return {
    ...c,
    modified: events.filter((e) => e.kind === 'modified').map((e) => ({ at: e.ts, lines: e.lines })),
    reverted: events.filter((e) => e.kind === 'reverted').map((e) => ({ at: e.ts, by: e.by })),
    defects,
  };
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** Groups a run's events by the iteration they fall in (the latest begun at or before them). */
export function summariseIterations(events: readonly RunEvent[]): IterationSummary[] {
  const out: IterationSummary[] = [];
  let current: IterationSummary = blank(0, null);
  for (const e of events) {
    if (e.type === 'iteration') {
      if (current.n > 0 || hasActivity(current)) out.push(current);
      current = blank(typeof e.fields.n === 'number' ? e.fields.n : out.length + 1, e.ts);
      continue;
    }
    if (e.type === 'llm.call') {
      current.llmCalls++;
      current.tokens += num(e.fields.input_tokens) + num(e.fields.output_tokens) + num(e.fields.cache_read_tokens) + num(e.fields.cache_write_tokens);
    } else if (e.type === 'tool.call') {
      current.toolCalls++;
      if (e.fields.ok === false) current.failedToolCalls++;
    } else if (e.type === 'message') {
      current.messages++;
    } else if (e.type === 'test.result') {
      current.testsFailed = num(e.fields.failed);
      current.testsPassed = num(e.fields.passed);
    }
  }
  if (current.n > 0 || hasActivity(current)) out.push(current);
  return out;
}

function blank(n: number, at: number | null): IterationSummary {
  return { n, at, tokens: 0, llmCalls: 0, toolCalls: 0, failedToolCalls: 0, messages: 0, testsFailed: null, testsPassed: null };
}

function hasActivity(i: IterationSummary): boolean {
  return i.llmCalls + i.toolCalls + i.messages > 0 || i.testsFailed !== null;
}
