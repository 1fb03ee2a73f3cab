/** Loop KPIs of kpis-v1.md (runs ended / converged) and a run as seen at `asOf`. */
import { inWindow } from './time';
import type { KpiWindow, RunConvergence, RunRow, RunTestResult } from './types';

/** A run as it exists at `asOf`: only its own events with `ts <= asOf`. */
export interface RunAsOf {
  run: string;
  /** Its earliest `run.ended`, if at or before `asOf`; else null. */
  endedAt: number | null;
  /** Its latest own event at or before `asOf`. */
  lastEventAt: number;
  /** Sum of the tokens of its `llm.call` events (all of them up to `asOf`, whatever the window). */
  tokens: number;
  /** How many iterations it has. */
  iterations: number;
  /** Its iterations' ts, ascending (empty when the row gave only totals and the times are not needed). */
  iterationsAt: number[];
  /** Its test results, by ts ascending. */
  tests: RunTestResult[];
  messages: number;
  toolCalls: number;
  /** Changes linked to it that exist at `asOf`. */
  linkedChanges: number;
  /** Earliest merge at or before `asOf` among its linked changes; null when it has not converged. */
  convergedAt: number | null;
}

function minOrNull(ts: readonly number[], asOf: number): number | null {
  let min: number | null = null;
  for (const t of ts) if (t <= asOf && (min === null || t < min)) min = t;
  return min;
}

/**
 * Each row's state at the asOf it was last asked for: the window's figures, the weeks', the
 * previous period's and the flags all ask for the same rows at the same asOf.
 */
const lastAsked = new WeakMap<RunRow, { asOf: number; state: RunAsOf | null }>();

/** The run at `asOf`, or null when none of its own events exists yet. */
export function runAsOf(row: RunRow, asOf: number): RunAsOf | null {
  const known = lastAsked.get(row);
  if (known && known.asOf === asOf) return known.state;
  const state = computeRunAsOf(row, asOf);
  lastAsked.set(row, { asOf, state });
  return state;
}

function computeRunAsOf(row: RunRow, asOf: number): RunAsOf | null {
  let last = -Infinity;
  const see = (t: number) => {
    if (t <= asOf && t > last) last = t;
  };
  const totals = row.totals;
  if (totals) {
    if (totals.lastEventAt > asOf) {
      throw new Error(`run ${row.run}: totals were given for an asOf before its last event`);
    }
    last = totals.lastEventAt;
  }
  row.startsAt.forEach(see);
  row.endsAt.forEach(see);
  row.iterationsAt.forEach(see);
  row.messagesAt.forEach(see);
  row.toolCallsAt.forEach(see);
  for (const t of row.tests) see(t.at);
  let tokens = totals?.tokens ?? 0;
  for (const c of row.llmCalls) {
    see(c.at);
    if (c.at <= asOf) tokens += c.tokens;
  }
  if (last === -Infinity) return null;
  const existingLinks = row.linkedChanges.filter((c) => c.firstEventAt <= asOf);
  const iterationsAt = row.iterationsAt.filter((t) => t <= asOf).sort((a, b) => a - b);
  return {
    run: row.run,
    endedAt: minOrNull(row.endsAt, asOf),
    lastEventAt: last,
    tokens,
    iterations: totals?.iterations ?? iterationsAt.length,
    iterationsAt,
    tests: row.tests.filter((t) => t.at <= asOf).sort((a, b) => a.at - b.at),
    messages: totals?.messages ?? row.messagesAt.filter((t) => t <= asOf).length,
    toolCalls: totals?.toolCalls ?? row.toolCallsAt.filter((t) => t <= asOf).length,
    linkedChanges: existingLinks.length,
    convergedAt: minOrNull(
      existingLinks.flatMap((c) => (c.mergedAt === null ? [] : [c.mergedAt])),
      asOf,
    ),
  };
}

/** The runs with a `run.ended` (their earliest) in the window, as of `asOf`; one per run id. */
export function runsEndedIn(runs: readonly RunRow[], w: KpiWindow): RunAsOf[] {
  const seen = new Set<string>();
  const ended: RunAsOf[] = [];
  for (const row of runs) {
    if (seen.has(row.run)) continue;
    seen.add(row.run);
    const r = runAsOf(row, w.asOf);
    if (r && r.endedAt !== null && inWindow(r.endedAt, w)) ended.push(r);
  }
  return ended;
}

/**
 * `runs`: `ended` = runs whose `run.ended` falls in the window; `converged` = of those, runs with
 * a linked change merged at or before `asOf`; `convergenceRate` = converged ÷ ended.
 */
export function runConvergence(runs: readonly RunRow[], w: KpiWindow): RunConvergence {
  const ended = runsEndedIn(runs, w);
  const converged = ended.filter((r) => r.convergedAt !== null).length;
  return {
    ended: ended.length,
    converged,
    convergenceRate: ended.length === 0 ? null : converged / ended.length,
  };
}
