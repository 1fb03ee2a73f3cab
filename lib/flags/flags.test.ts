import { describe, expect, it } from 'vitest';
import { changeRow, runRow, T0 } from '../kpi/test-fixtures';
import { DAY_MS, HOUR_MS, WEEK_MS } from '../kpi/time';
import type { RunRow, WeekTotals } from '../kpi/types';
import { burnWithoutOutcome, chatter, computeFlags, divergence, stalled } from './flags';
import { DEFAULT_FLAG_THRESHOLDS, resolveThresholds } from './thresholds';
import { weekTotals } from '../kpi/compute';
import { usageRow } from '../kpi/test-fixtures';

const D = DAY_MS;
const H = HOUR_MS;
const W = { from: T0, to: T0 + 28 * D, asOf: T0 + 28 * D };
const iso = (ms: number) => new Date(ms).toISOString();
const T = DEFAULT_FLAG_THRESHOLDS;

/** An ended run in the window that used `tokens`. */
const burner = (run: string, tokens: number, p: Partial<RunRow> = {}) =>
  runRow(run, { startsAt: [T0 + D], llmCalls: [{ at: T0 + D, tokens }], endsAt: [T0 + 2 * D], ...p });
/** A converged run that ended in the window. */
const convergedRun = (run: string, tokens: number, endedAt = T0 + 3 * D) =>
  burner(run, tokens, {
    endsAt: [endedAt],
    linkedChanges: [{ change: `${run}-c`, firstEventAt: T0 + D, mergedAt: T0 + 2 * D }],
  });

