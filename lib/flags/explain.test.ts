import { describe, expect, it } from 'vitest';
import type { RunRow } from '../kpi/types';
import { explainRunFlags } from './explain';
import { computeFlags } from './flags';
import { DEFAULT_FLAG_THRESHOLDS } from './thresholds';

const H = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00Z');
const w = { from: T0, to: T0 + 14 * 24 * H, asOf: T0 + 14 * 24 * H };

function run(id: string, patch: Partial<RunRow> = {}): RunRow {
  return {
    run: id, startsAt: [T0 + H], endsAt: [], iterationsAt: [], tests: [], messagesAt: [], toolCallsAt: [],
    llmCalls: [], linkedChanges: [], ...patch,
  };
}

describe('explainRunFlags', () => {
  it('agrees with computeFlags on a burning, stalled run', () => {
    const iterationsAt = Array.from({ length: 10 }, (_, i) => T0 + (i + 2) * H);
    const tests = iterationsAt.map((at, i) => ({ at, failed: i < 5 ? 5 - i : 1 }));
    const r = run('r1', { endsAt: [T0 + 20 * H], iterationsAt, tests, llmCalls: [{ at: T0 + 3 * H, tokens: 250_000 }] });
    const flags = computeFlags({ runs: [r], weeks: [] }, w, DEFAULT_FLAG_THRESHOLDS);
    const e = explainRunFlags([r], 'r1', w, DEFAULT_FLAG_THRESHOLDS);
    expect(e.status).toBe('checked');
    if (e.status !== 'checked') return;
    expect(e.rules.filter((x) => x.tripped).map((x) => x.kind)).toEqual(flags.map((f) => f.kind));
    expect(e.rules[0].sentence).toContain('250,000');
  });

  it('says why each rule does not trip', () => {
    const r = run('r2', { endsAt: [T0 + 2 * H], llmCalls: [{ at: T0 + H, tokens: 1_000 }], messagesAt: [T0 + H], toolCallsAt: [T0 + H, T0 + H] });
    const e = explainRunFlags([r], 'r2', w, DEFAULT_FLAG_THRESHOLDS);
    if (e.status !== 'checked') throw new Error(e.status);
    expect(e.rules.map((x) => x.tripped)).toEqual([false, false, false]);
    expect(e.rules[0].sentence).toBe('1,000 tokens, under the threshold of 200,000');
    expect(e.rules[1].sentence).toBe('0 iterations; the rule needs at least 8');
    expect(e.rules[2].sentence).toContain('1 agent messages against 2 tool calls');
  });

  it('reports a converged run and a run outside the window', () => {
    const merged = run('r3', { endsAt: [T0 + 2 * H], linkedChanges: [{ change: 'c', firstEventAt: T0 + H, mergedAt: T0 + 3 * H }] });
    expect(explainRunFlags([merged], 'r3', w, DEFAULT_FLAG_THRESHOLDS)).toEqual({ status: 'converged', convergedAt: T0 + 3 * H });
    const old = run('r4', { startsAt: [T0 - 48 * H] });
    expect(explainRunFlags([old], 'r4', w, DEFAULT_FLAG_THRESHOLDS)).toEqual({ status: 'outside-window', lastEventAt: T0 - 48 * H });
    expect(explainRunFlags([], 'nope', w, DEFAULT_FLAG_THRESHOLDS)).toEqual({ status: 'no-events' });
  });
});
