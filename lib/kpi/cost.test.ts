import { describe, expect, it } from 'vitest';
import { costPerMergedChange, costPerSurvivingChange, costUsd, tokenTotals } from './cost';
import { DAY_MS } from './time';
import { PRICES, usageRow as usage } from './test-fixtures';

const T0 = Date.UTC(2026, 5, 1); // Monday
const D = DAY_MS;
const W = { from: T0, to: T0 + 28 * D, asOf: T0 + 28 * D };

describe('tokenTotals', () => {
  it('sums the four kinds over rows in [from, to) at or before asOf', () => {
    const rows = [
      usage(T0, { inputTokens: 100, outputTokens: 20, cacheReadTokens: 3, cacheWriteTokens: 4 }),
      usage(T0 + 5 * D, { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 30, cacheWriteTokens: 40 }),
      usage(T0 - 1, { inputTokens: 7 }), // before from
      usage(W.to, { inputTokens: 7 }), // at to
    ];
    expect(tokenTotals(rows, W)).toEqual({ input: 1100, output: 220, cacheRead: 33, cacheWrite: 44, total: 1397 });
  });
  it('ignores usage after asOf', () => {
    const w = { ...W, asOf: T0 + D };
    const rows = [usage(T0 + D, { inputTokens: 5 }), usage(T0 + D + 1, { inputTokens: 50 })];
    expect(tokenTotals(rows, w)).toEqual({ input: 5, output: 0, cacheRead: 0, cacheWrite: 0, total: 5 });
  });
  it('is all zeros with no usage', () => {
    expect(tokenTotals([], W)).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 });
  });
});

describe('costUsd', () => {
  it('adds explicit cost_usd and prices costless tokens per million', () => {
    const rows = [
      usage(T0, {
        explicitCostUsd: 0.25,
        costlessCalls: 4,
        costlessInputTokens: 1_000_000, // $3
        costlessOutputTokens: 100_000, // $1.5
        costlessCacheReadTokens: 1_000_000, // $0.3
      }),
    ];
    expect(costUsd(rows, W, PRICES)).toEqual({ costUsd: 5.05, unpricedCalls: 0 });
  });
  it('prices each model at its own rates, cache writes included', () => {
    const rows = [
      usage(T0, { model: 'm-b', costlessCalls: 1, costlessInputTokens: 2_000_000, costlessCacheWriteTokens: 400_000 }), // 2 + 0.5
      usage(T0 + D, { model: 'm-a', costlessCalls: 1, costlessCacheWriteTokens: 200_000 }), // 0.75
    ];
    expect(costUsd(rows, W, PRICES)).toEqual({ costUsd: 3.25, unpricedCalls: 0 });
  });
  it('counts calls of unknown models as unpriced (adding 0) but keeps their explicit cost', () => {
    const rows = [
      usage(T0, { model: 'mystery', explicitCostUsd: 0.5, costlessCalls: 3, costlessInputTokens: 999_999 }),
      usage(T0, { model: 'mystery', explicitCostUsd: 0.25 }),
    ];
    expect(costUsd(rows, W, PRICES)).toEqual({ costUsd: 0.75, unpricedCalls: 3 });
  });
  it('ignores rows outside the window and after asOf', () => {
    const w = { from: T0, to: T0 + 7 * D, asOf: T0 + 2 * D };
    const rows = [
      usage(T0 - 1, { explicitCostUsd: 100, costlessCalls: 9 }),
      usage(T0, { explicitCostUsd: 1 }),
      usage(T0 + 2 * D, { explicitCostUsd: 2 }),
      usage(T0 + 2 * D + 1, { explicitCostUsd: 100, model: 'mystery', costlessCalls: 9 }),
      usage(T0 + 7 * D, { explicitCostUsd: 100 }),
    ];
    expect(costUsd(rows, w, PRICES)).toEqual({ costUsd: 3, unpricedCalls: 0 });
  });
  it('does not depend on row order, and is the week subtotals added oldest first', () => {
    const rows = [
      usage(T0, { explicitCostUsd: 0.1 }),
      usage(T0 + D, { explicitCostUsd: 0.2 }),
      usage(T0 + 2 * D, { explicitCostUsd: 0.3 }),
      usage(T0 + 8 * D, { explicitCostUsd: 0.7 }),
    ];
    const a = costUsd(rows, W, PRICES).costUsd;
    const b = costUsd([...rows].reverse(), W, PRICES).costUsd;
    expect(a).toBe(b);
    // week 1 = exact 0.1 + 0.2 + 0.3 = 0.6; week 2 = 0.7; window = 0 + 0.6 + 0.7
    expect(a).toBe(0 + 0.6 + 0.7);
    const w1 = costUsd(rows, { ...W, to: T0 + 7 * D }, PRICES).costUsd;
    const w2 = costUsd(rows, { ...W, from: T0 + 7 * D }, PRICES).costUsd;
    expect(w1).toBe(0.6);
    expect(0 + w1 + w2).toBe(a);
  });
  it('is 0 with no usage', () => {
    expect(costUsd([], W, PRICES)).toEqual({ costUsd: 0, unpricedCalls: 0 });
  });
});

describe('cost per change', () => {
  it('costPerMergedChange is null without merges', () => {
    expect(costPerMergedChange(1.2, 0)).toBeNull();
    expect(costPerMergedChange(1.2, 12)).toBe(0.09999999999999999); // 1.2 / 12 in IEEE doubles
    expect(costPerMergedChange(0, 3)).toBe(0);
  });
  it('costPerSurvivingChange = cost ÷ (merged × rate), null when the rate is null or 0', () => {
    expect(costPerSurvivingChange(1.2, 12, 0.75)).toBe(1.2 / 9);
    expect(costPerSurvivingChange(1.2, 12, null)).toBeNull();
    expect(costPerSurvivingChange(1.2, 12, 0)).toBeNull();
    expect(costPerSurvivingChange(1.2, 0, 1)).toBeNull();
  });
});

describe('with the real price table of lib/pricing', () => {
  it('accepts a PriceTable as the price lookup (exact id, then prefix)', async () => {
    const { createPriceTable } = await import('../pricing/lookup');
    const table = createPriceTable(
      [{ model: 'm-a', input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, source: 'test', asOf: '2026-06-01' }],
      'test',
    );
    const prices: import('./types').PriceLookup = table; // structural compatibility
    const rows = [
      usage(T0, { model: 'm-a-20260601', costlessCalls: 1, costlessInputTokens: 1_000_000 }),
      usage(T0, { model: 'other', costlessCalls: 2, costlessInputTokens: 1_000_000 }),
    ];
    expect(costUsd(rows, W, prices)).toEqual({ costUsd: 3, unpricedCalls: 2 });
  });
});
