import { describe, expect, it } from 'vitest';
import { roundFigure, roundFigures } from './rounding';

describe('roundFigure', () => {
  it('rounds money to the cent, or to 4 decimals below ten cents', () => {
    expect(roundFigure('costUsd', 68.86873949899999)).toBe(68.87);
    expect(roundFigure('costPerSurvivingChange', 9.1449)).toBe(9.14);
    expect(roundFigure('costUsd', 0.0123456)).toBe(0.0123);
  });

  it('rounds rates and shares to a tenth of a percent, hours and per-week figures to one decimal', () => {
    expect(roundFigure('rate', 0.615384615)).toBe(0.615);
    expect(roundFigure('convergenceRate', 1 / 3)).toBe(0.333);
    expect(roundFigure('kmP50Hours', 26.44444)).toBe(26.4);
    expect(roundFigure('mergedPerWeek', 4.25)).toBe(4.3);
  });

  it('leaves counts and unknown names alone', () => {
    expect(roundFigure('mergedChanges', 12)).toBe(12);
    expect(roundFigure('tokens', 1.23456)).toBe(1.23456);
  });
});

describe('roundFigures', () => {
  it('rounds nested figures by their own names and keeps everything else', () => {
    const kpis = { costUsd: 68.868739, weekSurvival: { rate: 0.7777777, survived: 7, eligible: 9 }, timeToFix: { p50Hours: null }, week: '2026-06-01' };
    expect(roundFigures(kpis)).toEqual({ costUsd: 68.87, weekSurvival: { rate: 0.778, survived: 7, eligible: 9 }, timeToFix: { p50Hours: null }, week: '2026-06-01' });
    expect(roundFigures([{ costUsd: 1.005001 }])).toEqual([{ costUsd: 1.01 }]);
  });
});
