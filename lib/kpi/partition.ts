/**
 * Splitting one input among several windows, so that each window's figures read only the rows
 * that can count in it: `computeKpis(partitionInput(input, ws)[i], ws[i], p)` equals
 * `computeKpis(input, ws[i], p)` for every i (the pure functions accept supersets; this hands each
 * window the smallest one). The query layer loads once for several windows (the dashboard's
 * window and previous window, the weeks of the weekly figures) and computes each from its part.
 */
import { computeKpis } from './compute';
import { clipToWeek, inWindow, utcDate, weeksOverlapping } from './time';
import type { DefectRow, KpiInput, KpiWindow, MergedChangeRow, PriceLookup, RunRow, UsageRow, WeeklyKpis } from './types';

/** Earliest value per id over the rows. */
function earliestById<T>(rows: readonly T[], id: (row: T) => string, at: (row: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) {
    const key = id(row);
    const t = at(row);
    const seen = out.get(key);
    if (seen === undefined || t < seen) out.set(key, t);
  }
  return out;
}

/** A run's end as of `asOf`: its earliest run.ended at or before asOf, else null. */
function endedAsOf(row: RunRow, asOf: number): number | null {
  let end: number | null = null;
  for (const t of row.endsAt) if (t <= asOf && (end === null || t < end)) end = t;
  return end;
}

/**
 * For each window, the rows of `input` that can count in it, in input order:
 * - changes: every row of the change ids whose merge (earliest `mergedAt` over the id's rows)
 *   falls in the window (as changesMergedIn combines a change's rows);
 * - defects: every row of the defect ids whose opening (earliest `openedAt`) falls in it;
 * - usage: the rows whose `at` falls in it;
 * - runs: the first row of each run id (as runsEndedIn keeps it) whose end as of the window's
 *   asOf falls in it — the only runs `runs.ended` / `runs.converged` read.
 * A row may go to several windows when they overlap.
 */
export function partitionInput(input: KpiInput, windows: readonly KpiWindow[]): KpiInput[] {
  const parts = windows.map(() => ({
    changes: [] as MergedChangeRow[],
    defects: [] as DefectRow[],
    usage: [] as UsageRow[],
    runs: [] as RunRow[],
  }));
  const merged = earliestById(input.changes, (c) => c.change, (c) => c.mergedAt);
  for (const row of input.changes) {
    const t = merged.get(row.change)!;
    windows.forEach((w, i) => inWindow(t, w) && parts[i].changes.push(row));
  }
  const opened = earliestById(input.defects, (d) => d.defect, (d) => d.openedAt);
  for (const row of input.defects) {
    const t = opened.get(row.defect)!;
    windows.forEach((w, i) => inWindow(t, w) && parts[i].defects.push(row));
  }
  for (const row of input.usage) windows.forEach((w, i) => inWindow(row.at, w) && parts[i].usage.push(row));
  const seen = new Set<string>();
  for (const row of input.runs) {
    if (seen.has(row.run)) continue;
    seen.add(row.run);
    windows.forEach((w, i) => {
      const end = endedAsOf(row, w.asOf);
      if (end !== null && inWindow(end, w)) parts[i].runs.push(row);
    });
  }
  return parts;
}

/**
 * The same answer as computeWeeklyKpis (kpis-v1.md "Weekly figures"), each week computed from
 * only its own rows (partitionInput) rather than from the whole input: linear in the rows rather
 * than in rows × weeks.
 */
export function computeWeeklyKpisPartitioned(
  input: KpiInput,
  w: KpiWindow,
  prices: PriceLookup,
): { weeks: WeeklyKpis[] } {
  const starts = weeksOverlapping(w.from, w.to);
  const windows = starts.map((start) => clipToWeek(w, start));
  const parts = partitionInput(input, windows);
  return {
    weeks: starts.map((start, i) => ({ week: utcDate(start), ...computeKpis(parts[i], windows[i], prices) })),
  };
}
