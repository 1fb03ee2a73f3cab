import { describe, expect, it } from 'vitest';
import { defectRate, mergedChanges, mergedPerWeek, timeToFix, timeToFixDurations, weekSurvival } from './outcomes';
import { DAY_MS, HOUR_MS } from './time';
import type { DefectRow, MergedChangeRow } from './types';

const T0 = Date.UTC(2026, 5, 1); // Monday 2026-06-01
const D = DAY_MS;
const H = HOUR_MS;
/** 28 days, seen at its end. */
const W = { from: T0, to: T0 + 28 * D, asOf: T0 + 28 * D };

const ch = (change: string, mergedAt: number, p: Partial<MergedChangeRow> = {}): MergedChangeRow => ({
  change,
  mergedAt,
  modifiedAt: [],
  revertedAt: [],
  defectNamedAt: [],
  ...p,
});

describe('mergedChanges / mergedPerWeek', () => {
  it('counts merges in [from, to) at or before asOf, each change once', () => {
    const rows = [
      ch('before', T0 - 1),
      ch('at-from', T0),
      ch('inside', T0 + 3 * D),
      ch('inside', T0 + 3 * D), // sent twice
      ch('last-ms', W.to - 1),
      ch('at-to', W.to),
    ];
    expect(mergedChanges(rows, W)).toBe(3);
    expect(mergedPerWeek(rows, W)).toBe(0.75); // 3 ÷ (28 / 7)
  });
  it('ignores merges after asOf even inside [from, to)', () => {
    const w = { from: T0, to: T0 + 14 * D, asOf: T0 + 7 * D };
    const rows = [ch('a', T0 + 7 * D), ch('b', T0 + 7 * D + 1), ch('c', T0 + 10 * D)];
    expect(mergedChanges(rows, w)).toBe(1);
    expect(mergedPerWeek(rows, w)).toBe(0.5); // 1 ÷ 2 weeks (the window's length, not asOf's)
  });
  it('mergedPerWeek on a partial week is count ÷ (days ÷ 7)', () => {
    const w = { from: T0, to: T0 + 10 * D, asOf: W.asOf };
    const rows = [ch('a', T0), ch('b', T0 + 1), ch('c', T0 + 2), ch('d', T0 + 3), ch('e', T0 + 4)];
    expect(mergedPerWeek(rows, w)).toBe(5 / (10 / 7));
    expect(mergedPerWeek(rows, { ...w, to: T0 + 3.5 * D })).toBe(10); // 5 ÷ 0.5
  });
  it('mergedPerWeek is null for an empty window and 0 with no merges', () => {
    expect(mergedPerWeek([ch('a', T0)], { from: T0, to: T0, asOf: W.asOf })).toBeNull();
    expect(mergedPerWeek([], W)).toBe(0);
  });
});

