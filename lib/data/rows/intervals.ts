/** Time intervals of the row loaders: windows cut at asOf, unions of them, the divergence weeks. */
import { isoWeekStart, WEEK_MS } from '@/lib/kpi/time';
import type { KpiWindow } from '@/lib/kpi/types';

export type Interval = [from: number, end: number];

/** Exclusive upper bound of "in the window and at or before asOf". */
export function windowEnd(w: KpiWindow): number {
  return Math.min(w.to, w.asOf + 1);
}

/** `target.push(...items)` without spreading: a large list would overflow the call stack. */
export function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** The union of the intervals (empty ones dropped), as disjoint intervals, ascending. */
export function unionOf(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]); // a copy: the caller's intervals are left as they are
  }
  return out;
}

/** Where the outcomes of windows seen at `asOf` are read: their union, each cut at asOf. */
export function outcomeIntervals(windows: readonly KpiWindow[], asOf: number): Interval[] {
  return unionOf(windows.map((w) => [w.from, Math.min(w.to, asOf + 1)]));
}

/** The 2 × divergenceWeeks whole ISO weeks before asOf's week (null for none). */
export function divergenceRange(asOf: number, divergenceWeeks: number): (KpiWindow & { count: number }) | null {
  // A hand-edited setting must not turn into an unbounded loop: at most 10 years each side.
  const count = 2 * Math.min(520, Math.max(0, Math.floor(Number.isFinite(divergenceWeeks) ? divergenceWeeks : 0)));
  if (count === 0) return null;
  const to = isoWeekStart(asOf);
  return { from: to - count * WEEK_MS, to, asOf, count };
}
