/**
 * Runs for the dashboards: the team's runs table (filtered, sorted, paged) and one run's
 * drill-down (its events by iteration, its linked changes and what became of them, and why it
 * is or is not flagged). Figures about runs come from the entity tables ingestion maintains
 * and from lib/flags; nothing here re-derives a KPI.
 */
import 'server-only';
import type { Db, SqliteConnection } from '@/db/client';
import { explainRunFlags, type RunFlagExplanation } from '@/lib/flags/explain';
import type { FlagKind } from '@/lib/flags/flags';
import type { KpiWindow } from '@/lib/kpi/types';
import { getDb } from './connection';
import { linkedChanges, loadFlagInput } from './kpis';
import { getFlagThresholds } from './team-settings';
import { findTeam, type Team } from './teams';
import { buildRunList, type RunList, type RunListItem, type RunRecord } from './run-list';
import type { RunQuery } from './run-query';
import { visibleTeamIds, type Viewer } from './viewer';

export * from './run-query';
export * from './run-list';

/** Runs active in the window: their events span reaches into [from, min(to, asOf]). */
const ACTIVE_WHERE = `last_event_at >= @from AND first_event_at < @end`;

const RUN_COLUMNS = `run, agent, model, repo, branch, task, coalesce(status, CASE WHEN ended_at IS NULL THEN 'running' END) AS status,
  started_at AS startedAt, ended_at AS endedAt, last_event_at AS lastEventAt, iterations, llm_calls AS llmCalls,
  input_tokens + output_tokens + cache_read_tokens + cache_write_tokens AS tokens, tool_calls AS toolCalls,
  messages, test_results AS testResults`;


/**
 * The team's runs active in the window, with the flags given (from getFlags / the dashboard
 * loader, so flags are computed once per page), filtered, sorted and paged.
 */
export function listRuns(
  viewer: Viewer,
  teamSlug: string,
  w: KpiWindow,
  query: RunQuery,
  flagsByRun: ReadonlyMap<string, FlagKind[]>,
  db: Db = getDb(),
): RunList | null {
  const team = findTeam(viewer, teamSlug, db);
  if (!team) return null;
  const conn = db.$client;
  const params = { team: team.id, from: w.from, end: Math.min(w.to, w.asOf + 1) };
  const records = conn.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE team_id = @team AND ${ACTIVE_WHERE}`).all(params) as RunRecord[];
  const links = linkedChanges(conn, { teamId: team.id, prefix: '' }, ACTIVE_WHERE, { from: params.from, end: params.end });
  return buildRunList(records, links, flagsByRun, query, w.asOf);
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
export function teamsWithRun(viewer: Viewer, runId: string, db: Db = getDb()): Team[] {
  const visible = visibleTeamIds(viewer);
  const rows = db.$client
    .prepare(`SELECT t.id, t.slug, t.name FROM runs r JOIN teams t ON t.id = r.team_id WHERE r.run = ? ORDER BY t.slug`)
    .all(runId) as Team[];
  return rows.filter((t) => visible === 'all' || visible.includes(t.id));
}

/**
 * One run as of `window.asOf`, its flags judged over `window` (moved to the four weeks ending at
 * the run's last event when that falls outside it).
 */
export function getRunDetail(viewer: Viewer, teamSlug: string, runId: string, w: KpiWindow, db: Db = getDb()): RunDetail | null {
  const team = findTeam(viewer, teamSlug, db);
  if (!team) return null;
  const conn = db.$client;
  const record = conn.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE team_id = ? AND run = ?`).get(team.id, runId) as RunRecord | undefined;
  if (!record) return null;

  const flagWindow =
    record.lastEventAt >= w.from && record.lastEventAt < Math.min(w.to, w.asOf + 1)
      ? w
      : { from: record.lastEventAt - 28 * 86_400_000 + 1, to: record.lastEventAt + 1, asOf: w.asOf };
  const thresholds = getFlagThresholds(team.id, db);
  const flagInput = loadFlagInput(conn, [{ teamId: team.id, prefix: '' }], flagWindow, thresholds);
  const flags = explainRunFlags(flagInput.runs, runId, flagWindow, thresholds);

  const links = linkedChanges(conn, { teamId: team.id, prefix: '' }, 'run = @run', { run: runId }).get(runId) ?? [];
  const changes = links.map((l) => changeFate(conn, team.id, l.change));
  const merges = changes.map((c) => c.mergedAt).filter((m): m is number => m !== null && m <= w.asOf);

  const raw = conn
    .prepare(`SELECT id, type, ts, payload FROM events WHERE team_id = ? AND run = ? AND ts <= ? ORDER BY ts, id LIMIT ?`)
    .all(team.id, runId, w.asOf, MAX_EVENTS + 1) as { id: string; type: string; ts: number; payload: string }[];
  const events = raw.slice(0, MAX_EVENTS).map((e) => ({ id: e.id, type: e.type, ts: e.ts, fields: JSON.parse(e.payload) as Record<string, unknown> }));
  const tripped = flags.status === 'checked' ? flags.rules.filter((r) => r.tripped).map((r) => r.kind) : [];
  return {
    team,
    run: {
      ...record,
      status: record.status ?? 'running',
      linkedChanges: links.length,
      mergedAt: merges.length ? Math.min(...merges) : null,
      flags: tripped,
    },
    iterations: summariseIterations(events),
    events,
    eventsTruncated: raw.length > MAX_EVENTS,
    changes,
    flags,
    flagWindow,
  };
}

function changeFate(conn: SqliteConnection, teamId: number, change: string): ChangeFate {
  const c = conn
    .prepare(`SELECT change, title, repo, branch, opened_at AS openedAt, merged_at AS mergedAt, closed_at AS closedAt
              FROM changes WHERE team_id = ? AND change = ?`)
    .get(teamId, change) as Omit<ChangeFate, 'modified' | 'reverted' | 'defects'>;
  const events = conn
    .prepare(`SELECT kind, ts, lines, by FROM change_events WHERE team_id = ? AND change = ? AND kind IN ('modified', 'reverted') ORDER BY ts`)
    .all(teamId, change) as { kind: string; ts: number; lines: number | null; by: string | null }[];
  const defects = conn
    .prepare(`SELECT d.defect, min(l.ts) AS openedAt, d.fixed_at AS fixedAt FROM defect_links l
              JOIN defects d ON d.team_id = l.team_id AND d.defect = l.defect
              WHERE l.team_id = ? AND l.change = ? GROUP BY d.defect ORDER BY openedAt`)
    .all(teamId, change) as ChangeFate['defects'];
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
