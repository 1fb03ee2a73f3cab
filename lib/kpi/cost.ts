/**
 * Cost KPIs of kpis-v1.md: tokens, cost, cost per merged / surviving change.
 *
 * Summation order (so weekly costs add up): `costUsd` of any window is computed per ISO week —
 * each week's subtotal is the correctly rounded sum (`exactSum`) of that week's terms, so it does
 * not depend on row order — and the window's cost is the week subtotals added oldest first,
 * starting from 0. `computeWeeklyKpis` gives each week exactly that subtotal (a clipped week holds
 * the same rows), so `weeks.reduce((s, w) => s + w.costUsd, 0)` equals the window's `costUsd`
 * bit for bit. Costs are never rounded here.
 */
import { exactSum } from './stats';
import { inWindow, isoWeekStart } from './time';
import type { CostTotals, KpiWindow, PriceLookup, TokenTotals, UsageRow } from './types';

/** `tokens` over the `llm.call` usage in the window (rows at `at` with from <= at < to, at <= asOf). */
export function tokenTotals(usage: readonly UsageRow[], w: KpiWindow): TokenTotals {
  let input = 0;
  let output = 0;
  let cacheRead = 0;
  let cacheWrite = 0;
  for (const u of usage) {
    if (!inWindow(u.at, w)) continue;
    input += u.inputTokens;
    output += u.outputTokens;
    cacheRead += u.cacheReadTokens;
    cacheWrite += u.cacheWriteTokens;
  }
  return { input, output, cacheRead, cacheWrite, total: input + output + cacheRead + cacheWrite };
}

/**
 * `costUsd`: `cost_usd` where calls carry it, else tokens × the model's per-million rates
 * (each term `tokens * rate / 1e6`); `unpricedCalls`: calls without `cost_usd` whose model has no
 * price (they add 0). See the file comment for the summation order.
 */
export function costUsd(
  usage: readonly UsageRow[],
  w: KpiWindow,
  prices: PriceLookup,
): CostTotals {
  const termsByWeek = new Map<number, number[]>();
  const pricing = new Pricing(prices);
  for (const u of usage) {
    if (!inWindow(u.at, w)) continue;
    const week = isoWeekStart(u.at);
    let terms = termsByWeek.get(week);
    if (!terms) termsByWeek.set(week, (terms = []));
    pricing.addTerms(u, terms);
  }
  let cost = 0;
  for (const week of [...termsByWeek.keys()].sort((a, b) => a - b)) {
    cost += exactSum(termsByWeek.get(week)!);
  }
  return { costUsd: cost, unpricedCalls: pricing.unpricedCalls };
}

/**
 * The cost of usage whatever its time (a run's calls: kpis-v1 "A run's tokens are ... all of them,
 * whatever their ts"), priced as costUsd prices a window: the correctly rounded sum of its terms.
 */
export function usageCostUsd(usage: readonly Omit<UsageRow, 'at'>[], prices: PriceLookup): CostTotals {
  const pricing = new Pricing(prices);
  const terms: number[] = [];
  for (const u of usage) pricing.addTerms(u, terms);
  return { costUsd: exactSum(terms), unpricedCalls: pricing.unpricedCalls };
}

/** The terms of kpis-v1's cost: `cost_usd` where calls carry it, else tokens × the model's per-million rates. */
class Pricing {
  private readonly rates = new Map<string, ReturnType<PriceLookup['lookup']>>();
  /** Calls without `cost_usd` whose model has no price (they add 0). */
  unpricedCalls = 0;

  constructor(private readonly prices: PriceLookup) {}

  addTerms(u: Omit<UsageRow, 'at'>, terms: number[]): void {
    terms.push(u.explicitCostUsd);
    if (u.costlessCalls === 0 && u.costlessInputTokens === 0 && u.costlessOutputTokens === 0
      && u.costlessCacheReadTokens === 0 && u.costlessCacheWriteTokens === 0) return;
    if (!this.rates.has(u.model)) this.rates.set(u.model, this.prices.lookup(u.model));
    const p = this.rates.get(u.model) ?? null;
    if (!p) {
      this.unpricedCalls += u.costlessCalls;
      return;
    }
    terms.push(
      (u.costlessInputTokens * p.input) / 1e6,
      (u.costlessOutputTokens * p.output) / 1e6,
      (u.costlessCacheReadTokens * p.cacheRead) / 1e6,
      (u.costlessCacheWriteTokens * p.cacheWrite) / 1e6,
    );
  }
}

/** `costUsd ÷ mergedChanges`; null when no change was merged. */
export function costPerMergedChange(cost: number, mergedChanges: number): number | null {
  return mergedChanges === 0 ? null : cost / mergedChanges;
}

/**
 * `costUsd ÷ (mergedChanges × weekSurvival.rate)`, computed literally in that order; null when
 * the rate is null or the denominator is 0.
 */
export function costPerSurvivingChange(
  cost: number,
  mergedChanges: number,
  survivalRate: number | null,
): number | null {
  if (survivalRate === null) return null;
  const denominator = mergedChanges * survivalRate;
  return denominator === 0 ? null : cost / denominator;
}
