import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeKpis, computeWeeklyKpis } from './compute';
import { computeWeeklyKpisPartitioned, partitionInput } from './partition';
import { changeRow, defectRow, PRICES, runRow, T0, usageRow } from './test-fixtures';
import { DAY_MS } from './time';
import type { KpiInput, KpiWindow, MergedChangeRow, RunRow, UsageRow } from './types';

const D = DAY_MS;

describe('partitionInput', () => {
  it('hands each window the rows that can count in it, a change or defect by its earliest row', () => {
    const w1: KpiWindow = { from: T0, to: T0 + 7 * D, asOf: T0 + 20 * D };
    const w2: KpiWindow = { from: T0 + 7 * D, to: T0 + 14 * D, asOf: T0 + 20 * D };
    const input: KpiInput = {
      // c2's first merge (day 3) decides: both its rows go to w1.
      changes: [changeRow('c1', T0 + D), changeRow('c2', T0 + 8 * D), changeRow('c2', T0 + 3 * D), changeRow('c3', T0 + 15 * D)],
      defects: [defectRow('d1', T0 + 9 * D, null), defectRow('d1', T0 + 2 * D, T0 + 3 * D)],
      usage: [usageRow(T0), usageRow(T0 + 7 * D), usageRow(T0 + 21 * D)],
      // r1's first row wins (as runsEndedIn has it): it ended on day 8.
      runs: [runRow('r1', { endsAt: [T0 + 8 * D] }), runRow('r1', { endsAt: [T0 + D] }), runRow('r2', { endsAt: [T0 + 30 * D] })],
    };
    const [a, b] = partitionInput(input, [w1, w2]);
    expect(a.changes.map((c) => [c.change, c.mergedAt])).toEqual([['c1', T0 + D], ['c2', T0 + 8 * D], ['c2', T0 + 3 * D]]);
    expect(b.changes).toEqual([]);
    expect(a.defects).toHaveLength(2);
    expect(b.defects).toEqual([]);
    expect(a.usage.map((u) => u.at)).toEqual([T0]);
    expect(b.usage.map((u) => u.at)).toEqual([T0 + 7 * D]);
    expect(a.runs).toEqual([]);
    expect(b.runs).toEqual([input.runs[0]]);
  });

  const SPAN = 40 * D;
  const time = fc.integer({ min: T0 - SPAN, max: T0 + SPAN });
  const offsets = fc.array(fc.integer({ min: -2 * D, max: 20 * D }), { maxLength: 2 });
  const change = fc.record({ change: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), mergedAt: time, mod: offsets, def: offsets })
    .map(({ change, mergedAt, mod, def }): MergedChangeRow => changeRow(change, mergedAt, {
      modifiedAt: mod.map((o) => mergedAt + o), defectNamedAt: def.map((o) => mergedAt + o),
    }));
  const usage = fc.record({ at: time, model: fc.constantFrom('m-a', 'unknown'), inputTokens: fc.integer({ min: 0, max: 1e6 }), explicitCostUsd: fc.double({ min: 0, max: 5, noNaN: true }), costlessCalls: fc.integer({ min: 0, max: 2 }) })
    .map((u): UsageRow => usageRow(u.at, { ...u, costlessInputTokens: u.costlessCalls ? u.inputTokens : 0, calls: u.costlessCalls + 1 }));
  const defect = fc.record({ defect: fc.constantFrom('x', 'y', 'z'), openedAt: time, fix: fc.option(fc.integer({ min: 0, max: 30 * D })) })
    .map(({ defect, openedAt, fix }) => defectRow(defect, openedAt, fix === null ? null : openedAt + fix));
  const run = fc.record({ id: fc.constantFrom('r1', 'r2', 'r3'), ends: fc.array(time, { maxLength: 2 }), merged: fc.option(time) })
    .map(({ id, ends, merged }): RunRow => runRow(id, {
      endsAt: ends,
      linkedChanges: merged === null ? [] : [{ change: 'x', firstEventAt: merged, mergedAt: merged }],
    }));
  const input = fc.record({
    changes: fc.array(change, { maxLength: 12 }),
    usage: fc.array(usage, { maxLength: 12 }),
    defects: fc.array(defect, { maxLength: 6 }),
    runs: fc.array(run, { maxLength: 5 }),
  });
  const window = fc.tuple(time, fc.integer({ min: 0, max: 30 * D }), time).map(([from, len, asOf]) => ({ from, to: from + len, asOf }));

  it('gives every window the figures of the whole input, overlapping windows and other asOfs too (property)', () => {
    fc.assert(
      fc.property(input, fc.array(window, { minLength: 1, maxLength: 4 }), (rows, windows) => {
        const parts = partitionInput(rows, windows);
        windows.forEach((w, i) => expect(computeKpis(parts[i], w, PRICES)).toEqual(computeKpis(rows, w, PRICES)));
      }),
      { numRuns: 300 },
    );
  });

  it('computeWeeklyKpisPartitioned equals computeWeeklyKpis (property)', () => {
    fc.assert(
      fc.property(input, window, (rows, w) => {
        expect(computeWeeklyKpisPartitioned(rows, w, PRICES)).toEqual(computeWeeklyKpis(rows, w, PRICES));
      }),
      { numRuns: 300 },
    );
  });
});