describe('weekSurvival', () => {
  const m = T0 + 1 * D; // 27 days before asOf: eligible
  it('a modification exactly at merge + 7 d is inside (not survived); 1 ms later is outside (survived)', () => {
    expect(weekSurvival([ch('a', m, { modifiedAt: [m + 7 * D] })], W)).toEqual({ rate: 0, survived: 0, eligible: 1, pending: 0 });
    expect(weekSurvival([ch('a', m, { modifiedAt: [m + 7 * D + 1] })], W)).toEqual({ rate: 1, survived: 1, eligible: 1, pending: 0 });
  });
  it('a modification exactly at the merge is not in (merged, merged + 7d]: survived', () => {
    expect(weekSurvival([ch('a', m, { modifiedAt: [m] })], W).survived).toBe(1);
    expect(weekSurvival([ch('a', m, { modifiedAt: [m - 1] })], W).survived).toBe(1);
    expect(weekSurvival([ch('a', m, { modifiedAt: [m + 1] })], W).survived).toBe(0);
  });
  it('a revert within 7 days kills survival; a defect does not', () => {
    expect(weekSurvival([ch('a', m, { revertedAt: [m + 3 * D] })], W).survived).toBe(0);
    expect(weekSurvival([ch('a', m, { revertedAt: [m + 7 * D] })], W).survived).toBe(0);
    expect(weekSurvival([ch('a', m, { revertedAt: [m + 7 * D + 1] })], W).survived).toBe(1);
    expect(weekSurvival([ch('a', m, { defectNamedAt: [m + 1 * D] })], W).survived).toBe(1);
  });
  it('eligible when merged at least 7 days before asOf; pending otherwise', () => {
    const rows = [
      ch('exactly-7d', W.asOf - 7 * D),
      ch('7d-minus-1ms', W.asOf - 7 * D + 1),
      ch('yesterday', W.asOf - D, { modifiedAt: [W.asOf - D + 1] }),
      ch('old', T0, { modifiedAt: [T0 + 2 * D] }),
    ];
    expect(weekSurvival(rows, W)).toEqual({ rate: 0.5, survived: 1, eligible: 2, pending: 2 });
  });
  it('rate is null with nothing eligible, pending still counted', () => {
    expect(weekSurvival([ch('a', W.asOf - D)], W)).toEqual({ rate: null, survived: 0, eligible: 0, pending: 1 });
    expect(weekSurvival([], W)).toEqual({ rate: null, survived: 0, eligible: 0, pending: 0 });
  });
  it('as of an earlier asOf: later merges do not exist, and eligibility follows asOf', () => {
    const asOf = T0 + 10 * D;
    const w = { from: T0, to: T0 + 28 * D, asOf };
    const rows = [
      ch('a', T0 + 1 * D, { modifiedAt: [T0 + 20 * D] }), // eligible; the modification is outside 7d anyway
      ch('b', T0 + 3 * D), // exactly 7 d before asOf: eligible
      ch('c', T0 + 5 * D), // pending
      ch('d', T0 + 10 * D + 1), // after asOf: does not exist
    ];
    expect(weekSurvival(rows, w)).toEqual({ rate: 1, survived: 2, eligible: 2, pending: 1 });
  });
  it('excludes merges outside the window', () => {
    const rows = [ch('a', T0 - 1), ch('b', W.to)];
    expect(weekSurvival(rows, { ...W, asOf: W.to + 30 * D })).toEqual({ rate: null, survived: 0, eligible: 0, pending: 0 });
  });
  it('combines a change sent in two rows (earliest merge, all modifications)', () => {
    const rows = [ch('a', m + D), ch('a', m, { modifiedAt: [m + 7 * D] })];
    expect(weekSurvival(rows, W)).toEqual({ rate: 0, survived: 0, eligible: 1, pending: 0 });
  });
});

