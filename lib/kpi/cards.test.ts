import { describe, expect, it } from 'vitest';
import { kpiCardModels, previousPeriodNote, relativeChange } from './cards';
import { kpisFixture } from './test-fixtures';

const card = (cards: ReturnType<typeof kpiCardModels>, testId: string) => cards.find((c) => c.testId === testId)!;
const nothing = kpisFixture({ merged: 0, eligible: 0, survived: 0, costUsd: 0, tokens: 0 });

describe('kpiCardModels', () => {
  it('says there is nothing yet on an empty window instead of a formula of zeros', () => {
    const cards = kpiCardModels(nothing, null);
    expect(card(cards, 'kpi-cost-surviving')).toMatchObject({ value: '—', detail: 'nothing merged yet · $0.00 spent' });
    expect(card(cards, 'kpi-cost-merged').detail).toBe('nothing merged yet · $0.00 spent');
    expect(card(cards, 'kpi-survival').detail).toBe('no merged change to judge yet');
    expect(card(cards, 'kpi-ttf').detail).toBe('no defect opened in this window');
    expect(card(cards, 'kpi-cost').detail).toBe('no LLM call in this window');
    expect(card(cards, 'kpi-convergence').detail).toBe('no run ended in this window');
    for (const c of cards) expect(c.detail, c.testId).not.toMatch(/÷ \(0 ×|— survival|\(s\)/);
  });

  it('shows rates with their numerator and denominator, and what is still pending', () => {
    const k = kpisFixture({ merged: 12, eligible: 10, survived: 7, pending: 2, costUsd: 20 });
    expect(card(kpiCardModels(k, null), 'kpi-survival')).toMatchObject({ value: '70%', detail: '7 of 10 eligible · 2 pending' });
    const young = kpisFixture({ merged: 3, eligible: 0, survived: 0, pending: 3, costUsd: 2 });
    expect(card(kpiCardModels(young, null), 'kpi-survival').detail).toBe('none old enough to judge yet · 3 pending');
    expect(card(kpiCardModels(young, null), 'kpi-cost-surviving').detail).toBe('no merged change old enough to judge survival yet');
  });

  it('breaks the tokens down by kind on the cost card', () => {
    const k = { ...kpisFixture({ merged: 1, eligible: 1, survived: 1, costUsd: 1 }), tokens: { input: 4_100_000, output: 2_300_000, cacheRead: 162_600_000, cacheWrite: 3_600_000, total: 172_600_000 }, unpricedCalls: 1 };
    const c = card(kpiCardModels(k, null), 'kpi-cost');
    expect(c.detail).toBe('172,600,000 tokens · 1 unpriced call');
    expect(c.parts).toEqual([['input', '4.1M'], ['output', '2.3M'], ['cache read', '162.6M'], ['cache write', '3.6M']]);
  });

  it('labels the time to fix as the Kaplan–Meier median and the fixed-only percentiles as such', () => {
    const k = { ...nothing, timeToFix: { opened: 5, fixed: 3, open: 2, p50Hours: 4, p90Hours: 30, kmP50Hours: 6 } };
    const c = card(kpiCardModels(k, null), 'kpi-ttf');
    expect(c).toMatchObject({ label: 'Time to fix (Kaplan–Meier median)', value: '6 h', detail: 'fixed ones only: p50 4 h · p90 30 h · 3 fixed, 2 open' });
    const mostlyOpen = { ...nothing, timeToFix: { opened: 5, fixed: 1, open: 4, p50Hours: 4, p90Hours: 4, kmP50Hours: null } };
    expect(card(kpiCardModels(mostlyOpen, null), 'kpi-ttf')).toMatchObject({ value: '—', detail: expect.stringMatching(/^fewer than half fixed so far; /) });
  });
});

describe('relativeChange', () => {
  it('is a rounded percentage, nothing against nothing, and flat within half a percent', () => {
    expect(relativeChange(150, 100, true)).toEqual({ text: '+50%', direction: 'up', upIsGood: true });
    expect(relativeChange(5, 0, true)).toBeNull();
    expect(relativeChange(0, 0, false)).toMatchObject({ text: 'no change' });
    expect(relativeChange(100.4, 100, false)).toMatchObject({ direction: 'flat' });
  });
});

describe('previousPeriodNote', () => {
  const before = { from: Date.parse('2026-06-01T00:00:00Z'), to: Date.parse('2026-08-24T00:00:00Z') };
  const some = kpisFixture({ merged: 5, eligible: 5, survived: 5, costUsd: 3 });
  it('says why there is no comparison when the period before holds nothing', () => {
    expect(previousPeriodNote(some, nothing, before)).toContain('(2026-06-01 to 2026-08-23) holds no activity');
    expect(previousPeriodNote(some, some, before)).toBeNull();
    expect(previousPeriodNote(nothing, nothing, before)).toBeNull();
  });
  it('says the change runs high when the data starts inside the period before, and only then', () => {
    const since = Date.parse('2026-08-20T00:00:00Z');
    expect(previousPeriodNote(some, some, before, since)).toBe(
      '“vs previous period” runs high: the period before this range (2026-06-01 to 2026-08-23) is only partly covered, as the data starts on 2026-08-20.',
    );
    expect(previousPeriodNote(some, some, before, before.from)).toBeNull(); // covered from its first day
    expect(previousPeriodNote(some, some, before, before.to)).toBeNull(); // the data starts with the range: nothing before
    expect(previousPeriodNote(some, some, before, null)).toBeNull();
  });
});
