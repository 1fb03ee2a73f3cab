/**
 * The inputs of lib/kpi and lib/flags for one or several windows seen at the same asOf, each row
 * read once and split among the windows in memory (lib/kpi's partitionInput), which gives each the
 * figures it would get alone.
 */
import type { Sql } from '../connection';
import type { FlagThresholds } from '@/lib/flags/thresholds';
import { weekTotals } from '@/lib/kpi/compute';
import type { DefectRow, KpiInput, KpiWindow, MergedChangeRow, RunRow, UsageRow, WeekTotals } from '@/lib/kpi/types';
import type { TeamSource } from '../team-scope';
import { normalizeFilters, type KpiFilters } from './filters';
import { append, divergenceRange, outcomeIntervals, unionOf } from './intervals';
import { defectRows, mergedChangeRows } from './outcomes';
import { runRows, type RunRows } from './runs';
import { filteredUsageRows, usageRowsCovering } from './usage';

/**
 * The rows of several windows seen at `asOf`: for `kpiWindows` every input of computeKpis but the
 * runs (merged changes with their timelines, defects, usage); for `mergeWindows` (the divergence
 * weeks) merged changes and usage only. Usage rows never straddle any of the windows' bounds
 * (usageRowsCovering), so the pure functions give each window what they would give it alone.
 */
export async function loadOutcomeRows(
  db: Sql,
  sources: readonly TeamSource[],
  asOf: number,
  kpiWindows: readonly KpiWindow[],
  mergeWindows: readonly KpiWindow[],
  filters: KpiFilters | undefined,
): Promise<Omit<KpiInput, 'runs'>> {
  const f = normalizeFilters(filters);
  const all = [...kpiWindows, ...mergeWindows];
  const outcomes = outcomeIntervals(kpiWindows, asOf);
  const merges = unionOf(all.map((w) => [w.from, Math.min(w.to, asOf + 1)]));
  const timelines = kpiWindows.length > 0;
  const input = { changes: [] as MergedChangeRow[], defects: [] as DefectRow[], usage: [] as UsageRow[] };
  for (const src of sources) {
    for (const [from, end] of merges) append(input.changes, await mergedChangeRows(db, src, from, end, asOf, timelines, f));
    for (const [from, end] of outcomes) append(input.defects, await defectRows(db, src, from, end, asOf, f));
    if (f === null) append(input.usage, await usageRowsCovering(db, src.teamId, all, asOf));
    else for (const [from, end] of merges) append(input.usage, await filteredUsageRows(db, src.teamId, from, end, asOf, f));
  }
  return input;
}

/** Everything computeKpis reads for one window. */
export async function loadKpiInput(
  db: Sql,
  sources: readonly TeamSource[],
  w: KpiWindow,
  thresholds: (src: TeamSource) => FlagThresholds,
  filters?: KpiFilters,
): Promise<KpiInput> {
  const kpiIntervals = outcomeIntervals([w], w.asOf);
  const runs: RunRow[] = [];
  for (const src of sources) {
    append(runs, (await runRows(db, src, { asOf: w.asOf, window: null, kpiIntervals, thresholds: thresholds(src), filters })).kpi);
  }
  return { ...(await loadOutcomeRows(db, sources, w.asOf, [w], [], filters)), runs };
}

/** Each team's runRows for the window (and the ended runs of `kpiWindows`), in the order of `sources`. */
export async function loadRunRows(
  db: Sql,
  sources: readonly TeamSource[],
  w: KpiWindow,
  thresholds: (src: TeamSource) => FlagThresholds,
  filters: KpiFilters | undefined,
  kpiWindows: readonly KpiWindow[] = [],
): Promise<RunRows[]> {
  const kpiIntervals = outcomeIntervals(kpiWindows, w.asOf);
  const out: RunRows[] = [];
  for (const src of sources) out.push(await runRows(db, src, { asOf: w.asOf, window: w, kpiIntervals, thresholds: thresholds(src), filters }));
  return out;
}

/**
 * The 2 × `divergenceWeeks` whole ISO weeks before asOf's week, oldest first, as lib/kpi's
 * weekTotals reckons them from merged-change and usage rows of that range.
 */
export async function divergenceWeekTotals(
  db: Sql,
  sources: readonly TeamSource[],
  asOf: number,
  divergenceWeeks: number,
  filters?: KpiFilters,
): Promise<WeekTotals[]> {
  const range = divergenceRange(asOf, divergenceWeeks);
  if (!range) return [];
  // Only the merge counts here: the rows go without their timelines.
  const rows = await loadOutcomeRows(db, sources, asOf, [], [range], filters);
  return weekTotals(rows.changes, rows.usage, asOf, range.count);
}
