/** Time arithmetic of the reference, written from kpis-v1.md ("A week is an ISO week, Monday 00:00 UTC"). */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

/** Monday 00:00 UTC of the ISO week holding `t` (by the calendar, not by epoch arithmetic). */
export function mondayOf(t: number): number {
  const d = new Date(t);
  const daysSinceMonday = (d.getUTCDay() + 6) % 7;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - daysSinceMonday * DAY;
}

export const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);
export const isoInstant = (t: number) => new Date(t).toISOString();

/** `from <= t < to`. (Existence at asOf is decided once, in events.ts.) */
export const inRange = (t: number, from: number, to: number) => t >= from && t < to;
