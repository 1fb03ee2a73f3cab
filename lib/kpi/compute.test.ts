import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeKpis, computeWeeklyKpis, weekTotals } from './compute';
import { changeRow, defectRow, PRICES, runRow, T0, usageRow } from './test-fixtures';
import { DAY_MS, HOUR_MS, utcDate, weeksOverlapping } from './time';
import type { KpiInput, MergedChangeRow, UsageRow } from './types';

const D = DAY_MS;
const H = HOUR_MS;
const W = { from: T0, to: T0 + 28 * D, asOf: T0 + 28 * D };

const scenario: KpiInput = {
  changes: [
    changeRow('c1', T0 + 1 * D, { modifiedAt: [T0 + 3 * D] }), // not survived; not failed
    changeRow('c2', T0 + 2 * D), // survived; not failed
    changeRow('c3', T0 + 5 * D, { revertedAt: [T0 + 10 * D] }), // not survived; failed
    changeRow('c4', T0 + 20 * D), // survived; defect-rate pending (8 days)
    changeRow('c5', T0 + 25 * D), // pending for both
    changeRow('c6', T0 - D), // outside
  ],
  defects: [defectRow('d1', T0 + 3 * D, T0 + 3 * D + 6 * H), defectRow('d2', T0 + 4 * D, null)],
  usage: [
    usageRow(T0, {
      model: 'm-a', calls: 10, inputTokens: 1_000_000, outputTokens: 100_000,
      costlessCalls: 10, costlessInputTokens: 1_000_000, costlessOutputTokens: 100_000, // $3 + $1.5
    }),
    usageRow(T0 + 8 * D, { model: 'mystery', calls: 2, inputTokens: 5000, costlessCalls: 2, costlessInputTokens: 5000 }),
    usageRow(T0 + 9 * D, { model: 'm-b', calls: 3, inputTokens: 2000, outputTokens: 500, explicitCostUsd: 0.7 }),
    usageRow(T0 - 1, { inputTokens: 99, explicitCostUsd: 99 }),
  ],
  runs: [
    runRow('r1', { startsAt: [T0], endsAt: [T0 + 2 * D], linkedChanges: [{ change: 'c2', firstEventAt: T0 + D, mergedAt: T0 + 2 * D }] }),
    runRow('r2', { startsAt: [T0], endsAt: [T0 + 3 * D] }),
    runRow('r3', { startsAt: [T0 + 4 * D] }),
  ],
};

