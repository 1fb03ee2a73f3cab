/**
 * Runs as seen at asOf, and the run rows of the KPI and flag functions built from them.
 *
 * The runs table holds each run's totals over every event stored. A run whose own events all lie
 * at or before asOf (the usual case) exists at asOf exactly as stored. A run that goes on after
 * asOf is summed again from its own events up to asOf (their typed columns, through
 * events_team_run_ts); its start and end (earliest run.started / run.ended, and what they carry)
 * exist at asOf only when they are at or before it. A run whose earliest event is after asOf does
 * not exist yet.
 */
import { RUN_SCOPED_TYPES } from '@/lib/events/types';
import type { FlagThresholds } from '@/lib/flags/thresholds';
import type { KpiWindow, LinkedChange, RunRow, TokenTotals, UsageRow } from '@/lib/kpi/types';
import type { TeamSource } from '../team-scope';
import { runMatchSql, type KpiFilters, normalizeFilters } from './filters';
import { unionOf, windowEnd, type Interval } from './intervals';
import { linkedChanges } from './linking';
import type { Dialect, Sql } from '../connection';
import { drivingJoin, listTable } from '../dialect';
import { SUMMED_USAGE_SQL, USAGE_COLUMNS } from './usage';

/** A run as it exists at asOf. */
export interface RunState {
  /** Its id as stored (without a team prefix). */
  run: string;
  /** Of its earliest run.started (at or before asOf); null without one. */
  agent: string | null;
  model: string | null;
  repo: string | null;
  branch: string | null;
  task: string | null;
  startedAt: number | null;
  /** Its earliest run.ended at or before asOf, and that event's status (`running` without one). */
  endedAt: number | null;
  status: string;
  firstEventAt: number;
  lastEventAt: number;
  iterations: number;
  llmCalls: number;
  toolCalls: number;
  messages: number;
  testResults: number;
  tokens: TokenTotals;
  /** Some own event of the run lies after asOf (its figures were summed up to asOf). */
  goesOn: boolean;
}

const RUN_TYPES_SQL = RUN_SCOPED_TYPES.map((t) => `'${t}'`).join(', ');

const storedRunsSql = (where: string) => `
  SELECT run, agent, model, repo, branch, task, started_at, ended_at, status, first_event_at, last_event_at,
    iterations, llm_calls, tool_calls, messages, test_results,
    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens
  FROM runs WHERE team_id = @team AND first_event_at <= @asOf AND (${where})`;

/** A row of storedRunsSql, read raw (arrays make thousands of rows noticeably cheaper than objects). */
type StoredRun = [
  run: string, agent: string | null, model: string | null, repo: string | null, branch: string | null, task: string | null,
  startedAt: number | null, endedAt: number | null, status: string | null, firstEventAt: number, lastEventAt: number,
  iterations: number, llmCalls: number, toolCalls: number, messages: number, testResults: number,
  input: number, output: number, cacheRead: number, cacheWrite: number,
];

const countOf = (type: string) => `sum(CASE WHEN e.type = '${type}' THEN 1 ELSE 0 END)`;

/** The own events up to @asOf of the runs listed in @runs, summed per run. */
const runsUpToAsOfSql = (d: Dialect) => `
  SELECT e.run, max(e.ts), ${countOf('iteration')}, ${countOf('llm.call')}, ${countOf('tool.call')},
    ${countOf('message')}, ${countOf('test.result')},
    coalesce(sum(e.input_tokens), 0), coalesce(sum(e.output_tokens), 0),
    coalesce(sum(e.cache_read_tokens), 0), coalesce(sum(e.cache_write_tokens), 0)
  FROM ${listTable(d, 'runs', 'r')}
  ${drivingJoin(d)} events e ON e.team_id = @team AND e.run = r.value
  WHERE e.ts <= @asOf AND e.type IN (${RUN_TYPES_SQL})
  GROUP BY e.run`;

type SummedRun = [
  run: string, lastEventAt: number, iterations: number, llmCalls: number, toolCalls: number, messages: number, testResults: number,
  input: number, output: number, cacheRead: number, cacheWrite: number,
];

const tokenTotals = (input: number, output: number, cacheRead: number, cacheWrite: number): TokenTotals => ({
  input, output, cacheRead, cacheWrite, total: input + output + cacheRead + cacheWrite,
});

/**
 * The runs of team `src` selected by `where` (over `runs`; `params` fills it) as they exist at
 * `asOf`, in no particular order.
 */
