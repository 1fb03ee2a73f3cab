/**
 * The loop flags of kpis-v1.md ("Flags: busy but not converging"). Pure functions over the
 * rows of lib/kpi/types.ts; every rule is applied as of `window.asOf`.
 *
 * Run-level flags are computed for the runs whose last event (as of asOf) falls in the window,
 * and never for a run with a linked change merged at or before asOf.
 * Times inside evidence are RFC 3339 strings (instants) or `YYYY-MM-DD` (ISO week Mondays), so
 * the API can hand evidence out verbatim.
 */
import { runAsOf, runsEndedIn, type RunAsOf } from '../kpi/runs';
import { atLeastTimes, grewBy, nearestRankMedian } from '../kpi/stats';
import { HOUR_MS, inWindow, isoWeekStart, utcDate, WEEK_MS } from '../kpi/time';
import type { KpiWindow, RunRow, WeekTotals } from '../kpi/types';
import { DEFAULT_FLAG_THRESHOLDS, type FlagThresholds } from './thresholds';

export interface BurnEvidence {
  /** The run's tokens (all its llm.call events up to asOf). */
  tokens: number;
  /** What they were held against: max(minTokens, multiplier × medianConvergedTokens). */
  threshold: number;
  minTokens: number;
  multiplier: number;
  /** Nearest-rank median tokens of the converged runs ended in the window; null when fewer than `minConvergedRuns`. */
  medianConvergedTokens: number | null;
  /** How many converged runs ended in the window. */
  convergedRuns: number;
  minConvergedRuns: number;
  /** Why the run counts as over: it has a run.ended, or it has been idle more than `maxIdleHours`. */
  ended: boolean;
  lastEventAt: string;
  idleHours: number;
  maxIdleHours: number;
}

export interface StalledEvidence {
  iterations: number;
  minIterations: number;
  /** The last this-many iterations showed no new best. */
  windowIterations: number;
  /** When the `windowIterations`-th-from-last iteration began. */
  since: string;
  testsBefore: number;
  testsSince: number;
  /** Lowest `failed` before `since`. */
  bestFailedBefore: number;
  /** Lowest `failed` since then; null when no test.result since. */
  bestFailedSince: number | null;
}

export interface ChatterEvidence {
  messages: number;
  toolCalls: number;
  /** messages ÷ (messages + toolCalls). */
  messageShare: number;
  minMessages: number;
  minMessageShare: number;
  linkedChanges: number;
}

export interface DivergenceEvidence {
  /** Length of each period in whole ISO weeks. */
  weeks: number;
  /** Monday starting the earlier period; the later one starts at `laterFrom` and ends before `laterTo` (asOf's week). */
  earlierFrom: string;
  laterFrom: string;
  laterTo: string;
  earlierTokens: number;
  laterTokens: number;
  /** (laterTokens − earlierTokens) ÷ earlierTokens. */
  tokenGrowth: number;
  minGrowth: number;
  earlierMergedChanges: number;
  laterMergedChanges: number;
}

export interface BurnFlag { kind: 'burn_without_outcome'; run: string; evidence: BurnEvidence }
export interface StalledFlag { kind: 'stalled'; run: string; evidence: StalledEvidence }
export interface ChatterFlag { kind: 'chatter'; run: string; evidence: ChatterEvidence }
export interface DivergenceFlag { kind: 'divergence'; team?: string; evidence: DivergenceEvidence }
export type Flag = BurnFlag | StalledFlag | ChatterFlag | DivergenceFlag;

export type FlagKind = Flag['kind'];
export type RunFlag = Extract<Flag, { run: string }>;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The runs that may carry run-level flags: last event (as of asOf) in the window, no linked change
 * merged at or before asOf. One per run id (the first row wins), in input order.
 */
export function flaggableRuns(runs: readonly RunRow[], w: KpiWindow): RunAsOf[] {
  const seen = new Set<string>();
  const out: RunAsOf[] = [];
  for (const row of runs) {
    if (seen.has(row.run)) continue;
    seen.add(row.run);
    const r = runAsOf(row, w.asOf);
    if (r && inWindow(r.lastEventAt, w) && r.convergedAt === null) out.push(r);
  }
  return out;
}

/** What a run's tokens are held against for burn_without_outcome in a window. */
export interface BurnBasis {
  threshold: number;
  medianConvergedTokens: number | null;
  convergedRuns: number;
}

/**
 * The burn threshold of the window: max(200,000, 3 × the median tokens of the converged runs that
 * ended in the window — that median used only when there are at least 5 of them).
 */
export function burnBasis(runs: readonly RunRow[], w: KpiWindow, thresholds: FlagThresholds): BurnBasis {
  const converged = runsEndedIn(runs, w).filter((r) => r.convergedAt !== null);
  const median =
    converged.length >= thresholds.burnMinConvergedRuns
      ? nearestRankMedian(converged.map((r) => r.tokens))
      : null;
  const threshold =
    median === null
      ? thresholds.burnMinTokens
      : Math.max(thresholds.burnMinTokens, thresholds.burnMedianMultiplier * median);
  return { threshold, medianConvergedTokens: median, convergedRuns: converged.length };
}

