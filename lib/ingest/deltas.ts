/**
 * Folds stored events into the changes they make to the entity tables and rollups.
 * Pure and dialect-free: lib/data applies a batch of deltas with upserts whose merge rules
 * (earliest wins, latest wins, sums add) match the ones here, so folding in memory first and
 * merging in SQL afterwards gives the same rows as one event at a time, in any order.
 */
import { RUN_SCOPED_TYPES, type LoopEvent } from '@/lib/events/types';
import type { UsageRow } from '@/lib/kpi/types';

const DAY_MS = 86_400_000;

export interface RunDelta {
  teamId: number;
  run: string;
  /** Earliest run.started in this batch (ties: smallest id) and the fields it carries. */
  startedAt: number | null;
  startedEvent: string | null;
  agent: string | null;
  model: string | null;
  repo: string | null;
  branch: string | null;
  task: string | null;
  endedAt: number | null;
  endedEvent: string | null;
  status: string | null;
  firstEventAt: number;
  lastEventAt: number;
  iterations: number;
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  toolCalls: number;
  messages: number;
  testResults: number;
}

export interface ChangeDelta {
  teamId: number;
  change: string;
  firstEventAt: number;
  openedAt: number | null;
  mergedAt: number | null;
  closedAt: number | null;
  /** Each taken from the earliest event that carries it (ties: smallest id); `*At` and `*Event` are that event's time and id. */
  run: string | null;
  runAt: number | null;
  runEvent: string | null;
  repo: string | null;
  repoAt: number | null;
  repoEvent: string | null;
  branch: string | null;
  branchAt: number | null;
  branchEvent: string | null;
  title: string | null;
  additions: number | null;
  deletions: number | null;
}

export interface ChangeEventRow {
  teamId: number;
  change: string;
  kind: string;
  ts: number;
  eventId: string;
  lines: number | null;
  by: string | null;
}

export interface DefectDelta {
  teamId: number;
  defect: string;
  /** Earliest `defect.opened` (ties: smallest id) and its severity; earliest `defect.fixed` and its change. */
  openedAt: number | null;
  openedEvent: string | null;
  severity: string | null;
  fixedAt: number | null;
  fixedEvent: string | null;
  fixChange: string | null;
  /** 1 when the earliest defect.fixed withdrew the defect rather than fixing it. */
  fixWithdrawn: number | null;
}

export interface DefectLinkRow {
  teamId: number;
  defect: string;
  change: string;
  ts: number;
}

export interface DailyEventsDelta {
  teamId: number;
  day: number;
  type: string;
  count: number;
}

/** One team-day-model cell of llm.call usage: a KPI UsageRow before it is placed in time. */
export interface DailyUsageDelta extends Omit<UsageRow, 'at'> {
  teamId: number;
  day: number;
}

/** One team-run-model cell of llm.call usage. */
export interface RunUsageDelta extends Omit<UsageRow, 'at'> {
  teamId: number;
  run: string;
}

function emptyUsage(model: string): Omit<UsageRow, 'at'> {
  return {
    model, calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0,
    explicitCostUsd: 0, costlessCalls: 0, costlessInputTokens: 0, costlessOutputTokens: 0,
    costlessCacheReadTokens: 0, costlessCacheWriteTokens: 0,
  };
}

/** Adds one llm.call to a usage cell. */
function addCall(u: Omit<UsageRow, 'at'>, e: LoopEvent): void {
  const input = e.input_tokens ?? 0;
  const output = e.output_tokens ?? 0;
  const cacheRead = e.cache_read_tokens ?? 0;
  const cacheWrite = e.cache_write_tokens ?? 0;
  u.calls++;
  u.inputTokens += input;
  u.outputTokens += output;
  u.cacheReadTokens += cacheRead;
  u.cacheWriteTokens += cacheWrite;
  if (e.cost_usd !== undefined) {
    u.explicitCostUsd += e.cost_usd;
  } else {
    u.costlessCalls++;
    u.costlessInputTokens += input;
    u.costlessOutputTokens += output;
    u.costlessCacheReadTokens += cacheRead;
    u.costlessCacheWriteTokens += cacheWrite;
  }
}