export async function runStates(
  db: Sql,
  src: TeamSource,
  where: string,
  params: Record<string, unknown>,
  asOf: number,
): Promise<RunState[]> {
  const stored = await db.rows<StoredRun>(storedRunsSql(where), { ...params, team: src.teamId, asOf });
  const states: RunState[] = [];
  const goingOn = new Map<string, RunState>();
  for (const [run, agent, model, repo, branch, task, startedAt, endedAt, status, firstEventAt, lastEventAt,
    iterations, llmCalls, toolCalls, messages, testResults, input, output, cacheRead, cacheWrite] of stored) {
    const started = startedAt !== null && startedAt <= asOf;
    const ended = endedAt !== null && endedAt <= asOf;
    const state: RunState = {
      run,
      agent: started ? agent : null,
      model: started ? model : null,
      repo: started ? repo : null,
      branch: started ? branch : null,
      task: started ? task : null,
      startedAt: started ? startedAt : null,
      endedAt: ended ? endedAt : null,
      status: ended ? (status ?? 'running') : 'running',
      firstEventAt, lastEventAt, iterations, llmCalls, toolCalls, messages, testResults,
      tokens: tokenTotals(input, output, cacheRead, cacheWrite),
      goesOn: lastEventAt > asOf,
    };
    states.push(state);
    if (state.goesOn) goingOn.set(run, state);
  }
  if (goingOn.size > 0) {
    const sums = await db.rows<SummedRun>(runsUpToAsOfSql(db.dialect), { team: src.teamId, runs: [...goingOn.keys()], asOf });
    for (const [run, lastEventAt, iterations, llmCalls, toolCalls, messages, testResults, input, output, cacheRead, cacheWrite] of sums) {
      Object.assign(goingOn.get(run)!, {
        lastEventAt, iterations, llmCalls, toolCalls, messages, testResults, tokens: tokenTotals(input, output, cacheRead, cacheWrite),
      });
    }
  }
  return states;
}

/** A run's llm.call usage per model (UsageRow without a place in time), as seen at asOf. */
export type RunUsage = Omit<UsageRow, 'at'>;

const storedRunUsageSql = (d: Dialect) => `
  SELECT u.run AS run, u.model AS model, ${USAGE_COLUMNS}
  FROM ${listTable(d, 'runs', 'r')}
  ${drivingJoin(d)} run_llm_usage u ON u.team_id = @team AND u.run = r.value`;

const runUsageUpToAsOfSql = (d: Dialect) => `
  SELECT e.run AS run, e.model AS model, ${SUMMED_USAGE_SQL}
  FROM ${listTable(d, 'runs', 'r')}
  ${drivingJoin(d)} events e ON e.team_id = @team AND e.run = r.value
  WHERE e.type = 'llm.call' AND e.ts <= @asOf
  GROUP BY e.run, e.model`;

/** The llm.call usage per model of each of the runs given (states at `asOf`), by run id as stored. */
export async function runUsage(db: Sql, src: TeamSource, runs: readonly RunState[], asOf: number): Promise<Map<string, RunUsage[]>> {
  const out = new Map<string, RunUsage[]>();
  const read = async (sql: string, ids: string[]) => {
    if (ids.length === 0) return;
    for (const row of await db.all<RunUsage & { run: string }>(sql, { team: src.teamId, runs: ids, asOf })) {
      const { run, ...usage } = row;
      let list = out.get(run);
      if (!list) out.set(run, (list = []));
      list.push(usage);
    }
  };
  await read(storedRunUsageSql(db.dialect), runs.filter((r) => !r.goesOn).map((r) => r.run));
  await read(runUsageUpToAsOfSql(db.dialect), runs.filter((r) => r.goesOn).map((r) => r.run));
  return out;
}

/**
 * One shared, frozen empty list for the lists a run row leaves empty: thousands of rows per
 * answer need not allocate thousands of `[]` (the pure functions only read them; a push would
 * throw).
 */
const NONE = Object.freeze([]) as unknown as never[];

/** A run at asOf as the pure functions read it: its totals, its start and end, its links. */
function runRow(src: TeamSource, r: RunState, links: LinkedChange[]): RunRow {
  return {
    run: src.prefix + r.run,
    startsAt: r.startedAt === null ? NONE : [r.startedAt],
    endsAt: r.endedAt === null ? NONE : [r.endedAt],
    iterationsAt: NONE,
    tests: NONE,
    messagesAt: NONE,
    toolCallsAt: NONE,
    llmCalls: NONE,
    linkedChanges: links,
    totals: { lastEventAt: r.lastEventAt, tokens: r.tokens.total, iterations: r.iterations, messages: r.messages, toolCalls: r.toolCalls },
  };
}

/** The iterations and test results (at or before asOf) of the runs listed in @runs, through events_team_run_ts. */
const runIterationsTestsSql = (d: Dialect) => `
  SELECT e.run AS run, e.type AS type, e.ts AS ts, e.failed AS failed
  FROM ${listTable(d, 'runs', 'r')}
  ${drivingJoin(d)} events e ON e.team_id = @team AND e.run = r.value
  WHERE e.type IN ('iteration', 'test.result') AND e.ts <= @asOf`;

/** What runRows reads of a team's runs for one window (and the kpi intervals beside it). */
export interface RunRows {
  /** Rows for flags: the runs whose last event at asOf is in the window, and the runs ended in it. */
  flags: RunRow[];
  /** Rows for `runs.ended` / `runs.converged` of each kpi interval: the runs ended in it. */
  kpi: RunRow[];
  /** The states of the runs of `kpi`, in the same order (their agent, for the comparison of agents). */
  ended: RunState[];
  /** The runs whose last event at asOf is in the window: the runs table, GET /api/v1/runs. */
  list: RunState[];
  /** The changes linked at asOf to each run read, by run id as stored. */
  links: Map<string, LinkedChange[]>;
}