describe('DEFAULT_FLAG_THRESHOLDS', () => {
  it('holds the defaults of kpis-v1.md', () => {
    expect(DEFAULT_FLAG_THRESHOLDS).toEqual({
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
    expect(Object.isFrozen(DEFAULT_FLAG_THRESHOLDS)).toBe(true);
  });
  it('resolveThresholds lays team settings over the defaults', () => {
    expect(resolveThresholds({ burnMinTokens: 1000, chatterMinMessages: null })).toEqual({ ...T, burnMinTokens: 1000 });
    expect(resolveThresholds(undefined)).toEqual(T);
  });
});

describe('burnWithoutOutcome', () => {
  it('trips at exactly 200,000 tokens on an ended run, with its evidence', () => {
    expect(burnWithoutOutcome([burner('r', 200_000)], W, T)).toEqual([
      {
        kind: 'burn_without_outcome',
        run: 'r',
        evidence: {
          tokens: 200_000,
          threshold: 200_000,
          minTokens: 200_000,
          multiplier: 3,
          medianConvergedTokens: null,
          convergedRuns: 0,
          minConvergedRuns: 5,
          ended: true,
          lastEventAt: iso(T0 + 2 * D),
          idleHours: 26 * 24,
          maxIdleHours: 24,
        },
      },
    ]);
    expect(burnWithoutOutcome([burner('r', 199_999)], W, T)).toEqual([]);
  });
  it('sums every llm.call of the run up to asOf, even before the window', () => {
    const r = burner('r', 0, {
      llmCalls: [{ at: T0 - 5 * D, tokens: 150_000 }, { at: T0 + D, tokens: 50_000 }, { at: W.asOf + 1, tokens: 1e9 }],
    });
    expect(burnWithoutOutcome([r], W, T).map((f) => f.evidence)).toMatchObject([{ tokens: 200_000 }]);
    const early = { ...W, asOf: T0 + 2 * D };
    expect(burnWithoutOutcome([burner('r', 150_000, { llmCalls: [{ at: T0 + 2 * D + 1, tokens: 100_000 }] })], early, T)).toEqual([]);
  });
  it('a run without run.ended is over only once its last event is more than 24 h before asOf', () => {
    const idle = (ms: number) => runRow('r', { startsAt: [T0], llmCalls: [{ at: W.asOf - ms, tokens: 300_000 }] });
    expect(burnWithoutOutcome([idle(24 * H)], W, T)).toEqual([]);
    const f = burnWithoutOutcome([idle(24 * H + 1)], W, T);
    expect(f).toHaveLength(1);
    expect(f[0].evidence).toMatchObject({ ended: false, idleHours: 24 + 1 / H, lastEventAt: iso(W.asOf - 24 * H - 1) });
  });
  it('a run.ended after asOf does not count as ended', () => {
    const asOf = T0 + 2 * D;
    const r = burner('r', 300_000, { endsAt: [asOf + 1], llmCalls: [{ at: asOf - H, tokens: 300_000 }] });
    expect(burnWithoutOutcome([r], { ...W, asOf }, T)).toEqual([]);
  });
  it('a run with a linked change merged at or before asOf has no flag', () => {
    const linked = (mergedAt: number | null) =>
      burner('r', 10_000_000, { linkedChanges: [{ change: 'c', firstEventAt: T0, mergedAt }] });
    expect(burnWithoutOutcome([linked(W.asOf)], W, T)).toEqual([]);
    expect(burnWithoutOutcome([linked(T0 + D)], W, T)).toEqual([]);
    expect(burnWithoutOutcome([linked(W.asOf + 1)], W, T)).toHaveLength(1);
    expect(burnWithoutOutcome([linked(null)], W, T)).toHaveLength(1);
  });
  it('only for runs whose last event (as of asOf) falls in the window', () => {
    const before = burner('r', 1e6, { startsAt: [T0 - 3 * D], llmCalls: [{ at: T0 - 2 * D, tokens: 1e6 }], endsAt: [T0 - D] });
    expect(burnWithoutOutcome([before], W, T)).toEqual([]);
    const laterEvent = { ...before, messagesAt: [W.asOf + 1] }; // does not exist at asOf
    expect(burnWithoutOutcome([laterEvent], W, T)).toEqual([]);
    const atFrom = { ...before, messagesAt: [T0] };
    expect(burnWithoutOutcome([atFrom], W, T)).toHaveLength(1);
  });
  it('uses the converged runs’ median only from 5 runs: 4 → threshold 200,000', () => {
    const conv = [1, 2, 3, 4].map((i) => convergedRun(`c${i}`, 100_000));
    const f = burnWithoutOutcome([...conv, burner('r', 250_000)], W, T);
    expect(f.map((x) => x.run)).toEqual(['r']);
    expect(f[0].evidence).toMatchObject({ threshold: 200_000, medianConvergedTokens: null, convergedRuns: 4 });
  });
  it('5 converged runs → threshold max(200,000, 3 × median)', () => {
    const conv = [1, 2, 3, 4, 5].map((i) => convergedRun(`c${i}`, 100_000));
    expect(burnWithoutOutcome([...conv, burner('r', 250_000)], W, T)).toEqual([]);
    const f = burnWithoutOutcome([...conv, burner('r', 300_000)], W, T);
    expect(f.map((x) => x.evidence)).toMatchObject([
      { tokens: 300_000, threshold: 300_000, medianConvergedTokens: 100_000, convergedRuns: 5 },
    ]);
  });
  it('the median is nearest-rank (lower middle on even counts)', () => {
    const conv = [10_000, 20_000, 100_000, 120_000, 130_000, 140_000].map((t, i) => convergedRun(`c${i}`, t));
    // v[ceil(0.5 × 6) - 1] = v[2] = 100,000 → threshold 300,000 (the mean of the middles would give 330,000)
    const f = burnWithoutOutcome([...conv, burner('r', 300_000)], W, T);
    expect(f.map((x) => x.evidence)).toMatchObject([{ threshold: 300_000, medianConvergedTokens: 100_000, convergedRuns: 6 }]);
  });
  it('3 × a small median stays below the 200,000 floor', () => {
    const conv = [1, 2, 3, 4, 5].map((i) => convergedRun(`c${i}`, 50_000));
    const f = burnWithoutOutcome([...conv, burner('r', 200_000)], W, T);
    expect(f.map((x) => x.evidence)).toMatchObject([{ threshold: 200_000, medianConvergedTokens: 50_000 }]);
  });
  it('converged runs that ended outside the window do not count towards the median', () => {
    const conv = [1, 2, 3, 4].map((i) => convergedRun(`c${i}`, 100_000));
    const outside = convergedRun('c5', 100_000, T0 - D);
    const f = burnWithoutOutcome([...conv, outside, burner('r', 250_000)], W, T);
    expect(f.map((x) => x.evidence)).toMatchObject([{ threshold: 200_000, convergedRuns: 4 }]);
  });
  it('follows per-team thresholds', () => {
    const t = { ...T, burnMinTokens: 1000, burnIdleHours: 1 };
    const r = runRow('r', { llmCalls: [{ at: W.asOf - 2 * H, tokens: 1000 }] });
    expect(burnWithoutOutcome([r], W, t)).toHaveLength(1);
  });
});

describe('stalled', () => {
  const its = (n: number) => Array.from({ length: n }, (_, i) => T0 + (i + 1) * H); // T0+1h … T0+n h
  // With 8 iterations the 5th-from-last began at T0 + 4 h.
  const base = (p: Partial<RunRow> = {}) =>
    runRow('r', {
      iterationsAt: its(8),
      tests: [{ at: T0 + 1.5 * H, failed: 3 }, { at: T0 + 5.5 * H, failed: 3 }, { at: T0 + 7.5 * H, failed: 4 }],
      ...p,
    });
  it('exactly 8 iterations and no new best since the 5th-from-last: flagged, with evidence', () => {
    expect(stalled([base()], W, T)).toEqual([
      {
        kind: 'stalled',
        run: 'r',
        evidence: {
          iterations: 8,
          minIterations: 8,
          windowIterations: 5,
          since: iso(T0 + 4 * H),
          testsBefore: 1,
          testsSince: 2,
          bestFailedBefore: 3,
          bestFailedSince: 3,
        },
      },
    ]);
  });
  it('7 iterations: not flagged', () => {
    expect(stalled([base({ iterationsAt: its(7) })], W, T)).toEqual([]);
  });
  it('an iteration after asOf does not count', () => {
    const r = base({ iterationsAt: [...its(7), W.asOf + 1] });
    expect(stalled([r], W, T)).toEqual([]);
  });
  it('a new best inside the last 5 iterations: not flagged', () => {
    const r = base({ tests: [{ at: T0 + 1.5 * H, failed: 3 }, { at: T0 + 6 * H, failed: 2 }] });
    expect(stalled([r], W, T)).toEqual([]);
  });
  it('a test.result exactly when the 5th-from-last iteration began counts as since', () => {
    const better = base({ tests: [{ at: T0 + 1.5 * H, failed: 3 }, { at: T0 + 4 * H, failed: 1 }] });
    expect(stalled([better], W, T)).toEqual([]);
    const worse = base({ tests: [{ at: T0 + 1.5 * H, failed: 3 }, { at: T0 + 4 * H, failed: 5 }] });
    expect(stalled([worse], W, T).map((f) => f.evidence)).toMatchObject([{ testsBefore: 1, testsSince: 1, bestFailedSince: 5 }]);
  });
  it('the lowest count before the point is the bar (not the latest)', () => {
    const r = base({
      iterationsAt: its(12), // point = T0 + 8 h
      tests: [{ at: T0 + 1.5 * H, failed: 5 }, { at: T0 + 6 * H, failed: 2 }, { at: T0 + 7 * H, failed: 4 }, { at: T0 + 9 * H, failed: 3 }],
    });
    expect(stalled([r], W, T).map((f) => f.evidence)).toMatchObject([
      { iterations: 12, since: iso(T0 + 8 * H), bestFailedBefore: 2, bestFailedSince: 3, testsBefore: 3, testsSince: 1 },
    ]);
  });
  it('no test.result before the point: not flagged', () => {
    const r = base({ tests: [{ at: T0 + 4 * H, failed: 9 }, { at: T0 + 6 * H, failed: 9 }] });
    expect(stalled([r], W, T)).toEqual([]);
    expect(stalled([base({ tests: [] })], W, T)).toEqual([]);
  });
  it('tests before the point but none since: flagged (nothing beat the best)', () => {
    const r = base({ tests: [{ at: T0 + 1.5 * H, failed: 3 }] });
    expect(stalled([r], W, T).map((f) => f.evidence)).toMatchObject([{ testsSince: 0, bestFailedSince: null }]);
  });
  it('orders iterations and tests by ts, whatever the input order', () => {
    const r = base({ iterationsAt: [...its(8)].reverse(), tests: [...base().tests].reverse() });
    expect(stalled([r], W, T)).toHaveLength(1);
  });
  it('a converged run is not flagged', () => {
    const r = base({ linkedChanges: [{ change: 'c', firstEventAt: T0, mergedAt: T0 + 9 * H }] });
    expect(stalled([r], W, T)).toEqual([]);
  });
});

describe('chatter', () => {
  const talk = (messages: number, tools: number, p: Partial<RunRow> = {}) =>
    runRow('r', {
      messagesAt: Array.from({ length: messages }, (_, i) => T0 + i * 1000),
      toolCallsAt: Array.from({ length: tools }, (_, i) => T0 + i * 1000 + 1),
      ...p,
    });
  it('20 messages, no tool calls: flagged with evidence', () => {
    expect(chatter([talk(20, 0)], W, T)).toEqual([
      {
        kind: 'chatter',
        run: 'r',
        evidence: { messages: 20, toolCalls: 0, messageShare: 1, minMessages: 20, minMessageShare: 0.7, linkedChanges: 0 },
      },
    ]);
  });
  it('19 messages: not flagged', () => {
    expect(chatter([talk(19, 0)], W, T)).toEqual([]);
  });
  it('exactly 70 % trips, just under does not', () => {
    expect(chatter([talk(28, 12)], W, T).map((f) => f.evidence.messageShare)).toEqual([0.7]);
    expect(chatter([talk(21, 9)], W, T)).toHaveLength(1); // 21 / 30
    expect(chatter([talk(28, 13)], W, T)).toEqual([]); // 28 / 41 = 0.68
    expect(chatter([talk(20, 9)], W, T)).toEqual([]); // 20 / 29 = 0.69
  });
  it('any linked change blocks it, merged or not; one that does not exist yet at asOf does not', () => {
    const link = (firstEventAt: number) => [{ change: 'c', firstEventAt, mergedAt: null }];
    expect(chatter([talk(30, 0, { linkedChanges: link(T0) })], W, T)).toEqual([]);
    expect(chatter([talk(30, 0, { linkedChanges: link(W.asOf + 1) })], W, T)).toHaveLength(1);
  });
  it('messages after asOf do not count', () => {
    const r = talk(19, 0, { messagesAt: [...talk(19, 0).messagesAt, W.asOf + 1] });
    expect(chatter([r], W, T)).toEqual([]);
  });
  it('only for runs whose last event falls in the window', () => {
    const w = { from: T0 + D, to: T0 + 28 * D, asOf: W.asOf };
    expect(chatter([talk(30, 0)], w, T)).toEqual([]);
  });
});

describe('divergence', () => {
  const asOf = T0 + 2 * D + 12 * H; // Wed 2026-06-03; its week starts Mon 2026-06-01 (T0)
  const wk = (weeksBefore: number, tokens: number, mergedChanges: number): WeekTotals => ({
    weekStart: T0 - weeksBefore * WEEK_MS,
    tokens,
    mergedChanges,
  });
  const weeks = (earlier: number, later: number, earlierMerged = 1, laterMerged = 1) => [
    ...[8, 7, 6, 5].map((k) => wk(k, earlier, earlierMerged)),
    ...[4, 3, 2, 1].map((k) => wk(k, later, laterMerged)),
  ];
  it('tokens grew by exactly 50 % and merges did not grow: flagged, with evidence', () => {
    expect(divergence(weeks(100, 150), asOf, T, 'acme')).toEqual({
      kind: 'divergence',
      team: 'acme',
      evidence: {
        weeks: 4,
        earlierFrom: '2026-04-06',
        laterFrom: '2026-05-04',
        laterTo: '2026-06-01',
        earlierTokens: 400,
        laterTokens: 600,
        tokenGrowth: 0.5,
        minGrowth: 0.5,
        earlierMergedChanges: 4,
        laterMergedChanges: 4,
      },
    });
  });
  it('growth just under 50 % is not flagged', () => {
    const ws = weeks(100, 150);
    ws[7] = wk(1, 149, 1); // later = 599
    expect(divergence(ws, asOf, T)).toBeNull();
  });
  it('merged changes that grew clear it; fewer merges keep it', () => {
    expect(divergence(weeks(100, 300, 1, 2), asOf, T)).toBeNull();
    expect(divergence([...weeks(100, 300), wk(2, 0, 1)], asOf, T)).toBeNull(); // later 5 > earlier 4
    expect(divergence(weeks(100, 300, 2, 1), asOf, T)?.evidence).toMatchObject({ earlierMergedChanges: 8, laterMergedChanges: 4 });
  });
  it('earlier tokens 0: never flagged', () => {
    expect(divergence(weeks(0, 1_000_000, 0, 0), asOf, T)).toBeNull();
    expect(divergence([], asOf, T)).toBeNull();
  });
  it('ignores asOf’s own week and weeks before the earlier period; missing weeks are empty', () => {
    const ws = [wk(0, 1e9, 0), wk(9, 1e9, 0), wk(8, 400, 0), wk(3, 600, 0)];
    expect(divergence(ws, asOf, T)?.evidence).toMatchObject({ earlierTokens: 400, laterTokens: 600, tokenGrowth: 0.5 });
  });
  it('is judged at asOf: asOf on a Monday 00:00 starts a new week', () => {
    const ws = weeks(100, 150);
    expect(divergence(ws, T0, T)).not.toBeNull();
    expect(divergence(ws, T0 - 1, T)).toBeNull(); // one week earlier: periods shift by a week
  });
  it('compares the growth exactly (10 % of 100 is 110, though 1.1 × 100 > 110 in floats)', () => {
    const t = { ...T, divergenceMinGrowth: 0.1 };
    const ws = [wk(8, 100, 1), wk(4, 110, 1)];
    expect(divergence(ws, asOf, t)?.evidence.tokenGrowth).toBeCloseTo(0.1, 12);
    expect(divergence([wk(8, 100, 1), wk(4, 109, 1)], asOf, t)).toBeNull();
  });
  it('follows the number of weeks setting', () => {
    const t = { ...T, divergenceWeeks: 1 };
    expect(divergence([wk(2, 10, 1), wk(1, 15, 1)], asOf, t)?.evidence).toMatchObject({ weeks: 1, laterFrom: '2026-05-25', earlierFrom: '2026-05-18' });
  });
  it('works from weekTotals of rows', () => {
    const usage = [
      usageRow(T0 - 8 * WEEK_MS + D, { inputTokens: 400 }),
      usageRow(T0 - 2 * WEEK_MS, { inputTokens: 300, outputTokens: 300 }),
    ];
    const changes = [changeRow('a', T0 - 6 * WEEK_MS), changeRow('b', T0 - WEEK_MS)];
    const f = divergence(weekTotals(changes, usage, asOf, 8), asOf, T);
    expect(f?.evidence).toMatchObject({ earlierTokens: 400, laterTokens: 600, earlierMergedChanges: 1, laterMergedChanges: 1 });
  });
});

describe('computeFlags', () => {
  it('lists the window’s run flags by run then kind, then the team’s divergence judged at asOf', () => {
    const b = runRow('b', {
      endsAt: [T0 + D],
      llmCalls: [{ at: T0 + D, tokens: 500_000 }],
      messagesAt: Array.from({ length: 20 }, (_, i) => T0 + i),
    });
    const a = runRow('a', {
      iterationsAt: Array.from({ length: 8 }, (_, i) => T0 + (i + 1) * H),
      tests: [{ at: T0 + H, failed: 0 }],
    });
    const weeks: WeekTotals[] = [
      // asOf = Mon Jun 29: later period Jun 1 – Jun 28, earlier May 4 – May 31
      { weekStart: T0 - 4 * WEEK_MS, tokens: 10, mergedChanges: 0 },
      { weekStart: T0 + 3 * WEEK_MS, tokens: 100, mergedChanges: 0 },
    ];
    const flags = computeFlags({ runs: [b, a], weeks }, W, T, 'acme');
    expect(flags.map((f) => [f.kind, 'run' in f ? f.run : f.team])).toEqual([
      ['stalled', 'a'],
      ['burn_without_outcome', 'b'],
      ['chatter', 'b'],
      ['divergence', 'acme'],
    ]);
  });
  it('includes divergence whatever the window', () => {
    const weeks: WeekTotals[] = [
      { weekStart: T0 - 8 * WEEK_MS, tokens: 10, mergedChanges: 0 },
      { weekStart: T0 - WEEK_MS, tokens: 100, mergedChanges: 0 },
    ];
    const w = { from: T0 - 100 * D, to: T0 - 99 * D, asOf: T0 + D };
    expect(computeFlags({ runs: [], weeks }, w)).toEqual([divergence(weeks, w.asOf)]);
  });
  it('is empty for a quiet team', () => {
    expect(computeFlags({ runs: [], weeks: [] }, W)).toEqual([]);
  });
});
