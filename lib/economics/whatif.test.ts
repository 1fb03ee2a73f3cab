import { describe, expect, it } from 'vitest';
import { PRICES, T0, usageRow } from '@/lib/kpi/test-fixtures';
import { DAY_MS } from '@/lib/kpi/time';
import { breakEven } from './break-even';
import { whatIf } from './whatif';
import type { Scenario } from './types';

const w = { from: T0, to: T0 + 7 * DAY_MS, asOf: T0 + 7 * DAY_MS };
// 2M input, 1M output, 10M cache reads, 1M cache writes; plus a row outside the window.
const usage = [
  usageRow(T0 + DAY_MS, { inputTokens: 2_000_000, outputTokens: 1_000_000, cacheReadTokens: 10_000_000, cacheWriteTokens: 1_000_000 }),
  usageRow(T0 - 1, { inputTokens: 99_000_000 }),
];
// Today: $96 over 8 merged changes, half of them surviving.
const kpis = { costUsd: 96, mergedChanges: 8, weekSurvival: { rate: 0.5, survived: 2, eligible: 4, pending: 4 } };

describe('whatIf', () => {
  it('price: tokens × rates ÷ 10^6, with the ratios and the saving', () => {
    const scenario: Scenario = { kind: 'price', inputPerM: 1, outputPerM: 4, cacheReadPerM: 0.1, cacheWritePerM: 2 };
    // 2 + 4 + 1 + 2 = $9.
    expect(whatIf(scenario, kpis, usage, w, PRICES)).toEqual({
      scenario,
      baseline: { costUsd: 96, costPerMergedChange: 12, costPerSurvivingChange: 24 },
      whatIf: { costUsd: 9, costPerMergedChange: 1.125, costPerSurvivingChange: 2.25 },
      savingUsd: 87,
    });
  });

  it('model: the price table rates of that model (m-a: $3 / $15 / $0.30 / $3.75)', () => {
    const answer = whatIf({ kind: 'model', model: 'm-a' }, kpis, usage, w, PRICES)!;
    // 6 + 15 + 3 + 3.75 = $27.75.
    expect(answer.whatIf.costUsd).toBeCloseTo(27.75, 12);
    expect(answer.savingUsd).toBeCloseTo(68.25, 12);
  });

  it('model: an unpriced model gives null (the API answers 400 naming model)', () => {
    expect(whatIf({ kind: 'model', model: 'nobody-prices-me' }, kpis, usage, w, PRICES)).toBeNull();
  });

  it('selfhosted: node seconds × gpus × $/h ÷ 3600 ÷ utilization, cache reads free', () => {
    const node = { gpuHourUsd: 3, gpus: 8, prefillTokensPerSecond: 30_000, decodeTokensPerSecond: 2_000, utilization: 0.5 };
    // (2M + 1M) ÷ 30,000 + 1M ÷ 2,000 = 100 + 500 = 600 s; 600 × 8 × 3 ÷ 3600 ÷ 0.5 = $8.
    const answer = whatIf({ kind: 'selfhosted', ...node }, kpis, usage, w, PRICES)!;
    expect(answer.whatIf.costUsd).toBeCloseTo(8, 12);
    expect(answer.whatIf.costPerSurvivingChange).toBeCloseTo(2, 12);
    expect(answer.savingUsd).toBeCloseTo(88, 12);
  });

  it('a scenario dearer than today saves a negative amount; no merged change: null ratios', () => {
    const none = { costUsd: 1, mergedChanges: 0, weekSurvival: { rate: null, survived: 0, eligible: 0, pending: 0 } };
    const answer = whatIf({ kind: 'price', inputPerM: 1, outputPerM: 0, cacheReadPerM: 0, cacheWritePerM: 0 }, none, usage, w, PRICES)!;
    expect(answer.whatIf).toEqual({ costUsd: 2, costPerMergedChange: null, costPerSurvivingChange: null });
    expect(answer.savingUsd).toBe(-1);
  });
});

describe('breakEven', () => {
  it('the monthly volume at which the node costs what the API does, and what the node can serve', () => {
    const node = { gpuHourUsd: 2, gpus: 4, prefillTokensPerSecond: 1, decodeTokensPerSecond: 1, utilization: 1 };
    // Node: 4 × $2 × 730.5 h = $5,844 a month. API: $100 for 10M tokens → $10 per M → 584.4M tokens.
    // Node serves the 10M in $50 of its time → 10M × 5,844 ÷ 50 = 1,168.8M tokens a month.
    const b = breakEven(node, 10_000_000, 100, 50);
    expect(b.nodeMonthlyUsd).toBeCloseTo(5844, 9);
    expect(b.breakEvenTokensPerMonth).toBeCloseTo(584_400_000, 3);
    expect(b.capacityTokensPerMonth).toBeCloseTo(1_168_800_000, 3);
  });
  it('no cost today or no tokens: no break-even', () => {
    const node = { gpuHourUsd: 2, gpus: 1, prefillTokensPerSecond: 1, decodeTokensPerSecond: 1, utilization: 1 };
    expect(breakEven(node, 0, 0, 0)).toMatchObject({ breakEvenTokensPerMonth: null, capacityTokensPerMonth: null });
  });
});
