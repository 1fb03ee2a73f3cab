/**
 * Input rows and answer shapes of the KPI functions (../../../shared/spec/kpis-v1.md).
 *
 * All times are epoch milliseconds (UTC). The query layer produces these rows; it MAY hand over
 * a superset (rows outside the window, timestamps after `asOf`): every function here applies the
 * window and `asOf` rules itself, so a superset gives the same answer as the exact set.
 * What the rows cannot be asked to re-derive is events-v1 Linking (which changes belong to which
 * run): that is the query layer's.
 */

/** `[from, to)` as seen at `asOf`: events with `ts > asOf` do not exist. */
export interface KpiWindow {
  from: number;
  to: number;
  asOf: number;
}

/** A change that has a merge; `mergedAt` = its earliest `change.merged` (whatever its ts). */
export interface MergedChangeRow {
  change: string;
  mergedAt: number;
  /** ts of every `change.modified` of this change. */
  modifiedAt: number[];
  /** ts of every `change.reverted` of this change. */
  revertedAt: number[];
  /** ts of every `defect.opened` event naming this change in `changes`. */
  defectNamedAt: number[];
}

/** A defect that has a `defect.opened`. */
export interface DefectRow {
  defect: string;
  /** Earliest `defect.opened`. */
  openedAt: number;
  /** Earliest `defect.fixed`, or null. */
  fixedAt: number | null;
}

/**
 * `llm.call` usage aggregated at `at`: a UTC day start for daily rollups, or the event ts for raw
 * rows. A row is counted whole when `from <= at < to` and `at <= asOf`, so a row must never
 * straddle a window boundary NOR `asOf`: the query layer splits partial days (the days of `from`,
 * `to` and `asOf`) into raw rows. ISO week starts are day starts, so daily rows never straddle a
 * week.
 */
export interface UsageRow {
  at: number;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Sum of `cost_usd` of the calls that carry it. */
  explicitCostUsd: number;
  /** Calls WITHOUT `cost_usd` and their tokens, priced through the price table. */
  costlessCalls: number;
  costlessInputTokens: number;
  costlessOutputTokens: number;
  costlessCacheReadTokens: number;
  costlessCacheWriteTokens: number;
}

/** A change linked to a run (events-v1 Linking, decided by the query layer). */
export interface LinkedChange {
  change: string;
  /** ts of the change's earliest event: the link exists at `asOf` only if this is `<= asOf`. */
  firstEventAt: number;
  /** Its earliest `change.merged`, or null. */
  mergedAt: number | null;
}

/** One `llm.call` of a run. */
export interface RunLlmCall {
  at: number;
  /** `input + output + cache_read + cache_write` tokens of the call. */
  tokens: number;
}

/** One `test.result` of a run. */
export interface RunTestResult {
  at: number;
  failed: number;
}

/**
 * A run with the timestamp of each of its own events, so that every figure can be taken as of
 * any `asOf` (counts and tokens only over events `<= asOf`; its last event is the latest own event
 * `<= asOf`; its end is its earliest `run.ended`, if that is `<= asOf`).
 *
 * Refinement of the first draft (which had scalar `startedAt`, `endedAt`, `lastEventAt`,
 * `tokens`, `messages`, `toolCalls`, `linkedMergedAt`, `linkedChanges`): scalars cannot be cut
 * at `asOf`, so each is replaced by the timestamps it summarises.
 */
export interface RunRow {
  run: string;
  /** ts of every `run.started` of the run (usually one). */
  startsAt: number[];
  /** ts of every `run.ended` of the run (usually zero or one); its end is the earliest. */
  endsAt: number[];
  /** ts of every `iteration`. */
  iterationsAt: number[];
  /** Every `test.result`. */
  tests: RunTestResult[];
  /** ts of every `message`. */
  messagesAt: number[];
  /** ts of every `tool.call`. */
  toolCallsAt: number[];
  /** Every `llm.call` (all of them, whatever their ts relative to the window). */
  llmCalls: RunLlmCall[];
  /** Every change linked to the run. */
  linkedChanges: LinkedChange[];
  /**
   * The run's totals, which the query layer may give INSTEAD of the lists `messagesAt`,
   * `toolCallsAt` and `llmCalls` (then left empty) when every own event of the run is at or
   * before asOf — the usual case, and the cheap one: the runs table holds these counters.
   * `iterationsAt` and `tests` stay lists where the stalled rule needs their times.
   */
  totals?: RunTotals;
}

export interface RunTotals {
  /** The run's last own event; must be at or before the asOf the row is read at. */
  lastEventAt: number;
  tokens: number;
  iterations: number;
  messages: number;
  toolCalls: number;
}

/** Totals of one ISO week, for the divergence flag. */
export interface WeekTotals {
  /** Monday 00:00 UTC. */
  weekStart: number;
  /** `tokens.total` of the week's `llm.call` events. */
  tokens: number;
  /** Changes whose merge falls in the week. */
  mergedChanges: number;
}

/** Everything `computeKpis` reads. */
export interface KpiInput {
  changes: readonly MergedChangeRow[];
  defects: readonly DefectRow[];
  usage: readonly UsageRow[];
  runs: readonly RunRow[];
}

/**
 * The part of lib/pricing's `PriceTable` these functions use (structural, so a `PriceTable` is
 * accepted as is). Rates are USD per 1M tokens.
 */
export interface PriceLookup {
  lookup(model: string): {
    input: number;
    output: number;
    cacheRead: number;
    cacheWrite: number;
  } | null;
}

// ---------------------------------------------------------------------------------------------
// Answers

export interface WeekSurvival {
  rate: number | null;
  survived: number;
  eligible: number;
  pending: number;
}

export interface DefectRate {
  rate: number | null;
  failed: number;
  eligible: number;
  pending: number;
}

export interface TimeToFix {
  /** Defects opened in the window. */
  opened: number;
  fixed: number;
  open: number;
  p50Hours: number | null;
  p90Hours: number | null;
  kmP50Hours: number | null;
}

export interface TokenTotals {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  total: number;
}

export interface CostTotals {
  costUsd: number;
  unpricedCalls: number;
}

export interface RunConvergence {
  ended: number;
  converged: number;
  convergenceRate: number | null;
}

/** GET /api/v1/kpis without `team` (the caller adds it). */
export interface Kpis {
  mergedChanges: number;
  mergedPerWeek: number | null;
  weekSurvival: WeekSurvival;
  defectRate: DefectRate;
  timeToFix: TimeToFix;
  tokens: TokenTotals;
  costUsd: number;
  unpricedCalls: number;
  costPerMergedChange: number | null;
  costPerSurvivingChange: number | null;
  runs: RunConvergence;
}

/** One entry of GET /api/v1/kpis/weekly: the figures of the week clipped to the window. */
export interface WeeklyKpis extends Kpis {
  /** The Monday, `YYYY-MM-DD`. */
  week: string;
}
