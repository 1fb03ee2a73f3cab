import { describe, expect, it } from 'vitest';
import { clipToWeek, DAY_MS, inWindow, isoWeekStart, utcDate, WEEK_MS, weeksOverlapping } from './time';

const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0, ms = 0) =>
  Date.UTC(y, m - 1, d, h, min, s, ms);

describe('isoWeekStart', () => {
  it('is Monday 00:00 UTC', () => {
    expect(isoWeekStart(utc(2026, 6, 3, 12))).toBe(utc(2026, 6, 1)); // Wed → Mon
    expect(isoWeekStart(utc(2026, 6, 1))).toBe(utc(2026, 6, 1)); // Monday 00:00 is its own start
    expect(isoWeekStart(utc(2026, 6, 1) - 1)).toBe(utc(2026, 5, 25)); // Sunday 23:59:59.999
    expect(isoWeekStart(utc(2026, 6, 7, 23, 59, 59, 999))).toBe(utc(2026, 6, 1)); // Sunday end
  });
  it('crosses year boundaries', () => {
    expect(isoWeekStart(utc(2026, 1, 1))).toBe(utc(2025, 12, 29)); // Thu 2026-01-01
    expect(isoWeekStart(utc(2021, 1, 3, 18))).toBe(utc(2020, 12, 28)); // Sun 2021-01-03
    expect(isoWeekStart(utc(2024, 12, 31))).toBe(utc(2024, 12, 30)); // Tue
    expect(isoWeekStart(utc(2027, 1, 4))).toBe(utc(2027, 1, 4)); // a Monday
  });
  it('works before the epoch and at the epoch', () => {
    expect(isoWeekStart(0)).toBe(utc(1969, 12, 29)); // Thu 1970-01-01
    expect(isoWeekStart(-1)).toBe(utc(1969, 12, 29)); // Wed 1969-12-31 23:59:59.999
    expect(isoWeekStart(utc(1969, 12, 28, 5))).toBe(utc(1969, 12, 22)); // Sunday
  });
  it('always lands on a Monday at midnight', () => {
    for (let t = utc(2023, 12, 20); t < utc(2024, 1, 20); t += 3_599_999) {
      const s = isoWeekStart(t);
      expect(new Date(s).getUTCDay()).toBe(1);
      expect(s % DAY_MS).toBe(0);
      expect(s <= t && t < s + WEEK_MS).toBe(true);
    }
  });
});

describe('weeksOverlapping', () => {
  it('lists every overlapping week, oldest first', () => {
    // Wed 2026-06-03 .. Tue 2026-06-16 (exclusive): weeks of Jun 1, Jun 8, Jun 15
    expect(weeksOverlapping(utc(2026, 6, 3), utc(2026, 6, 16))).toEqual([
      utc(2026, 6, 1),
      utc(2026, 6, 8),
      utc(2026, 6, 15),
    ]);
  });
  it('does not include a week that starts exactly at `to`', () => {
    expect(weeksOverlapping(utc(2026, 6, 1), utc(2026, 6, 15))).toEqual([utc(2026, 6, 1), utc(2026, 6, 8)]);
    expect(weeksOverlapping(utc(2026, 6, 1), utc(2026, 6, 15) + 1)).toHaveLength(3);
  });
  it('is empty for an empty or inverted window', () => {
    expect(weeksOverlapping(utc(2026, 6, 3), utc(2026, 6, 3))).toEqual([]);
    expect(weeksOverlapping(utc(2026, 6, 4), utc(2026, 6, 3))).toEqual([]);
  });
  it('spans a year boundary', () => {
    expect(weeksOverlapping(utc(2025, 12, 31), utc(2026, 1, 6)).map(utcDate)).toEqual(['2025-12-29', '2026-01-05']);
  });
});

describe('window helpers', () => {
  it('inWindow is [from, to) and at or before asOf', () => {
    const w = { from: 10, to: 20, asOf: 15 };
    expect(inWindow(10, w)).toBe(true);
    expect(inWindow(9, w)).toBe(false);
    expect(inWindow(15, w)).toBe(true);
    expect(inWindow(16, w)).toBe(false); // after asOf
    expect(inWindow(20, { ...w, asOf: 30 })).toBe(false);
    expect(inWindow(19, { ...w, asOf: 30 })).toBe(true);
  });
  it('clipToWeek clips the first and last partial weeks', () => {
    const w = { from: utc(2026, 6, 3), to: utc(2026, 6, 10), asOf: utc(2026, 6, 30) };
    expect(clipToWeek(w, utc(2026, 6, 1))).toEqual({ from: utc(2026, 6, 3), to: utc(2026, 6, 8), asOf: w.asOf });
    expect(clipToWeek(w, utc(2026, 6, 8))).toEqual({ from: utc(2026, 6, 8), to: utc(2026, 6, 10), asOf: w.asOf });
  });
  it('utcDate gives YYYY-MM-DD', () => {
    expect(utcDate(utc(2026, 6, 29))).toBe('2026-06-29');
  });
});
