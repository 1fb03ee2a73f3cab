/** Flag thresholds of kpis-v1.md ("Flags: busy but not converging"); per-team settings default to these. */

export interface FlagThresholds {
  /** burn_without_outcome: minimum tokens (200,000). */
  burnMinTokens: number;
  /** burn_without_outcome: multiple of the converged runs' median tokens (3). */
  burnMedianMultiplier: number;
  /** burn_without_outcome: converged runs ended in the window needed before the median is used (5). */
  burnMinConvergedRuns: number;
  /** burn_without_outcome: a run without `run.ended` is over once its last event is more than this many hours before asOf (24). */
  burnIdleHours: number;
  /** stalled: minimum `iteration` events (8). */
  stalledMinIterations: number;
  /** stalled: the last this-many iterations must show a new best (5). */
  stalledWindowIterations: number;
  /** chatter: minimum `message` events (20). */
  chatterMinMessages: number;
  /** chatter: minimum share of `message` among `message` + `tool.call` events (0.7). */
  chatterMinMessageShare: number;
  /** divergence: minimum token growth, as a fraction (0.5 = 50 %). */
  divergenceMinGrowth: number;
  /** divergence: length of each compared period in whole ISO weeks (4). */
  divergenceWeeks: number;
}

export const DEFAULT_FLAG_THRESHOLDS: Readonly<FlagThresholds> = Object.freeze({
  burnMinTokens: 200_000,
  burnMedianMultiplier: 3,
  burnMinConvergedRuns: 5,
  burnIdleHours: 24,
  stalledMinIterations: 8,
  stalledWindowIterations: 5,
  chatterMinMessages: 20,
  chatterMinMessageShare: 0.7,
  divergenceMinGrowth: 0.5,
  divergenceWeeks: 4,
});

/** A team's stored settings over the defaults (absent or null settings take the default). */
export function resolveThresholds(
  settings: { readonly [K in keyof FlagThresholds]?: number | null } | null | undefined,
): FlagThresholds {
  const out: FlagThresholds = { ...DEFAULT_FLAG_THRESHOLDS };
  if (!settings) return out;
  for (const key of Object.keys(DEFAULT_FLAG_THRESHOLDS) as (keyof FlagThresholds)[]) {
    const v = settings[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  return out;
}