describe('defectRate', () => {
  const m = T0; // 28 days before asOf: eligible
  const rate = (row: MergedChangeRow) => defectRate([row], W);
  it('a revert at merge + 14 d fails; at 14 d + 1 ms it does not', () => {
    expect(rate(ch('a', m, { revertedAt: [m + 14 * D] }))).toEqual({ rate: 1, failed: 1, eligible: 1, pending: 0 });
    expect(rate(ch('a', m, { revertedAt: [m + 14 * D + 1] }))).toEqual({ rate: 0, failed: 0, eligible: 1, pending: 0 });
  });
  it('being named by a defect.opened at merge + 14 d fails; at 14 d + 1 ms it does not', () => {
    expect(rate(ch('a', m, { defectNamedAt: [m + 14 * D] })).failed).toBe(1);
    expect(rate(ch('a', m, { defectNamedAt: [m + 14 * D + 1] })).failed).toBe(0);
    expect(rate(ch('a', m, { defectNamedAt: [m + 1] })).failed).toBe(1);
  });
  it('the interval is (merged, merged + 14d]: at the merge or before does not count', () => {
    expect(rate(ch('a', m, { defectNamedAt: [m], revertedAt: [m - D] })).failed).toBe(0);
  });
  it('a modification is not a failure', () => {
    expect(rate(ch('a', m, { modifiedAt: [m + D] })).failed).toBe(0);
  });
  it('eligible when merged at least 14 days before asOf; pending otherwise', () => {
    const rows = [
      ch('exactly-14d', W.asOf - 14 * D, { revertedAt: [W.asOf] }),
      ch('14d-minus-1ms', W.asOf - 14 * D + 1, { revertedAt: [W.asOf] }),
      ch('old-ok', T0 + D),
      ch('old-bad', T0 + 2 * D, { defectNamedAt: [T0 + 3 * D] }),
      ch('recent', W.asOf - 2 * D),
    ];
    expect(defectRate(rows, W)).toEqual({ rate: 2 / 3, failed: 2, eligible: 3, pending: 2 });
  });
  it('events after asOf are ignored (failures after asOf cannot make a change eligible-failed)', () => {
    const asOf = T0 + 20 * D;
    const w = { from: T0, to: T0 + 28 * D, asOf };
    const rows = [
      ch('a', T0, { revertedAt: [T0 + 14 * D + 1], defectNamedAt: [asOf + 1] }),
      ch('b', T0 + 6 * D, { revertedAt: [asOf + 1] }), // exactly 14 d before asOf; revert after asOf
      ch('c', T0 + 7 * D, { defectNamedAt: [T0 + 8 * D] }), // pending
    ];
    expect(defectRate(rows, w)).toEqual({ rate: 0, failed: 0, eligible: 2, pending: 1 });
  });
  it('rate null with nothing eligible', () => {
    expect(defectRate([ch('a', W.asOf - D)], W)).toEqual({ rate: null, failed: 0, eligible: 0, pending: 1 });
  });
});

