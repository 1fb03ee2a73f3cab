/** Row builders shared by the unit tests of lib/kpi and lib/flags (test-only; pure). */
import type { DefectRow, Kpis, MergedChangeRow, PriceLookup, RunRow, UsageRow } from './types';

/** Monday 2026-06-01 00:00 UTC. */
export const T0 = Date.UTC(2026, 5, 1);

export const PRICES: PriceLookup = {
  lookup(model) {
    if (model === 'm-a') return { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
    if (model === 'm-b') return { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 1.25 };
    return null;
  },
};

export const changeRow = (change: string, mergedAt: number, p: Partial<MergedChangeRow> = {}): MergedChangeRow => ({
  change,
  mergedAt,
  modifiedAt: [],
  revertedAt: [],
  defectNamedAt: [],
  ...p,
});

export const defectRow = (defect: string, openedAt: number, fixedAt: number | null): DefectRow => ({
  defect,
  openedAt,
  fixedAt,
});

export const usageRow = (at: number, p: Partial<UsageRow> = {}): UsageRow => ({
  at,
  model: 'm-a',
  calls: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  explicitCostUsd: 0,
  costlessCalls: 0,
  costlessInputTokens: 0,
  costlessOutputTokens: 0,
  costlessCacheReadTokens: 0,
  costlessCacheWriteTokens: 0,
  ...p,
});

export const runRow = (run: string, p: Partial<RunRow> = {}): RunRow => ({
  run,
  startsAt: [],
  endsAt: [],
  iterationsAt: [],
  tests: [],
  messagesAt: [],
  toolCallsAt: [],
  llmCalls: [],
  linkedChanges: [],
  ...p,
});

/**
 * A team's figures as computeKpis answers them, made consistent from a few numbers: 4 weeks,
 * `merged` changes, `survived` of `eligible` surviving, `costUsd` over `tokens` tokens.
 */
export function kpisFixture(p: { merged: number; eligible: number; survived: number; costUsd: number; tokens?: number; pending?: number }): Kpis {
  const rate = p.eligible === 0 ? null : p.survived / p.eligible;
  const tokens = p.tokens ?? Math.round(p.costUsd * 100_000);
  const surviving = rate === null ? 0 : p.merged * rate;
  return {
    mergedChanges: p.merged,
    mergedPerWeek: p.merged / 4,
    weekSurvival: { rate, survived: p.survived, eligible: p.eligible, pending: p.pending ?? 0 },
    defectRate: { rate: null, failed: 0, eligible: 0, pending: 0 },
    timeToFix: { opened: 0, fixed: 0, open: 0, p50Hours: null, p90Hours: null, kmP50Hours: null },
    tokens: { input: tokens, output: 0, cacheRead: 0, cacheWrite: 0, total: tokens },
    costUsd: p.costUsd,
    unpricedCalls: 0,
    costPerMergedChange: p.merged === 0 ? null : p.costUsd / p.merged,
    costPerSurvivingChange: surviving === 0 ? null : p.costUsd / surviving,
    runs: { ended: 0, converged: 0, convergenceRate: null },
  };
}
