import { describe, expect, it } from 'vitest';
import { runAsOf, runConvergence } from './runs';
import { DAY_MS } from './time';
import { runRow } from './test-fixtures';

const T0 = Date.UTC(2026, 5, 1);
const D = DAY_MS;
const W = { from: T0, to: T0 + 28 * D, asOf: T0 + 28 * D };

describe('runAsOf', () => {
  it('keeps only events at or before asOf', () => {
    const r = runRow('r', {
      startsAt: [T0],
      endsAt: [T0 + 5 * D, T0 + 2 * D],
      iterationsAt: [T0 + 3 * D, T0 + D, T0 + 9 * D],
      tests: [{ at: T0 + 9 * D, failed: 1 }, { at: T0 + D, failed: 4 }],
      messagesAt: [T0 + D, T0 + 9 * D],
      toolCallsAt: [T0 + 4 * D],
      llmCalls: [{ at: T0 + D, tokens: 100 }, { at: T0 + 4 * D, tokens: 50 }, { at: T0 + 9 * D, tokens: 1000 }],
      linkedChanges: [
        { change: 'c1', firstEventAt: T0 + 2 * D, mergedAt: T0 + 8 * D },
        { change: 'c2', firstEventAt: T0 + 7 * D, mergedAt: T0 + 7 * D },
      ],
    });
    expect(runAsOf(r, T0 + 4 * D)).toEqual({
      run: 'r',
      endedAt: T0 + 2 * D,
      lastEventAt: T0 + 4 * D,
      tokens: 150,
      iterations: 2,
      iterationsAt: [T0 + D, T0 + 3 * D],
      tests: [{ at: T0 + D, failed: 4 }],
      messages: 1,
      toolCalls: 1,
      linkedChanges: 1,
      convergedAt: null,
    });
    expect(runAsOf(r, T0 + 8 * D)).toMatchObject({ lastEventAt: T0 + 5 * D, linkedChanges: 2, convergedAt: T0 + 7 * D });
    expect(runAsOf(r, T0 - 1)).toBeNull();
  });

  it('takes a run’s totals in place of its event lists, and refuses totals past asOf', () => {
    const lists = runRow('r', {
      startsAt: [T0],
      endsAt: [T0 + 2 * D],
      iterationsAt: [T0 + D, T0 + 2 * D],
      messagesAt: [T0 + D, T0 + D, T0 + 2 * D],
      toolCallsAt: [T0 + D],
      llmCalls: [{ at: T0 + D, tokens: 100 }, { at: T0 + 2 * D, tokens: 50 }],
    });
    const totals = runRow('r', {
      startsAt: [T0],
      endsAt: [T0 + 2 * D],
      totals: { lastEventAt: T0 + 2 * D, tokens: 150, iterations: 2, messages: 3, toolCalls: 1 },
    });
    const { iterationsAt: _listed, ...fromLists } = runAsOf(lists, T0 + 3 * D)!;
    const { iterationsAt: none, ...fromTotals } = runAsOf(totals, T0 + 3 * D)!;
    expect(fromTotals).toEqual(fromLists);
    expect(none).toEqual([]);
    expect(() => runAsOf(totals, T0 + D)).toThrow(/totals/);
  });
});

describe('runConvergence', () => {
  it('counts runs ended in the window and those with a linked merge at or before asOf', () => {
    const rows = [
      runRow('ended-converged', { endsAt: [T0 + D], linkedChanges: [{ change: 'a', firstEventAt: T0, mergedAt: T0 + 2 * D }] }),
      runRow('ended-merge-at-asOf', { endsAt: [T0 + D], linkedChanges: [{ change: 'b', firstEventAt: T0, mergedAt: W.asOf }] }),
      runRow('ended-merge-after-asOf', { endsAt: [T0 + D], linkedChanges: [{ change: 'c', firstEventAt: T0, mergedAt: W.asOf + 1 }] }),
      runRow('ended-unmerged', { endsAt: [T0 + D], linkedChanges: [{ change: 'd', firstEventAt: T0, mergedAt: null }] }),
      runRow('ended-at-from', { endsAt: [T0] }),
      runRow('ended-before', { endsAt: [T0 - 1], linkedChanges: [{ change: 'e', firstEventAt: T0, mergedAt: T0 }] }),
      runRow('first-end-before-window', { endsAt: [T0 + D, T0 - 1] }), // its end is the earliest
      runRow('ended-at-to', { endsAt: [W.to] }),
      runRow('not-ended', { startsAt: [T0], linkedChanges: [{ change: 'f', firstEventAt: T0, mergedAt: T0 }] }),
    ];
    expect(runConvergence(rows, W)).toEqual({ ended: 5, converged: 2, convergenceRate: 0.4 });
  });
  it('ignores a run.ended after asOf', () => {
    const w = { from: T0, to: T0 + 28 * D, asOf: T0 + 3 * D };
    const rows = [runRow('a', { endsAt: [T0 + 3 * D] }), runRow('b', { startsAt: [T0], endsAt: [T0 + 3 * D + 1] })];
    expect(runConvergence(rows, w)).toEqual({ ended: 1, converged: 0, convergenceRate: 0 });
  });
  it('convergenceRate null without ended runs', () => {
    expect(runConvergence([], W)).toEqual({ ended: 0, converged: 0, convergenceRate: null });
  });
  it('counts a run sent twice once', () => {
    const r = runRow('a', { endsAt: [T0 + D] });
    expect(runConvergence([r, r], W)).toEqual({ ended: 1, converged: 0, convergenceRate: 0 });
  });
});