export function epochDay(ts: number): number {
  return Math.floor(ts / DAY_MS);
}

/**
 * The event (`ts`, `id`) comes before the one kept so far (`at`, `atId`; null: none yet): earlier,
 * or at the same millisecond with the smaller id. Order inside an upload does not matter (events-v1:
 * "ts decides"), so a tie is settled by content, never by which event arrived first.
 */
function before(ts: number, id: string, at: number | null, atId: string | null): boolean {
  return at === null || ts < at || (ts === at && atId !== null && id < atId);
}

/** `a` is earlier than `b`, where null is "never". */
function earlier(a: number | null, b: number | null): boolean {
  return a !== null && (b === null || a < b);
}

export class EntityDeltas {
  readonly runs = new Map<string, RunDelta>();
  readonly changes = new Map<string, ChangeDelta>();
  readonly defects = new Map<string, DefectDelta>();
  readonly dailyEvents = new Map<string, DailyEventsDelta>();
  readonly dailyUsage = new Map<string, DailyUsageDelta>();
  readonly runUsage = new Map<string, RunUsageDelta>();
  changeEvents: ChangeEventRow[] = [];
  defectLinks: DefectLinkRow[] = [];
  /** Events folded since the last clear(). */
  count = 0;

  clear(): void {
    this.runs.clear();
    this.changes.clear();
    this.defects.clear();
    this.dailyEvents.clear();
    this.dailyUsage.clear();
    this.runUsage.clear();
    this.changeEvents = [];
    this.defectLinks = [];
    this.count = 0;
  }

  /** Folds one newly stored (not duplicate) event of team `teamId`. */
  add(teamId: number, e: LoopEvent): void {
    this.count++;
    const day = epochDay(e.ts);
    const dayKey = `${teamId}\u0000${day}\u0000${e.type}`;
    const daily = this.dailyEvents.get(dayKey);
    if (daily) daily.count++;
    else this.dailyEvents.set(dayKey, { teamId, day, type: e.type, count: 1 });

    if (e.run !== undefined && isRunScoped(e.type)) this.addToRun(teamId, e);
    if (e.type === 'llm.call') this.addUsage(teamId, day, e);
    else if (e.type.startsWith('change.')) this.addToChange(teamId, e);
    else if (e.type === 'defect.opened' || e.type === 'defect.fixed') this.addToDefect(teamId, e);
  }

  private addToRun(teamId: number, e: LoopEvent): void {
    const key = `${teamId}\u0000${e.run}`;
    let r = this.runs.get(key);
    if (!r) {
      r = {
        teamId, run: e.run!, startedAt: null, startedEvent: null, agent: null, model: null, repo: null, branch: null,
        task: null, endedAt: null, endedEvent: null, status: null, firstEventAt: e.ts, lastEventAt: e.ts,
        iterations: 0, llmCalls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0,
        cacheWriteTokens: 0, toolCalls: 0, messages: 0, testResults: 0,
      };
      this.runs.set(key, r);
    }
    if (e.ts < r.firstEventAt) r.firstEventAt = e.ts;
    if (e.ts > r.lastEventAt) r.lastEventAt = e.ts;
    switch (e.type) {
      case 'run.started':
        if (before(e.ts, e.id, r.startedAt, r.startedEvent)) {
          r.startedAt = e.ts;
          r.startedEvent = e.id;
          r.agent = e.agent ?? null;
          r.model = e.model ?? null;
          r.repo = e.repo ?? null;
          r.branch = e.branch ?? null;
          r.task = e.task ?? null;
        }
        break;
      case 'run.ended':
        if (before(e.ts, e.id, r.endedAt, r.endedEvent)) {
          r.endedAt = e.ts;
          r.endedEvent = e.id;
          r.status = e.status ?? null;
        }
        break;
      case 'iteration':
        r.iterations++;
        break;
      case 'llm.call':
        r.llmCalls++;
        r.inputTokens += e.input_tokens ?? 0;
        r.outputTokens += e.output_tokens ?? 0;
        r.cacheReadTokens += e.cache_read_tokens ?? 0;
        r.cacheWriteTokens += e.cache_write_tokens ?? 0;
        break;
      case 'tool.call':
        r.toolCalls++;
        break;
      case 'message':
        r.messages++;
        break;
      case 'test.result':
        r.testResults++;
        break;
    }
  }

