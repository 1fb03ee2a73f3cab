import { describe, expect, it } from 'vitest';
import type { CompareGroup } from './types';
import { parseEconomicsView, presetScenario, rankGroups, scenarioViewParams } from './view';

const group = (key: string, runs: number, convergenceRate: number | null, survival: number | null = null): CompareGroup => ({
  key, runs, converged: 0, convergenceRate, convergenceCi95: null, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
  costUsd: 0, mergedChanges: 0, weekSurvival: { rate: survival, survived: 0, eligible: 0 }, costPerSurvivingChange: null, medianTokensPerConvergedRun: null,
});

describe('rankGroups', () => {
  const groups = [group('a', 30, 0.2, 0.9), group('b', 12, 0.6, null), group('c', 9, 1), group('d', 10, 0.6, 0.5)];
  it('ranks only groups of 10 or more ended runs; the rest are too few to tell', () => {
    const { ranked, tooFew } = rankGroups(groups, 'convergenceRate', true);
    expect(ranked.map((g) => g.key)).toEqual(['b', 'd', 'a']);
    expect(tooFew.map((g) => g.key)).toEqual(['c']);
  });
  it('sorts ascending too, and puts groups without the figure last', () => {
    expect(rankGroups(groups, 'weekSurvival', false).ranked.map((g) => g.key)).toEqual(['d', 'a', 'b']);
    expect(rankGroups(groups, 'weekSurvival', true).ranked.map((g) => g.key)).toEqual(['a', 'd', 'b']);
  });
});

describe('parseEconomicsView', () => {
  it('defaults: by agent, by runs descending, the first node preset', () => {
    expect(parseEconomicsView({})).toEqual({ by: 'agent', sort: 'runs', desc: true, scenario: { ok: true, value: presetScenario() } });
  });
  it('reads the whatif.-prefixed scenario, blanks left out (a form sends every field), without touching the model filter', () => {
    const view = parseEconomicsView({ model: 'gpt-5', econBy: 'model', econSort: 'weekSurvival', econDir: 'asc', 'whatif.scenario': 'model', 'whatif.model': 'claude-sonnet-4-5', 'whatif.inputPerM': ' ' });
    expect(view).toEqual({ by: 'model', sort: 'weekSurvival', desc: false, scenario: { ok: true, value: { kind: 'model', model: 'claude-sonnet-4-5' } } });
  });
  it('names a bad panel field with its prefix', () => {
    expect(parseEconomicsView({ 'whatif.scenario': 'selfhosted', 'whatif.gpus': '2' }).scenario).toMatchObject({ ok: false, field: 'whatif.gpuHourUsd' });
  });
  it('a scenario round-trips through the dashboard parameters', () => {
    expect(parseEconomicsView(scenarioViewParams(presetScenario())).scenario).toEqual({ ok: true, value: presetScenario() });
  });
});
