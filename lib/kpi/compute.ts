/** The whole answer of GET /api/v1/kpis and /api/v1/kpis/weekly, and week totals for flags. */
import { costPerMergedChange, costPerSurvivingChange, costUsd, tokenTotals } from './cost';
import { defectRate, mergedChanges, mergedPerWeek, timeToFix, weekSurvival } from './outcomes';
import { runConvergence } from './runs';
import { clipToWeek, isoWeekStart, utcDate, WEEK_MS, weeksOverlapping } from './time';
import type {
  KpiInput,
  KpiWindow,
  Kpis,
  MergedChangeRow,
  PriceLookup,
  UsageRow,
  WeeklyKpis,
  WeekTotals,
} from './types';

/** Every figure of kpis-v1.md for the window (GET /api/v1/kpis minus `team`). */
export function computeKpis(input: KpiInput, w: KpiWindow, prices: PriceLookup): Kpis {
  const merged = mergedChanges(input.changes, w);
  const survival = weekSurvival(input.changes, w);
  const cost = costUsd(input.usage, w, prices);
  return {
    mergedChanges: merged,
    mergedPerWeek: mergedPerWeek(input.changes, w),
    weekSurvival: survival,
    defectRate: defectRate(input.changes, w),
    timeToFix: timeToFix(input.defects, w),
    tokens: tokenTotals(input.usage, w),
    costUsd: cost.costUsd,
    unpricedCalls: cost.unpricedCalls,
    costPerMergedChange: costPerMergedChange(cost.costUsd, merged),
    costPerSurvivingChange: costPerSurvivingChange(cost.costUsd, merged, survival.rate),
    runs: runConvergence(input.runs, w),
  };
}

/**
 * kpis-v1.md "Weekly figures": for each ISO week overlapping `[from, to)`, oldest first, empty
 * weeks included, the figures of `[max(from, week start), min(to, week end))` at the same
 * `asOf`. Merged changes, tokens, unpriced calls and opened defects add up to the window's;
 * cost adds up bit for bit when summed oldest first from 0 (see cost.ts).
 */
export function computeWeeklyKpis(
  input: KpiInput,
  w: KpiWindow,
  prices: PriceLookup,
): { weeks: WeeklyKpis[] } {
  return {
    weeks: weeksOverlapping(w.from, w.to).map((start) => ({
      week: utcDate(start),
      ...computeKpis(input, clipToWeek(w, start), prices),
    })),
  };
}

/**
 * The `count` whole ISO weeks before `asOf`'s week, oldest first, with their tokens and merged
 * changes as of `asOf` — the input of the divergence flag when the caller has rows rather than
 * pre-summed totals (divergence needs 2 × `divergenceWeeks` weeks).
 */
export function weekTotals(
  changes: readonly MergedChangeRow[],
  usage: readonly UsageRow[],
  asOf: number,
  count: number,
): WeekTotals[] {
  const current = isoWeekStart(asOf);
  const out: WeekTotals[] = [];
  for (let k = count; k >= 1; k--) {
    const weekStart = current - k * WEEK_MS;
    const w = { from: weekStart, to: weekStart + WEEK_MS, asOf };
    out.push({
      weekStart,
      tokens: tokenTotals(usage, w).total,
      mergedChanges: mergedChanges(changes, w),
    });
  }
  return out;
}
