/** When alerts are retried and when the weekly digest is due: pure functions of time. */
import type { DigestSchedule } from '@/lib/config';
import { DAY_MS, HOUR_MS, isoWeekStart, WEEK_MS } from '@/lib/kpi/time';
import type { KpiWindow } from '@/lib/kpi/types';

/** The first retry waits this long; each next one twice as long as the one before, up to RETRY_CAP_MS. */
export const FIRST_RETRY_MS = 60_000;
export const RETRY_CAP_MS = HOUR_MS;
/** A delivery not accepted this long after it was made is given up (marked failed). */
export const RETRY_FOR_MS = 24 * HOUR_MS;
/** A digest whose time passed while no server ran is still sent this long after that time; later, that week's is skipped. */
export const DIGEST_CATCH_UP_MS = 24 * HOUR_MS;

/** The wait after the `attempts`-th failed attempt (1 min, 2, 4, … capped at an hour). */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), RETRY_CAP_MS);
}

/** When to try again after a failed attempt, or null to give up (the next try would be past RETRY_FOR_MS). */
export function nextAttemptAt(createdAt: number, attempts: number, now: number): number | null {
  const next = now + retryDelayMs(attempts);
  return next > createdAt + RETRY_FOR_MS ? null : next;
}

/** The latest digest time at or before `now`: the schedule's weekday and hour, UTC. */
export function latestDigestAt(now: number, schedule: DigestSchedule): number {
  const thisWeek = isoWeekStart(now) + (schedule.weekday - 1) * DAY_MS + schedule.hourUtc * HOUR_MS;
  return thisWeek <= now ? thisWeek : thisWeek - WEEK_MS;
}

/**
 * What the digest sent at `at` is about: the last whole ISO week before `at`'s week, and the week
 * before that, both seen as of `at`.
 */
export function digestWindows(at: number): { week: KpiWindow; previous: KpiWindow } {
  const to = isoWeekStart(at);
  return {
    week: { from: to - WEEK_MS, to, asOf: at },
    previous: { from: to - 2 * WEEK_MS, to: to - WEEK_MS, asOf: at },
  };
}