describe('computeKpis', () => {
  it('gives every figure of kpis-v1.md under its name', () => {
    const k = computeKpis(scenario, W, PRICES);
    expect(k).toEqual({
      mergedChanges: 5,
      mergedPerWeek: 1.25,
      weekSurvival: { rate: 0.5, survived: 2, eligible: 4, pending: 1 },
      defectRate: { rate: 1 / 3, failed: 1, eligible: 3, pending: 2 },
      timeToFix: { opened: 2, fixed: 1, open: 1, p50Hours: 6, p90Hours: 6, kmP50Hours: 6 },
      tokens: { input: 1_007_000, output: 100_500, cacheRead: 0, cacheWrite: 0, total: 1_107_500 },
      costUsd: 0 + 4.5 + 0.7, // week of Jun 1, then week of Jun 8
      unpricedCalls: 2,
      costPerMergedChange: (4.5 + 0.7) / 5,
      costPerSurvivingChange: (4.5 + 0.7) / (5 * 0.5),
      runs: { ended: 2, converged: 1, convergenceRate: 0.5 },
    });
    expect(k.costUsd).toBe(5.2);
    expect(Object.keys(k)).toEqual([
      'mergedChanges', 'mergedPerWeek', 'weekSurvival', 'defectRate', 'timeToFix', 'tokens',
      'costUsd', 'unpricedCalls', 'costPerMergedChange', 'costPerSurvivingChange', 'runs',
    ]);
  });
  it('has null ratios on an empty team', () => {
    expect(computeKpis({ changes: [], defects: [], usage: [], runs: [] }, W, PRICES)).toEqual({
      mergedChanges: 0,
      mergedPerWeek: 0,
      weekSurvival: { rate: null, survived: 0, eligible: 0, pending: 0 },
      defectRate: { rate: null, failed: 0, eligible: 0, pending: 0 },
      timeToFix: { opened: 0, fixed: 0, open: 0, p50Hours: null, p90Hours: null, kmP50Hours: null },
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
      costUsd: 0,
      unpricedCalls: 0,
      costPerMergedChange: null,
      costPerSurvivingChange: null,
      runs: { ended: 0, converged: 0, convergenceRate: null },
    });
  });
  it('costPerSurvivingChange is null when nothing survived (rate 0) and when nothing is eligible', () => {
    const input: KpiInput = { ...scenario, changes: [changeRow('a', T0, { revertedAt: [T0 + D] })] };
    const k = computeKpis(input, W, PRICES);
    expect(k.weekSurvival.rate).toBe(0);
    expect(k.costPerMergedChange).toBe(5.2);
    expect(k.costPerSurvivingChange).toBeNull();
    const recent = computeKpis({ ...scenario, changes: [changeRow('a', W.asOf - D)] }, W, PRICES);
    expect(recent.weekSurvival.rate).toBeNull();
    expect(recent.costPerSurvivingChange).toBeNull();
  });
  it('seen at an earlier asOf, later events do not exist anywhere', () => {
    const asOf = T0 + 3 * D;
    const k = computeKpis(scenario, { ...W, asOf }, PRICES);
    expect(k.mergedChanges).toBe(2); // c1, c2
    expect(k.weekSurvival).toEqual({ rate: null, survived: 0, eligible: 0, pending: 2 });
    expect(k.timeToFix).toEqual({ opened: 1, fixed: 0, open: 1, p50Hours: null, p90Hours: null, kmP50Hours: null });
    expect(k.tokens.total).toBe(1_100_000);
    expect(k.unpricedCalls).toBe(0);
    expect(k.costUsd).toBe(4.5);
    expect(k.runs).toEqual({ ended: 2, converged: 1, convergenceRate: 0.5 }); // r2's run.ended is exactly at asOf
  });
});

describe('computeWeeklyKpis', () => {
  // Wed Jun 3 .. Wed Jun 24 (exclusive): weeks of Jun 1 (clipped to Wed–Sun), Jun 8, Jun 15 (empty), Jun 22 (Mon–Tue)
  const w = { from: T0 + 2 * D, to: T0 + 23 * D, asOf: T0 + 40 * D };
  const input: KpiInput = {
    changes: [
      changeRow('before-from', T0 + 1 * D),
      changeRow('at-from', T0 + 2 * D),
      changeRow('thu', T0 + 3 * D, { modifiedAt: [T0 + 4 * D] }),
      changeRow('wk2', T0 + 9 * D),
      changeRow('wk4', T0 + 22 * D),
      changeRow('at-to', T0 + 23 * D),
    ],
    defects: [],
    usage: [
      usageRow(T0 + 1 * D, { inputTokens: 7, explicitCostUsd: 7 }),
      usageRow(T0 + 2 * D, { inputTokens: 1000, explicitCostUsd: 0.1 }),
      usageRow(T0 + 6 * D, { outputTokens: 10, explicitCostUsd: 0.2 }),
      usageRow(T0 + 10 * D, { inputTokens: 500, costlessCalls: 1, costlessInputTokens: 500, model: 'nope' }),
      usageRow(T0 + 22 * D, { cacheReadTokens: 250, explicitCostUsd: 0.3 }),
      usageRow(T0 + 23 * D, { inputTokens: 7, explicitCostUsd: 7 }),
    ],
    runs: [],
  };
  const { weeks } = computeWeeklyKpis(input, w, PRICES);
  const whole = computeKpis(input, w, PRICES);

  it('lists every overlapping ISO week, oldest first, empty weeks included, labelled by the Monday', () => {
    expect(weeks.map((x) => x.week)).toEqual(['2026-06-01', '2026-06-08', '2026-06-15', '2026-06-22']);
    expect(weeks.map((x) => x.mergedChanges)).toEqual([2, 1, 0, 1]);
    expect(weeks.map((x) => x.tokens.total)).toEqual([1010, 500, 0, 250]);
    expect(weeks.map((x) => x.unpricedCalls)).toEqual([0, 1, 0, 0]);
    expect(weeks.map((x) => x.costUsd)).toEqual([0.1 + 0.2, 0, 0, 0.3]);
  });
  it('clips the first and last weeks to the window (mergedPerWeek over the clipped length)', () => {
    expect(weeks[0].mergedPerWeek).toBe(2 / (5 / 7)); // Wed–Sun: 5 days
    expect(weeks[1].mergedPerWeek).toBe(1);
    expect(weeks[2].mergedPerWeek).toBe(0);
    expect(weeks[3].mergedPerWeek).toBe(1 / (2 / 7)); // Mon–Tue: 2 days
    expect(whole.mergedPerWeek).toBe(4 / (21 / 7));
  });
  it('adds up to the window', () => {
    expect(whole.mergedChanges).toBe(4);
    expect(whole.tokens.total).toBe(1760);
    expect(weeks.reduce((s, x) => s + x.costUsd, 0)).toBe(whole.costUsd);
    expect(weeks[0].weekSurvival).toEqual({ rate: 0.5, survived: 1, eligible: 2, pending: 0 });
    expect(whole.weekSurvival).toEqual({ rate: 0.75, survived: 3, eligible: 4, pending: 0 });
  });
  it('has no weeks for an empty window', () => {
    expect(computeWeeklyKpis(input, { ...w, to: w.from }, PRICES)).toEqual({ weeks: [] });
  });
  it('a window of exactly one ISO week has one entry equal to the window', () => {
    const one = { from: T0 + 7 * D, to: T0 + 14 * D, asOf: w.asOf };
    const r = computeWeeklyKpis(input, one, PRICES).weeks;
    expect(r).toEqual([{ week: '2026-06-08', ...computeKpis(input, one, PRICES) }]);
  });
});

