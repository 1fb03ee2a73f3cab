/**
 * GET /api/v1/whatif (economics-v1 "What if"): every llm.call of the window re-priced under a
 * scenario — per-million rates, a priced model's table rates, or a self-hosted node — next to
 * today's cost (kpis-v1's), with the same ratios to merged and surviving changes.
 */
import { costPerMergedChange, costPerSurvivingChange } from '@/lib/kpi/cost';
import { exactSum } from '@/lib/kpi/stats';
import { inWindow } from '@/lib/kpi/time';
import type { KpiWindow, Kpis, PriceLookup, UsageRow } from '@/lib/kpi/types';
import type { CostFigures, PerMillionRates, RunModelUsage, Scenario, SelfHostedNode, WhatIfAnswer } from './types';

/** How a scenario prices tokens: per-million rates, or node time. */
export type Repricing = { kind: 'rates'; rates: PerMillionRates } | { kind: 'node'; node: SelfHostedNode };

/**
 * The repricing of a scenario; null for a `model` scenario whose model the price table does not
 * price (the API's 400 naming `model`).
 */
export function repricingOf(scenario: Scenario, prices: PriceLookup): Repricing | null {
  switch (scenario.kind) {
    case 'price':
      return { kind: 'rates', rates: scenario };
    case 'model': {
      const p = prices.lookup(scenario.model);
      return p && { kind: 'rates', rates: { inputPerM: p.input, outputPerM: p.output, cacheReadPerM: p.cacheRead, cacheWritePerM: p.cacheWrite } };
    }
    case 'selfhosted':
      return { kind: 'node', node: scenario };
  }
}

/** USD per second of the whole node: `gpus × gpuHourUsd ÷ 3600 ÷ utilization`. */
export function nodeUsdPerSecond(node: SelfHostedNode): number {
  return (node.gpus * node.gpuHourUsd) / 3600 / node.utilization;
}

/**
 * What usage (rows of calls, aggregated or not: every price is linear in the tokens) costs under
 * a repricing. Rates: tokens × rate ÷ 10^6 per kind. Node: ((input + cacheWrite) ÷ prefill +
 * output ÷ decode) seconds of the node (cache reads cost nothing) at nodeUsdPerSecond.
 */
export function repricedCostUsd(usage: readonly RunModelUsage[], repricing: Repricing): number {
  const terms: number[] = [];
  if (repricing.kind === 'rates') {
    const r = repricing.rates;
    for (const u of usage) {
      terms.push(
        (u.inputTokens * r.inputPerM) / 1e6,
        (u.outputTokens * r.outputPerM) / 1e6,
        (u.cacheReadTokens * r.cacheReadPerM) / 1e6,
        (u.cacheWriteTokens * r.cacheWritePerM) / 1e6,
      );
    }
    return exactSum(terms);
  }
  const n = repricing.node;
  for (const u of usage) terms.push((u.inputTokens + u.cacheWriteTokens) / n.prefillTokensPerSecond, u.outputTokens / n.decodeTokensPerSecond);
  return exactSum(terms) * nodeUsdPerSecond(n);
}

/** A cost with kpis-v1's two ratios for the window's merged changes and their survival. */
export function costFigures(costUsd: number, kpis: Pick<Kpis, 'mergedChanges' | 'weekSurvival'>): CostFigures {
  return {
    costUsd,
    costPerMergedChange: costPerMergedChange(costUsd, kpis.mergedChanges),
    costPerSurvivingChange: costPerSurvivingChange(costUsd, kpis.mergedChanges, kpis.weekSurvival.rate),
  };
}

/**
 * The answer of GET /api/v1/whatif: `baseline` from the window's KPIs, `whatIf` the window's
 * usage re-priced; null when the scenario's model is not priced.
 */
export function whatIf(
  scenario: Scenario,
  kpis: Pick<Kpis, 'costUsd' | 'mergedChanges' | 'weekSurvival'>,
  usage: readonly UsageRow[],
  w: KpiWindow,
  prices: PriceLookup,
): WhatIfAnswer | null {
  const repricing = repricingOf(scenario, prices);
  if (!repricing) return null;
  const cost = repricedCostUsd(usage.filter((u) => inWindow(u.at, w)), repricing);
  return {
    scenario,
    baseline: costFigures(kpis.costUsd, kpis),
    whatIf: costFigures(cost, kpis),
    savingUsd: kpis.costUsd - cost,
  };
}