/** One rule held against one run: whether it trips, and the numbers it looked at. */
export interface RuleCheck<E> {
  tripped: boolean;
  evidence: E;
}

/** burn_without_outcome for one flaggable run: over (ended, or idle > 24 h) and tokens ≥ threshold. */
export function checkBurn(r: RunAsOf, basis: BurnBasis, asOf: number, thresholds: FlagThresholds): RuleCheck<BurnEvidence> {
  const idleMs = asOf - r.lastEventAt;
  const over = r.endedAt !== null || idleMs > thresholds.burnIdleHours * HOUR_MS;
  return {
    tripped: over && r.tokens >= basis.threshold,
    evidence: {
      tokens: r.tokens,
      threshold: basis.threshold,
      minTokens: thresholds.burnMinTokens,
      multiplier: thresholds.burnMedianMultiplier,
      medianConvergedTokens: basis.medianConvergedTokens,
      convergedRuns: basis.convergedRuns,
      minConvergedRuns: thresholds.burnMinConvergedRuns,
      ended: r.endedAt !== null,
      lastEventAt: iso(r.lastEventAt),
      idleHours: idleMs / HOUR_MS,
      maxIdleHours: thresholds.burnIdleHours,
    },
  };
}

export function burnWithoutOutcome(
  runs: readonly RunRow[],
  w: KpiWindow,
  thresholds: FlagThresholds = DEFAULT_FLAG_THRESHOLDS,
): BurnFlag[] {
  const basis = burnBasis(runs, w, thresholds);
  const flags: BurnFlag[] = [];
  for (const r of flaggableRuns(runs, w)) {
    const check = checkBurn(r, basis, w.asOf, thresholds);
    if (check.tripped) flags.push({ kind: 'burn_without_outcome', run: r.run, evidence: check.evidence });
  }
  return flags;
}

/**
 * stalled for one flaggable run: ≥ 8 iterations, and the test.result events since the
 * 5th-from-last iteration began (ts ≥ that iteration's ts) show no `failed` lower than the lowest
 * before it (ts < that point). Null when the rule does not apply (too few iterations, or no
 * test.result before the point). No test.result since: nothing beat the best, so it trips.
 * Iterations are ordered by ts, not by `n`.
 */
export function checkStalled(r: RunAsOf, thresholds: FlagThresholds): RuleCheck<StalledEvidence> | null {
  const last = Math.max(1, thresholds.stalledWindowIterations);
  const n = r.iterationsAt.length;
  if (n < thresholds.stalledMinIterations || n < last) return null;
  const point = r.iterationsAt[n - last];
  const before = r.tests.filter((t) => t.at < point);
  if (before.length === 0) return null;
  const since = r.tests.filter((t) => t.at >= point);
  const bestBefore = Math.min(...before.map((t) => t.failed));
  const bestSince = since.length ? Math.min(...since.map((t) => t.failed)) : null;
  return {
    tripped: bestSince === null || bestSince >= bestBefore,
    evidence: {
      iterations: n,
      minIterations: thresholds.stalledMinIterations,
      windowIterations: last,
      since: iso(point),
      testsBefore: before.length,
      testsSince: since.length,
      bestFailedBefore: bestBefore,
      bestFailedSince: bestSince,
    },
  };
}

export function stalled(
  runs: readonly RunRow[],
  w: KpiWindow,
  thresholds: FlagThresholds = DEFAULT_FLAG_THRESHOLDS,
): StalledFlag[] {
  const flags: StalledFlag[] = [];
  for (const r of flaggableRuns(runs, w)) {
    const check = checkStalled(r, thresholds);
    if (check?.tripped) flags.push({ kind: 'stalled', run: r.run, evidence: check.evidence });
  }
  return flags;
}

/**
 * chatter for one flaggable run: ≥ 20 message events, messages ≥ 70 % of message + tool.call
 * events (compared exactly: 14 of 20 trips), and no change linked to the run.
 */
export function checkChatter(r: RunAsOf, thresholds: FlagThresholds): RuleCheck<ChatterEvidence> {
  const total = r.messages + r.toolCalls;
  return {
    tripped:
      r.messages >= thresholds.chatterMinMessages &&
      total > 0 &&
      atLeastTimes(r.messages, thresholds.chatterMinMessageShare, total) &&
      r.linkedChanges === 0,
    evidence: {
      messages: r.messages,
      toolCalls: r.toolCalls,
      messageShare: total === 0 ? 0 : r.messages / total,
      minMessages: thresholds.chatterMinMessages,
      minMessageShare: thresholds.chatterMinMessageShare,
      linkedChanges: r.linkedChanges,
    },
  };
}