const NO_ROWS = (): RunRows => ({ flags: [], kpi: [], ended: [], list: [], links: new Map() });

/** What runRows is asked for, at one asOf. */
export interface RunRowsRequest {
  asOf: number;
  /** The window whose flags and runs list are wanted (at `asOf`); null for none. */
  window: KpiWindow | null;
  /** Intervals (each cut at asOf) whose ended runs are wanted, for runs.ended / runs.converged. */
  kpiIntervals: readonly Interval[];
  /** The team's thresholds: which runs `stalled` could flag. */
  thresholds: FlagThresholds;
  filters?: KpiFilters;
  /** Only this run: its own rows, as a read of all the team's would have them (the run page). */
  run?: string;
}

/**
 * The runs of team `src` that the request needs, each read once: for the window's flags and runs
 * list the runs whose last event at asOf falls in it (with the runs ended in it, whose converged
 * ones give the burn median); for the kpi intervals the runs ended in them. With filters, only the
 * runs matching at asOf. Only where `stalled` could trip — a run with its last event in the window,
 * no merged linked change, enough iterations and some test result — are its iteration and
 * test.result times read (one query for all such runs).
 */
export async function runRows(db: Sql, src: TeamSource, req: RunRowsRequest): Promise<RunRows> {
  const { asOf, window: w, thresholds } = req;
  const from = w?.from ?? 0;
  const end = w ? windowEnd(w) : 0;
  const flagged = end > from;
  const kpiRanges = req.kpiIntervals.filter(([a, b]) => b > a);
  if (!flagged && kpiRanges.length === 0) return NO_ROWS();
  // The runs whose last event at asOf may be in the window — a superset: the stored last event is
  // no earlier, the first no later — or whose end is in one of the ranges: an OR of few index
  // ranges (runs_team_last, runs_team_ended), which SQLite reads as a multi-index OR.
  const ended = unionOf(flagged ? [[from, end], ...kpiRanges] : kpiRanges);
  const selectors = [
    ...(flagged ? ['(last_event_at >= @from AND first_event_at < @end)'] : []),
    ...ended.map((_, i) => `(ended_at >= @e${i}from AND ended_at < @e${i}end)`),
  ];
  const f = normalizeFilters(req.filters);
  const where = `(${selectors.join(' OR ')}) AND ${runMatchSql(f, '')}${req.run !== undefined ? ' AND run = @run' : ''}`;
  const params: Record<string, unknown> = { from, end, ...f, ...(req.run !== undefined && { run: req.run }) };
  ended.forEach(([a, b], i) => {
    params[`e${i}from`] = a;
    params[`e${i}end`] = b;
  });
  const states = await runStates(db, src, where, params, asOf);
  if (states.length === 0) return NO_ROWS();
  const links = await linkedChanges(db, src, where, params, asOf);
  const linksOf = (run: string) => links.get(run) ?? NONE;

  const out: RunRows = { flags: [], kpi: [], ended: [], list: [], links };
  const rows = new Map<string, RunRow>();
  const stallCandidates: string[] = [];
  const stallWindow = Math.max(1, thresholds.stalledWindowIterations);
  for (const r of states) {
    const endedIn = (a: number, b: number) => r.endedAt !== null && r.endedAt >= a && r.endedAt < b;
    if (kpiRanges.some(([a, b]) => endedIn(a, b))) {
      out.kpi.push(runRow(src, r, linksOf(r.run)));
      out.ended.push(r);
    }
    if (!flagged) continue;
    const listed = r.lastEventAt >= from && r.lastEventAt < end;
    if (listed) out.list.push(r);
    if (!listed && !endedIn(from, end)) continue;
    const row = runRow(src, r, linksOf(r.run));
    // As flaggableRuns has it: last event in the window, no linked change merged at asOf.
    const flaggable = listed && !row.linkedChanges.some((c) => c.mergedAt !== null && c.mergedAt <= asOf);
    const mayStall = flaggable && r.testResults > 0 && r.iterations >= thresholds.stalledMinIterations && r.iterations >= stallWindow;
    if (mayStall) {
      row.iterationsAt = [];
      row.tests = [];
      stallCandidates.push(r.run);
    }
    rows.set(r.run, row);
    out.flags.push(row);
  }
  if (stallCandidates.length > 0) {
    const events = await db.all<{ run: string; type: string; ts: number; failed: number | null }>(
      runIterationsTestsSql(db.dialect),
      { team: src.teamId, runs: stallCandidates, asOf },
    );
    for (const e of events) {
      const row = rows.get(e.run)!;
      if (e.type === 'iteration') row.iterationsAt.push(e.ts);
      else row.tests.push({ at: e.ts, failed: e.failed ?? 0 });
    }
  }
  return out;
}
