import { describe, expect, it } from 'vitest';
import { bucketFixHours, chartCurve, KM_TABLE_HOURS, survivalAt } from './time-to-fix';

describe('bucketFixHours', () => {
  it('puts each duration in the first bucket it is under, edges going up', () => {
    const counts = bucketFixHours([0, 3.9, 4, 11.9, 24, 47.99, 96, 167, 168, 1000, -1]);
    expect(counts.map((c) => c.defects)).toEqual([3, 2, 0, 2, 0, 2, 2]);
  });
});

describe('the Kaplan–Meier curve on the page', () => {
  const curve = [
    { hours: 0, survival: 1 },
    { hours: 2, survival: 0.8 },
    { hours: 10, survival: 0.5 },
    { hours: 50, survival: 0.25 },
  ];

  it('reads the step at or before a time', () => {
    expect([0, 1.9, 2, 9.99, 10, 49, 50, 1000].map((h) => survivalAt(curve, h))).toEqual([1, 1, 0.8, 0.8, 0.5, 0.5, 0.25, 0.25]);
    expect(survivalAt([{ hours: -1, survival: 1 }, { hours: 5, survival: 0.5 }], -2)).toBe(1);
    expect(KM_TABLE_HOURS).toEqual([4, 12, 24, 48, 96, 168]);
  });

  it('draws a long curve at a fixed number of points, each on the curve, ending where it ends', () => {
    const long = [{ hours: 0, survival: 1 }, ...Array.from({ length: 999 }, (_, i) => ({ hours: 0.5 * (i + 1), survival: 1 - (i + 1) / 1000 }))];
    const drawn = chartCurve(long, 120);
    expect(drawn).toHaveLength(120);
    expect(drawn[0]).toEqual({ hours: 0, survival: 1 });
    expect(drawn[119]).toEqual(long[999]);
    for (const p of drawn) expect(p.survival).toBe(survivalAt(long, p.hours));
    expect(drawn.every((p, i) => i === 0 || (p.hours > drawn[i - 1].hours && p.survival <= drawn[i - 1].survival))).toBe(true);
    expect(chartCurve(curve, 120)).toEqual(curve);
  });
});