export function chatter(
  runs: readonly RunRow[],
  w: KpiWindow,
  thresholds: FlagThresholds = DEFAULT_FLAG_THRESHOLDS,
): ChatterFlag[] {
  const flags: ChatterFlag[] = [];
  for (const r of flaggableRuns(runs, w)) {
    const check = checkChatter(r, thresholds);
    if (check.tripped) flags.push({ kind: 'chatter', run: r.run, evidence: check.evidence });
  }
  return flags;
}

/**
 * divergence (team): over the 4 whole weeks before asOf's week against the 4 weeks before those,
 * the earlier tokens were > 0, tokens grew by ≥ 50 % (exactly: later ≥ 1.5 × earlier), and merged
 * changes did not grow (later ≤ earlier). Judged at asOf whatever the window. Weeks missing from
 * `weeks` count as empty; entries of the same week are added.
 */
export function divergence(
  weeks: readonly WeekTotals[],
  asOf: number,
  thresholds: FlagThresholds = DEFAULT_FLAG_THRESHOLDS,
  team?: string,
): DivergenceFlag | null {
  const n = thresholds.divergenceWeeks;
  const laterTo = isoWeekStart(asOf);
  const laterFrom = laterTo - n * WEEK_MS;
  const earlierFrom = laterFrom - n * WEEK_MS;
  let earlierTokens = 0;
  let laterTokens = 0;
  let earlierMerged = 0;
  let laterMerged = 0;
  for (const wk of weeks) {
    const start = isoWeekStart(wk.weekStart);
    if (start >= earlierFrom && start < laterFrom) {
      earlierTokens += wk.tokens;
      earlierMerged += wk.mergedChanges;
    } else if (start >= laterFrom && start < laterTo) {
      laterTokens += wk.tokens;
      laterMerged += wk.mergedChanges;
    }
  }
  if (!(earlierTokens > 0)) return null;
  if (!grewBy(laterTokens, thresholds.divergenceMinGrowth, earlierTokens)) return null;
  if (laterMerged > earlierMerged) return null;
  return {
    kind: 'divergence',
    ...(team === undefined ? {} : { team }),
    evidence: {
      weeks: n,
      earlierFrom: utcDate(earlierFrom),
      laterFrom: utcDate(laterFrom),
      laterTo: utcDate(laterTo),
      earlierTokens,
      laterTokens,
      tokenGrowth: (laterTokens - earlierTokens) / earlierTokens,
      minGrowth: thresholds.divergenceMinGrowth,
      earlierMergedChanges: earlierMerged,
      laterMergedChanges: laterMerged,
    },
  };
}

const KIND_ORDER: Record<FlagKind, number> = {
  burn_without_outcome: 0,
  stalled: 1,
  chatter: 2,
  divergence: 3,
};

/**
 * All flags of GET /api/v1/flags: the window's run flags (by run id, then kind) followed by the
 * team's divergence flag, judged at asOf. `weeks` must cover the 2 × `divergenceWeeks` whole weeks
 * before asOf's week (see `weekTotals` in lib/kpi/compute.ts).
 *
 * Several teams at once: `runThresholds` gives each run its own team's thresholds (the burn median
 * is still over the converged runs of all of them, "summed as if one"); `thresholds` judges the
 * divergence of the whole.
 */
export function computeFlags(
  input: { runs: readonly RunRow[]; weeks: readonly WeekTotals[] },
  w: KpiWindow,
  thresholds: FlagThresholds = DEFAULT_FLAG_THRESHOLDS,
  team?: string,
  runThresholds?: (run: string) => FlagThresholds,
): Flag[] {
  // One pass over the flaggable runs (each run's state is worked out once), the same checks as
  // burnWithoutOutcome, stalled and chatter.
  const bases = new Map<FlagThresholds, BurnBasis>();
  const basisFor = (t: FlagThresholds) => {
    let basis = bases.get(t);
    if (!basis) bases.set(t, (basis = burnBasis(input.runs, w, t)));
    return basis;
  };
  const runFlags: RunFlag[] = [];
  for (const r of flaggableRuns(input.runs, w)) {
    const t = runThresholds?.(r.run) ?? thresholds;
    const burn = checkBurn(r, basisFor(t), w.asOf, t);
    if (burn.tripped) runFlags.push({ kind: 'burn_without_outcome', run: r.run, evidence: burn.evidence });
    const stall = checkStalled(r, t);
    if (stall?.tripped) runFlags.push({ kind: 'stalled', run: r.run, evidence: stall.evidence });
    const chat = checkChatter(r, t);
    if (chat.tripped) runFlags.push({ kind: 'chatter', run: r.run, evidence: chat.evidence });
  }
  runFlags.sort((a, b) => (a.run === b.run ? KIND_ORDER[a.kind] - KIND_ORDER[b.kind] : a.run < b.run ? -1 : 1));
  const team_ = divergence(input.weeks, w.asOf, thresholds, team);
  return team_ ? [...runFlags, team_] : runFlags;
}
