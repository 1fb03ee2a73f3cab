/** Outcome KPIs of kpis-v1.md: merged changes, week survival, defect rate, time to fix. */
import { kaplanMeierMedian, nearestRank, type KmObservation } from './stats';
import { DAY_MS, HOUR_MS, inWindow } from './time';
import type {
  DefectRate,
  DefectRow,
  KpiWindow,
  MergedChangeRow,
  TimeToFix,
  WeekSurvival,
} from './types';

export const SURVIVAL_DAYS = 7;
export const DEFECT_DAYS = 14;

/**
 * The changes whose merge falls in the window, one per change id (should the query layer send a
 * change twice, its rows are combined: earliest merge, all timestamps).
 */
export function changesMergedIn(
  rows: readonly MergedChangeRow[],
  w: KpiWindow,
): MergedChangeRow[] {
  const byId = new Map<string, MergedChangeRow>();
  for (const row of rows) {
    const seen = byId.get(row.change);
    byId.set(
      row.change,
      seen
        ? {
            change: row.change,
            mergedAt: Math.min(seen.mergedAt, row.mergedAt),
            modifiedAt: [...seen.modifiedAt, ...row.modifiedAt],
            revertedAt: [...seen.revertedAt, ...row.revertedAt],
            defectNamedAt: [...seen.defectNamedAt, ...row.defectNamedAt],
          }
        : row,
    );
  }
  return [...byId.values()].filter((c) => inWindow(c.mergedAt, w));
}

/** `mergedChanges`: distinct changes whose merge (earliest `change.merged`) falls in the window. */
export function mergedChanges(rows: readonly MergedChangeRow[], w: KpiWindow): number {
  return changesMergedIn(rows, w).length;
}

/**
 * `mergedPerWeek`: `mergedChanges` ÷ the window's length in weeks (days ÷ 7, computed in that
 * order); null for a window of length 0 (or negative).
 */
export function mergedPerWeek(rows: readonly MergedChangeRow[], w: KpiWindow): number | null {
  if (!(w.to > w.from)) return null;
  const weeks = (w.to - w.from) / DAY_MS / 7;
  return mergedChanges(rows, w) / weeks;
}

/** Some ts in `(start, start + span]` and `<= asOf`. */
function anyWithin(ts: readonly number[], start: number, span: number, asOf: number): boolean {
  return ts.some((t) => t > start && t <= start + span && t <= asOf);
}

/**
 * The changes merged in the window, judged `days` after their merge: `eligible` when the merge
 * is at least that long before `asOf` (else `pending`), and `hit` when any of the times `events`
 * gives falls in `(merged, merged + days]` (and at or before asOf). The shared shape of
 * weekSurvival and defectRate.
 */
function judgeAfterMerge(
  rows: readonly MergedChangeRow[],
  w: KpiWindow,
  days: number,
  events: (c: MergedChangeRow) => readonly (readonly number[])[],
): { hit: number; eligible: number; pending: number } {
  const span = days * DAY_MS;
  let hit = 0;
  let eligible = 0;
  let pending = 0;
  for (const c of changesMergedIn(rows, w)) {
    if (w.asOf - c.mergedAt < span) {
      pending++;
      continue;
    }
    eligible++;
    if (events(c).some((ts) => anyWithin(ts, c.mergedAt, span, w.asOf))) hit++;
  }
  return { hit, eligible, pending };
}

/**
 * `weekSurvival`: of the changes merged in the window whose merge is at least 7 days before
 * `asOf` (`eligible`), those with no `change.modified` and no `change.reverted` in
 * `(merged, merged + 7d]` (`survived`); `pending` = merged in the window, not yet eligible.
 */
export function weekSurvival(rows: readonly MergedChangeRow[], w: KpiWindow): WeekSurvival {
  const { hit, eligible, pending } = judgeAfterMerge(rows, w, SURVIVAL_DAYS, (c) => [c.modifiedAt, c.revertedAt]);
  const survived = eligible - hit;
  return { rate: eligible === 0 ? null : survived / eligible, survived, eligible, pending };
}

/**
 * `defectRate`: of the changes merged in the window whose merge is at least 14 days before
 * `asOf` (`eligible`), those that failed: a `change.reverted`, or a `defect.opened` naming the
 * change, in `(merged, merged + 14d]` (the same half-open interval as survival).
 */
export function defectRate(rows: readonly MergedChangeRow[], w: KpiWindow): DefectRate {
  const { hit: failed, eligible, pending } = judgeAfterMerge(rows, w, DEFECT_DAYS, (c) => [c.revertedAt, c.defectNamedAt]);
  return { rate: eligible === 0 ? null : failed / eligible, failed, eligible, pending };
}

/** The durations behind `timeToFix`, in hours. */
export interface TimeToFixDurations {
  /** Defects opened in the window. */
  opened: number;
  /** opened→fixed of those fixed at or before `asOf`, ascending. */
  fixedHours: number[];
  /**
   * Kaplan–Meier input: every defect opened in the window, fixed ones at their opened→fixed
   * duration, open ones censored at `asOf − opened`.
   */
  observations: KmObservation[];
}

/**
 * The defects opened in the window (one per id: earliest opening, earliest fix) and their
 * durations in hours: opened→fixed for those fixed at or before `asOf`, and, for Kaplan–Meier,
 * the open ones censored at `asOf`. Durations are `fixedAt − openedAt` as recorded (a fix stamped
 * before its opening counts as a negative duration; nothing is clamped). The one definition
 * behind `timeToFix` and the dashboard's time-to-fix chart.
 */
export function timeToFixDurations(defects: readonly DefectRow[], w: KpiWindow): TimeToFixDurations {
  const byId = new Map<string, DefectRow>();
  for (const d of defects) {
    const seen = byId.get(d.defect);
    if (!seen) {
      byId.set(d.defect, d);
      continue;
    }
    const fixes = [seen.fixedAt, d.fixedAt].filter((t): t is number => t !== null);
    byId.set(d.defect, {
      defect: d.defect,
      openedAt: Math.min(seen.openedAt, d.openedAt),
      fixedAt: fixes.length ? Math.min(...fixes) : null,
    });
  }
  const fixedHours: number[] = [];
  const observations: KmObservation[] = [];
  let opened = 0;
  for (const d of byId.values()) {
    if (!inWindow(d.openedAt, w)) continue;
    opened++;
    if (d.fixedAt !== null && d.fixedAt <= w.asOf) {
      const hours = (d.fixedAt - d.openedAt) / HOUR_MS;
      fixedHours.push(hours);
      observations.push({ duration: hours, fixed: true });
    } else {
      observations.push({ duration: (w.asOf - d.openedAt) / HOUR_MS, fixed: false });
    }
  }
  fixedHours.sort((a, b) => a - b);
  return { opened, fixedHours, observations };
}

/**
 * `timeToFix` over the defects opened in the window: `fixed` (earliest `defect.fixed` at or
 * before `asOf`), `open` (the rest); nearest-rank p50/p90 of opened→fixed over the fixed ones;
 * `kmP50Hours`, the Kaplan–Meier median with open defects censored at `asOf`
 * (timeToFixDurations).
 */
export function timeToFix(defects: readonly DefectRow[], w: KpiWindow): TimeToFix {
  const { opened, fixedHours, observations } = timeToFixDurations(defects, w);
  return {
    opened,
    fixed: fixedHours.length,
    open: opened - fixedHours.length,
    p50Hours: nearestRank(fixedHours, 0.5),
    p90Hours: nearestRank(fixedHours, 0.9),
    kmP50Hours: kaplanMeierMedian(observations),
  };
}
