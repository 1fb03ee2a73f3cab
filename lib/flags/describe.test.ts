import { describe, expect, it } from 'vitest';
import { describeFlag, formatInt, formatPercent } from './describe';
import type { Flag } from './flags';

describe('formatting', () => {
  it('formats integers with thousands separators and percentages', () => {
    expect(formatInt(0)).toBe('0');
    expect(formatInt(999)).toBe('999');
    expect(formatInt(1000)).toBe('1,000');
    expect(formatInt(412_000)).toBe('412,000');
    expect(formatInt(1_234_567.6)).toBe('1,234,568');
    expect(formatInt(-2500)).toBe('-2,500');
    expect(formatPercent(0.7)).toBe('70%');
    expect(formatPercent(5 / 6)).toBe('83.3%');
  });
});

describe('describeFlag', () => {
  const burn = {
    tokens: 412_000, threshold: 200_000, minTokens: 200_000, multiplier: 3, medianConvergedTokens: null,
    convergedRuns: 2, minConvergedRuns: 5, ended: true, lastEventAt: '2026-06-02T00:00:00.000Z', idleHours: 10, maxIdleHours: 24,
  };
  it('burn_without_outcome', () => {
    expect(describeFlag({ kind: 'burn_without_outcome', run: 'r', evidence: burn })).toBe(
      'Burned 412,000 tokens with no merged change (threshold 200,000)',
    );
    expect(
      describeFlag({ kind: 'burn_without_outcome', run: 'r', evidence: { ...burn, threshold: 300_000, medianConvergedTokens: 100_000, convergedRuns: 6 } }),
    ).toBe('Burned 412,000 tokens with no merged change (threshold 300,000: 3 × the median 100,000 of 6 converged runs)');
  });
  it('stalled', () => {
    const e = { iterations: 12, minIterations: 8, windowIterations: 5, since: '2026-06-01T08:00:00.000Z', testsBefore: 3, testsSince: 1, bestFailedBefore: 2, bestFailedSince: 3 };
    expect(describeFlag({ kind: 'stalled', run: 'r', evidence: e })).toBe(
      'No new best test result in the last 5 of 12 iterations (fewest failures 3 since, 2 before)',
    );
    expect(describeFlag({ kind: 'stalled', run: 'r', evidence: { ...e, testsSince: 0, bestFailedSince: null, bestFailedBefore: 1 } })).toBe(
      'No new best test result in the last 5 of 12 iterations (no test result since; best before: 1 failure)',
    );
  });
  it('chatter', () => {
    const f: Flag = { kind: 'chatter', run: 'r', evidence: { messages: 28, toolCalls: 12, messageShare: 0.7, minMessages: 20, minMessageShare: 0.7, linkedChanges: 0 } };
    expect(describeFlag(f)).toBe('28 agent messages against 12 tool calls (70% messages, threshold 70%) and no linked change');
  });
  it('divergence', () => {
    const f: Flag = {
      kind: 'divergence',
      team: 'acme',
      evidence: {
        weeks: 4, earlierFrom: '2026-04-06', laterFrom: '2026-05-04', laterTo: '2026-06-01', earlierTokens: 1_200_000, laterTokens: 2_100_000,
        tokenGrowth: 0.75, minGrowth: 0.5, earlierMergedChanges: 10, laterMergedChanges: 8,
      },
    };
    expect(describeFlag(f)).toBe(
      'Tokens grew 75% (1,200,000 → 2,100,000) over the last 4 weeks while merged changes did not grow (10 → 8; threshold 50%)',
    );
  });
});
