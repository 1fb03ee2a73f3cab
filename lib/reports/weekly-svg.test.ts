import { describe, expect, it } from 'vitest';
import type { WeeklyPoint } from '@/lib/dashboard/weekly-points';
import { weeklyChartsSvg } from './weekly-svg';

const point = (weekStart: string, p: Partial<WeeklyPoint>): WeeklyPoint => ({
  weekStart,
  label: weekStart.slice(5),
  partial: false,
  costUsd: 10,
  tokens: 1000,
  merged: 3,
  survived: 2,
  survival: 66.7,
  defects: 0,
  ...p,
});

describe('weeklyChartsSvg', () => {
  const points = [
    point('2026-06-01', { partial: true, label: '06-01*' }),
    point('2026-06-08', {}),
    point('2026-06-15', { survived: null, survival: null }),
    point('2026-06-22', { partial: true, label: '06-22*', survived: null, survival: null, defects: null }),
  ];
  const { cost, rates } = weeklyChartsSvg(points);

  it('draws each chart twice (wide and narrow), as static SVG', () => {
    expect(cost.text.match(/<svg class="chart-(wide|narrow)"/g)).toEqual(['<svg class="chart-wide"', '<svg class="chart-narrow"']);
    expect(rates.text.match(/<svg /g)).toHaveLength(2);
    expect(cost.text).not.toMatch(/<script|on\w+=/);
  });

  it('leaves a gap where a figure is not known, never a zero', () => {
    const wide = cost.text.split('<svg')[1];
    // The survived line stops after the second week: one segment of two points.
    expect(wide.match(/<polyline class="survived" points="([^"]*)"/)![1].split(' ')).toHaveLength(2);
    expect(wide.match(/<polyline class="merged" points="([^"]*)"/)![1].split(' ')).toHaveLength(4);
    const ratesWide = rates.text.split('<svg')[1];
    expect(ratesWide.match(/<polyline class="survival" points="([^"]*)"/)![1].split(' ')).toHaveLength(2);
    expect(ratesWide.match(/<polyline class="defects" points="([^"]*)"/)![1].split(' ')).toHaveLength(3);
  });

  it('marks partial weeks in the labels and draws their bars paler, with the figures in a hover title', () => {
    const wide = cost.text.split('<svg')[1];
    expect(wide.match(/class="bar partial"/g)).toHaveLength(2);
    expect(wide).toContain('>06-01*</text>');
    expect(wide).toContain('<title>Week of 2026-06-15: $10.00, 3 merged, survivors not known yet</title>');
  });
});