describe('weekly figures add up to the window (property)', () => {
  const SPAN = 70 * D;
  const time = fc.integer({ min: T0 - SPAN, max: T0 + SPAN });
  const offsets = fc.array(fc.integer({ min: -2 * D, max: 20 * D }), { maxLength: 3 });
  const change = fc.record({
    change: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'),
    mergedAt: time,
    mod: offsets,
    rev: offsets,
    def: offsets,
  }).map(({ change, mergedAt, mod, rev, def }): MergedChangeRow => ({
    change,
    mergedAt,
    modifiedAt: mod.map((o) => mergedAt + o),
    revertedAt: rev.map((o) => mergedAt + o),
    defectNamedAt: def.map((o) => mergedAt + o),
  }));
  const tokens = fc.integer({ min: 0, max: 2_000_000 });
  const usage = fc.record({
    at: time,
    model: fc.constantFrom('m-a', 'm-b', 'unknown'),
    inputTokens: tokens, outputTokens: tokens, cacheReadTokens: tokens, cacheWriteTokens: tokens,
    explicitCostUsd: fc.double({ min: 0, max: 50, noNaN: true }),
    costlessCalls: fc.integer({ min: 0, max: 5 }),
    costlessInputTokens: tokens, costlessOutputTokens: tokens, costlessCacheReadTokens: tokens, costlessCacheWriteTokens: tokens,
  }).map((u): UsageRow => ({ ...u, calls: u.costlessCalls + 1 }));
  const defect = fc.record({ defect: fc.string({ minLength: 1, maxLength: 3 }), openedAt: time, fix: fc.option(fc.integer({ min: 0, max: 30 * D })) })
    .map(({ defect, openedAt, fix }) => defectRow(defect, openedAt, fix === null ? null : openedAt + fix));
  const run = fc.record({ id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5'), end: time, merged: fc.option(time) })
    .map(({ id, end, merged }) => runRow(id, {
      endsAt: [end],
      linkedChanges: merged === null ? [] : [{ change: 'x', firstEventAt: merged, mergedAt: merged }],
    }));
  const window = fc.tuple(time, fc.integer({ min: 0, max: 60 * D }), time)
    .map(([from, len, asOf]) => ({ from, to: from + len, asOf }));

  it('holds for random rows and windows', () => {
    fc.assert(
      fc.property(
        fc.array(change, { maxLength: 25 }),
        fc.array(usage, { maxLength: 25 }),
        fc.array(defect, { maxLength: 10 }),
        fc.array(run, { maxLength: 6 }),
        window,
        (changes, usageRows, defects, runs, w) => {
          const input = { changes, defects, usage: usageRows, runs };
          const whole = computeKpis(input, w, PRICES);
          const { weeks } = computeWeeklyKpis(input, w, PRICES);
          expect(weeks.map((x) => x.week)).toEqual(weeksOverlapping(w.from, w.to).map(utcDate));
          const sum = (f: (x: (typeof weeks)[number]) => number) => weeks.reduce((s, x) => s + f(x), 0);
          expect(sum((x) => x.mergedChanges)).toBe(whole.mergedChanges);
          for (const k of ['input', 'output', 'cacheRead', 'cacheWrite', 'total'] as const) {
            expect(sum((x) => x.tokens[k])).toBe(whole.tokens[k]);
          }
          expect(sum((x) => x.costUsd)).toBe(whole.costUsd); // bit for bit, oldest first from 0
          expect(sum((x) => x.unpricedCalls)).toBe(whole.unpricedCalls);
          expect(sum((x) => x.weekSurvival.survived)).toBe(whole.weekSurvival.survived);
          expect(sum((x) => x.weekSurvival.eligible)).toBe(whole.weekSurvival.eligible);
          expect(sum((x) => x.defectRate.failed)).toBe(whole.defectRate.failed);
          expect(sum((x) => x.defectRate.eligible)).toBe(whole.defectRate.eligible);
          expect(sum((x) => x.timeToFix.opened)).toBe(whole.timeToFix.opened);
          expect(sum((x) => x.runs.ended)).toBe(whole.runs.ended);
          expect(sum((x) => x.runs.converged)).toBe(whole.runs.converged);
          for (const k of [whole, ...weeks]) {
            expect(k.weekSurvival.survived).toBeLessThanOrEqual(k.weekSurvival.eligible);
            expect(k.weekSurvival.eligible).toBeLessThanOrEqual(k.mergedChanges);
            expect(k.weekSurvival.eligible + k.weekSurvival.pending).toBe(k.mergedChanges);
            expect(k.defectRate.failed).toBeLessThanOrEqual(k.defectRate.eligible);
            expect(k.defectRate.eligible + k.defectRate.pending).toBe(k.mergedChanges);
            expect(k.timeToFix.fixed + k.timeToFix.open).toBe(k.timeToFix.opened);
            expect(k.costUsd).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
  it('a superset of rows gives the same figures (rows after asOf and outside the window are ignored)', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 15 }), fc.array(usage, { maxLength: 15 }), window, (changes, usageRows, w) => {
        // Rows the query layer could have left out: merged outside [from, to) or after asOf.
        const relevant = changes.filter((c) => c.mergedAt >= w.from && c.mergedAt < w.to && c.mergedAt <= w.asOf);
        const ids = new Set(relevant.map((c) => c.change));
        const exact = changes.filter((c) => ids.has(c.change));
        const usageExact = usageRows.filter((u) => u.at >= w.from && u.at < w.to && u.at <= w.asOf);
        const a = computeKpis({ changes, defects: [], usage: usageRows, runs: [] }, w, PRICES);
        const b = computeKpis({ changes: exact, defects: [], usage: usageExact, runs: [] }, w, PRICES);
        expect(a.tokens).toEqual(b.tokens);
        expect(a.costUsd).toBe(b.costUsd);
        expect(a.unpricedCalls).toBe(b.unpricedCalls);
        expect(a.mergedChanges).toBe(b.mergedChanges);
      }),
      { numRuns: 200 },
    );
  });
});

describe('weekTotals', () => {
  it('gives the whole weeks before asOf’s week, oldest first', () => {
    const asOf = T0 + 9 * D + 5 * H; // Wed Jun 10
    const changes = [changeRow('a', T0 - 7 * D), changeRow('b', T0 + 3 * D), changeRow('c', T0 + 8 * D)];
    const usage = [usageRow(T0 - 1, { inputTokens: 5 }), usageRow(T0 + 6 * D, { inputTokens: 10, outputTokens: 1 }), usageRow(T0 + 8 * D, { inputTokens: 99 })];
    expect(weekTotals(changes, usage, asOf, 2)).toEqual([
      { weekStart: T0 - 7 * D, tokens: 5, mergedChanges: 1 },
      { weekStart: T0, tokens: 11, mergedChanges: 1 },
    ]);
  });
});
