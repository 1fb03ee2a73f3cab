/** Time constants and ISO-week helpers. Pure; epoch milliseconds, UTC. */
import type { KpiWindow } from './types';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** Monday 00:00 UTC of the ISO week containing `ms` (correct for negative `ms` too). */
export function isoWeekStart(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  // Epoch day 0 (1970-01-01) is a Thursday: Monday-based weekday 3.
  const weekday = (((day + 3) % 7) + 7) % 7;
  return (day - weekday) * DAY_MS;
}

/** Starts of the ISO weeks overlapping `[from, to)`, oldest first; `[]` when `to <= from`. */
export function weeksOverlapping(from: number, to: number): number[] {
  const weeks: number[] = [];
  if (!(to > from)) return weeks;
  for (let start = isoWeekStart(from); start < to; start += WEEK_MS) weeks.push(start);
  return weeks;
}

/** `YYYY-MM-DD` of a UTC instant (for a week start: its Monday). */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `from <= t < to` and `t <= asOf`: the event exists at `asOf` and falls in the window. */
export function inWindow(t: number, w: KpiWindow): boolean {
  return t >= w.from && t < w.to && t <= w.asOf;
}

/** The window `[max(from, weekStart), min(to, weekStart + 7d))` at the same `asOf`. */
export function clipToWeek(w: KpiWindow, weekStart: number): KpiWindow {
  return {
    from: Math.max(w.from, weekStart),
    to: Math.min(w.to, weekStart + WEEK_MS),
    asOf: w.asOf,
  };
}
