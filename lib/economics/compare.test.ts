import { describe, expect, it } from 'vitest';
import { changeRow, PRICES, T0 } from '@/lib/kpi/test-fixtures';
import { DAY_MS } from '@/lib/kpi/time';
import type { LinkedChange } from '@/lib/kpi/types';
import { compareGroups, mainModel } from './compare';
import type { CompareRunRow, RunModelUsage } from './types';

const H = 3_600_000;
const w = { from: T0, to: T0 + 28 * DAY_MS, asOf: T0 + 28 * DAY_MS };

const use = (model: string, input: number, output = 0, p: Partial<RunModelUsage> = {}): RunModelUsage => ({
  model, calls: 1, inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheWriteTokens: 0, explicitCostUsd: 0,
  costlessCalls: 1, costlessInputTokens: input, costlessOutputTokens: output, costlessCacheReadTokens: 0, costlessCacheWriteTokens: 0, ...p,
});
const link = (change: string, mergedAt: number | null, firstEventAt = T0): LinkedChange => ({ change, firstEventAt, mergedAt });
const run = (id: string, p: Partial<CompareRunRow> = {}): CompareRunRow => ({
  run: id, agent: 'claude-code', endedAt: T0 + DAY_MS, usage: [], linkedChanges: [], ...p,
});

describe('mainModel', () => {
  it('is the model with the most tokens over all its calls', () => {
    expect(mainModel([use('m-b', 600), use('m-a', 500), use('m-a', 200)])).toBe('m-a');
  });
  it('breaks a tie by the smallest model id, whatever the order', () => {
    expect(mainModel([use('m-b', 500), use('m-a', 400, 100)])).toBe('m-a');
    expect(mainModel([use('m-a', 500), use('m-b', 500)])).toBe('m-a');
    expect(mainModel([use('z', 0), use('y', 0)])).toBe('y');
  });
  it('is null for a run without calls', () => {
    expect(mainModel([])).toBeNull();
  });
});

describe('compareGroups', () => {
  it('groups by agent, unknown for a run without one; counts, rates and intervals', () => {
    const runs = [
      run('r1', { linkedChanges: [link('c1', T0 + 2 * DAY_MS)], usage: [use('m-a', 1_000_000)] }),
      run('r2', { linkedChanges: [link('c2', null)], usage: [use('m-a', 0, 1_000_000)] }),
      run('r3', { agent: null }),
      run('r4', { endedAt: null }), // not ended: not counted
      run('r5', { endedAt: T0 - 1 }), // ended before the window
    ];
    const answer = compareGroups(runs, [changeRow('c1', T0 + 2 * DAY_MS)], w, 'agent', PRICES);
    expect(answer.by).toBe('agent');
    expect(answer.groups.map((g) => [g.key, g.runs, g.converged])).toEqual([['claude-code', 2, 1], ['unknown', 1, 0]]);
    const [claude, unknown] = answer.groups;
    expect(claude.convergenceRate).toBe(0.5);
    expect(claude.convergenceCi95![0]).toBeCloseTo(0.094531, 5);
    // 1M input of m-a at $3 + 1M output of m-a at $15.
    expect(claude.costUsd).toBeCloseTo(18, 12);
    expect(claude.tokens).toEqual({ input: 1_000_000, output: 1_000_000, cacheRead: 0, cacheWrite: 0, total: 2_000_000 });
    expect(claude.mergedChanges).toBe(1);
    expect(claude.weekSurvival).toEqual({ rate: 1, survived: 1, eligible: 1 });
    expect(claude.costPerSurvivingChange).toBeCloseTo(18, 12);
    expect(claude.medianTokensPerConvergedRun).toBe(1_000_000);
    // A run without calls: tokens and cost 0; a group with no merged change has no per-surviving cost.
    expect(unknown).toMatchObject({ tokens: { total: 0 }, costUsd: 0, mergedChanges: 0, weekSurvival: { rate: null, survived: 0, eligible: 0 } });
    expect(unknown.costPerSurvivingChange).toBeNull();
    expect(unknown.medianTokensPerConvergedRun).toBeNull();
  });

  it('groups by main model, none for runs without calls; largest groups first, ties by key', () => {
    const runs = [
      run('a', { usage: [use('m-b', 10)] }),
      run('b', { usage: [use('m-a', 10)] }),
      run('c', {}),
      run('d', { usage: [use('m-b', 5), use('m-a', 5)] }), // tie: m-a
    ];
    const answer = compareGroups(runs, [], w, 'model', PRICES);
    expect(answer.groups.map((g) => [g.key, g.runs])).toEqual([['m-a', 2], ['m-b', 1], ['none', 1]]);
    // The group's cost is over ALL its runs' calls: run d's m-b calls included.
    expect(answer.groups[0].tokens.total).toBe(20);
  });

  it('judges the merged changes whatever the window: modified within 7 days, pending ones not eligible, merges after asOf not there', () => {
    const runs = [
      run('r1', { linkedChanges: [link('old', T0 - 20 * DAY_MS), link('touched', T0 + DAY_MS)], usage: [use('x', 100, 0, { explicitCostUsd: 3, costlessCalls: 0, costlessInputTokens: 0 })] }),
      run('r2', { linkedChanges: [link('recent', w.asOf - DAY_MS), link('later', w.asOf + 1), link('unborn', T0, w.asOf + 1)], usage: [use('x', 300)] }),
      run('r3', { linkedChanges: [link('old', T0 - 20 * DAY_MS)] }), // the same change twice: counted once
    ];
    const changes = [changeRow('old', T0 - 20 * DAY_MS), changeRow('touched', T0 + DAY_MS, { modifiedAt: [T0 + 3 * DAY_MS] })];
    const [g] = compareGroups(runs, changes, w, 'agent', PRICES).groups;
    expect(g.runs).toBe(3);
    expect(g.converged).toBe(3);
    expect(g.mergedChanges).toBe(3);
    expect(g.weekSurvival).toEqual({ rate: 0.5, survived: 1, eligible: 2 });
    // $3 of explicit cost; model x has no price: 0.
    expect(g.costUsd).toBe(3);
    expect(g.costPerSurvivingChange).toBe(3 / (3 * 0.5));
    // Converged runs' tokens 100, 300, 0: nearest-rank median of [0, 100, 300] is 100.
    expect(g.medianTokensPerConvergedRun).toBe(100);
  });

  it('a group whose changes are all too young has a null survival and per-surviving cost', () => {
    const runs = [run('r', { linkedChanges: [link('c', w.asOf - H)], usage: [use('m-a', 1_000_000)] })];
    const [g] = compareGroups(runs, [changeRow('c', w.asOf - H)], w, 'agent', PRICES).groups;
    expect(g).toMatchObject({ mergedChanges: 1, weekSurvival: { rate: null, eligible: 0 }, costPerSurvivingChange: null });
  });

  it('no run ended in the window: no group', () => {
    expect(compareGroups([run('r', { endedAt: null })], [], w, 'model', PRICES)).toEqual({ by: 'model', groups: [] });
  });
});