  private addUsage(teamId: number, day: number, e: LoopEvent): void {
    const model = e.model!;
    const dayKey = `${teamId}\u0000${day}\u0000${model}`;
    let daily = this.dailyUsage.get(dayKey);
    if (!daily) this.dailyUsage.set(dayKey, (daily = { teamId, day, ...emptyUsage(model) }));
    addCall(daily, e);
    if (e.run === undefined) return;
    const runKey = `${teamId}\u0000${e.run}\u0000${model}`;
    let perRun = this.runUsage.get(runKey);
    if (!perRun) this.runUsage.set(runKey, (perRun = { teamId, run: e.run, ...emptyUsage(model) }));
    addCall(perRun, e);
  }

  private addToChange(teamId: number, e: LoopEvent): void {
    const change = e.change!;
    const key = `${teamId}\u0000${change}`;
    let c = this.changes.get(key);
    if (!c) {
      c = {
        teamId, change, firstEventAt: e.ts, openedAt: null, mergedAt: null, closedAt: null,
        run: null, runAt: null, runEvent: null, repo: null, repoAt: null, repoEvent: null, branch: null, branchAt: null, branchEvent: null,
        title: null, additions: null, deletions: null,
      };
      this.changes.set(key, c);
    }
    if (e.ts < c.firstEventAt) c.firstEventAt = e.ts;
    if (e.run !== undefined && before(e.ts, e.id, c.runAt, c.runEvent)) {
      c.run = e.run;
      c.runAt = e.ts;
      c.runEvent = e.id;
    }
    if (e.repo !== undefined && before(e.ts, e.id, c.repoAt, c.repoEvent)) {
      c.repo = e.repo;
      c.repoAt = e.ts;
      c.repoEvent = e.id;
    }
    if (e.branch !== undefined && before(e.ts, e.id, c.branchAt, c.branchEvent)) {
      c.branch = e.branch;
      c.branchAt = e.ts;
      c.branchEvent = e.id;
    }
    // Title and size are for display only: the latest event that states them wins.
    if (e.title !== undefined) c.title = e.title;
    if (e.additions !== undefined) c.additions = e.additions;
    if (e.deletions !== undefined) c.deletions = e.deletions;
    const kind = e.type.slice('change.'.length);
    if (kind === 'opened' && earlier(e.ts, c.openedAt)) c.openedAt = e.ts;
    if (kind === 'merged' && earlier(e.ts, c.mergedAt)) c.mergedAt = e.ts;
    if (kind === 'closed' && earlier(e.ts, c.closedAt)) c.closedAt = e.ts;
    this.changeEvents.push({
      teamId, change, kind, ts: e.ts, eventId: e.id, lines: e.lines ?? null, by: e.by ?? null,
    });
  }

  private addToDefect(teamId: number, e: LoopEvent): void {
    const defect = e.defect!;
    const key = `${teamId}\u0000${defect}`;
    let d = this.defects.get(key);
    if (!d) {
      d = { teamId, defect, openedAt: null, openedEvent: null, severity: null, fixedAt: null, fixedEvent: null, fixChange: null, fixWithdrawn: null };
      this.defects.set(key, d);
    }
    if (e.type === 'defect.opened') {
      if (before(e.ts, e.id, d.openedAt, d.openedEvent)) {
        d.openedAt = e.ts;
        d.openedEvent = e.id;
        d.severity = e.severity ?? null;
      }
      for (const change of e.changes ?? []) this.defectLinks.push({ teamId, defect, change, ts: e.ts });
    } else if (before(e.ts, e.id, d.fixedAt, d.fixedEvent)) {
      d.fixedAt = e.ts;
      d.fixedEvent = e.id;
      d.fixChange = e.change ?? null;
      d.fixWithdrawn = e.withdrawn === true ? 1 : 0;
    }
  }
}

const RUN_SCOPED: ReadonlySet<string> = new Set(RUN_SCOPED_TYPES);
function isRunScoped(type: string): boolean {
  return RUN_SCOPED.has(type);
}