describe('timeToFix', () => {
  const d = (defect: string, openedAt: number, fixedAt: number | null): DefectRow => ({ defect, openedAt, fixedAt });
  it('counts opened / fixed / open, nearest-rank p50 & p90 and the KM median', () => {
    const rows = [
      d('fixed-2h', T0, T0 + 2 * H),
      d('fixed-4h', T0 + D, T0 + D + 4 * H),
      d('open', T0 + 2 * D, null),
      d('fixed-after-asOf', T0 + 3 * D, W.asOf + 1), // open as of asOf
      d('opened-before', T0 - 1, T0 + H),
      d('opened-at-to', W.to, W.to + H),
    ];
    // fixed durations [2, 4]: p50 = v[ceil(1)-1] = 2, p90 = v[ceil(1.8)-1] = 4.
    // KM: 4 at risk; t=2h: S = 3/4; t=4h: S = 3/4 × 2/3 = 1/2 → 4 h.
    expect(timeToFix(rows, W)).toEqual({ opened: 4, fixed: 2, open: 2, p50Hours: 2, p90Hours: 4, kmP50Hours: 4 });
  });
  it('a fix exactly at asOf counts; defects opened after asOf do not exist', () => {
    const w = { from: T0, to: T0 + 28 * D, asOf: T0 + 5 * D };
    const rows = [d('a', T0, w.asOf), d('b', w.asOf + 1, w.asOf + 2)];
    expect(timeToFix(rows, w)).toEqual({ opened: 1, fixed: 1, open: 0, p50Hours: 120, p90Hours: 120, kmP50Hours: 120 });
  });
  it('no defects: zeros and nulls', () => {
    expect(timeToFix([], W)).toEqual({ opened: 0, fixed: 0, open: 0, p50Hours: null, p90Hours: null, kmP50Hours: null });
  });
  it('only open defects: percentiles and KM null', () => {
    expect(timeToFix([d('a', T0, null), d('b', T0 + D, null)], W)).toEqual({
      opened: 2, fixed: 0, open: 2, p50Hours: null, p90Hours: null, kmP50Hours: null,
    });
  });
  it('KM censors open defects at asOf: ties between a fix and a censoring count the fix first', () => {
    const asOf = T0 + 10 * H;
    const w = { from: T0, to: T0 + D, asOf };
    const rows = [
      d('f1', T0, T0 + 2 * H), // fixed at 2 h
      d('f2', T0, T0 + 2 * H), // fixed at 2 h
      d('c', T0 + 8 * H, null), // censored at asOf - openedAt = 2 h (tie)
      d('f3', T0 + H, T0 + 6 * H), // fixed at 5 h
      d('f4', T0 + H, T0 + 6 * H), // fixed at 5 h
    ];
    // t=2h: 5 at risk, 2 fixed → S = 0.6; the censored one leaves; t=5h: 2 at risk, 2 fixed → 0.
    // fixed durations sorted [2, 2, 5, 5]: p50 = v[1] = 2, p90 = v[3] = 5.
    expect(timeToFix(rows, w)).toEqual({ opened: 5, fixed: 4, open: 1, p50Hours: 2, p90Hours: 5, kmP50Hours: 5 });
  });
  it('KM never reaching 0.5 is null while p50 exists', () => {
    const asOf = T0 + 100 * H;
    const w = { from: T0, to: asOf, asOf };
    const rows = [d('f', T0, T0 + H), d('o1', T0, null), d('o2', T0, null)];
    expect(timeToFix(rows, w)).toEqual({ opened: 3, fixed: 1, open: 2, p50Hours: 1, p90Hours: 1, kmP50Hours: null });
  });
  it('durations are in hours, not rounded', () => {
    const rows = [d('a', T0, T0 + 90 * 60_000)];
    expect(timeToFix(rows, W).p50Hours).toBe(1.5);
  });
  it('p50/p90 over 5 and 10 fixed defects', () => {
    const five = [3, 1, 5, 2, 4].map((h, i) => d(`d${i}`, T0, T0 + h * H));
    expect(timeToFix(five, W)).toMatchObject({ fixed: 5, p50Hours: 3, p90Hours: 5, kmP50Hours: 3 });
    const ten = Array.from({ length: 10 }, (_, i) => d(`d${i}`, T0 + i, T0 + i + (i + 1) * 10 * H));
    expect(timeToFix(ten, W)).toMatchObject({ fixed: 10, p50Hours: 50, p90Hours: 90, kmP50Hours: 50 });
  });
});

describe('timeToFixDurations', () => {
  const d = (defect: string, openedAt: number, fixedAt: number | null): DefectRow => ({ defect, openedAt, fixedAt });
  it('gives the fixed ones’ hours sorted and the KM observations timeToFix summarises', () => {
    const asOf = T0 + 10 * D;
    const w = { from: T0, to: T0 + 28 * D, asOf };
    const rows = [
      d('b', T0 + D, T0 + D + 30 * H),
      d('a', T0, T0 + 90 * 60_000), // 1.5 h
      d('a', T0 + 2 * D, null), // a second opening of a: the earliest counts
      d('open', T0 + 9 * D, null), // censored at 24 h
      d('late-fix', T0 + 8 * D, asOf + 1), // fixed after asOf: censored at 48 h
      d('before', T0 - 1, T0 + H),
    ];
    const got = timeToFixDurations(rows, w);
    expect(got.opened).toBe(4);
    expect(got.fixedHours).toEqual([1.5, 30]);
    expect(got.observations).toEqual(expect.arrayContaining([
      { duration: 1.5, fixed: true }, { duration: 30, fixed: true }, { duration: 24, fixed: false }, { duration: 48, fixed: false },
    ]));
    expect(got.observations).toHaveLength(4);
    // KM: 4 at risk; 1.5 h → 3/4; 24 h censored; 30 h: 2 at risk → 3/8.
    expect(timeToFix(rows, w)).toEqual({ opened: 4, fixed: 2, open: 2, p50Hours: 1.5, p90Hours: 30, kmP50Hours: 30 });
  });
});
