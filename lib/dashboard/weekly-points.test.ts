import { describe, expect, it } from 'vitest';
import { computeWeeklyKpis } from '@/lib/kpi/compute';
import { changeRow, PRICES, T0 } from '@/lib/kpi/test-fixtures';
import { DAY_MS } from '@/lib/kpi/time';
import { partialWeeksNote, weeklyPoints } from './weekly-points';

describe('weeklyPoints', () => {
  // From a Wednesday, over three weeks and a bit, seen on the last day.
  const w = { from: T0 + 2 * DAY_MS, to: T0 + 23 * DAY_MS, asOf: T0 + 23 * DAY_MS };
  const input = {
    changes: [changeRow('c1', T0 + 3 * DAY_MS), changeRow('c2', T0 + 8 * DAY_MS, { modifiedAt: [T0 + 9 * DAY_MS] }), changeRow('c3', T0 + 21 * DAY_MS)],
    defects: [],
    usage: [],
    runs: [],
  };
  const weeks = computeWeeklyKpis(input, w, PRICES).weeks;
  const points = weeklyPoints(weeks, w);

  it('marks the clipped first week and the unfinished last one partial', () => {
    expect(points.map((p) => p.weekStart)).toEqual(['2026-06-01', '2026-06-08', '2026-06-15', '2026-06-22']);
    expect(points.map((p) => p.partial)).toEqual([true, false, false, true]);
    expect(points[0].label).toBe('06-01*');
    expect(points[1].label).toBe('06-08');
    expect(partialWeeksNote(points)).toBe('* partial week: the range covers only part of it (week of 2026-06-01, week of 2026-06-22).');
    expect(partialWeeksNote(points.filter((p) => !p.partial))).toBeNull();
  });

  it('leaves a gap, not a zero, where the surviving changes are not known yet', () => {
    expect(points.map((p) => p.merged)).toEqual([1, 1, 0, 1]);
    // c1 survived; c2 was modified within its week; no change in the third week; the fourth goes on (c3 is 2 days old).
    expect(points.map((p) => p.survived)).toEqual([1, 0, 0, null]);
    expect(points.map((p) => p.survival)).toEqual([100, 0, null, null]);
  });
});
