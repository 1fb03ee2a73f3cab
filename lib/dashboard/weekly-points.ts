/**
 * The weekly charts' points (the team dashboard's and the shared report's), from the weekly
 * figures of kpis-v1: a week clipped by the range (the first and the current one, usually) is
 * marked partial, and a figure that cannot be known yet is a gap (null), never a 0 — a week's
 * surviving changes are known once the week is over and every change merged in it is 7 days
 * old, a rate once one of its changes is.
 */
import { WEEK_MS } from '@/lib/kpi/time';
import type { KpiWindow, WeeklyKpis } from '@/lib/kpi/types';

export interface WeeklyPoint {
  /** The Monday, `YYYY-MM-DD`. */
  weekStart: string;
  /** The axis label: `MM-DD`, with `*` when partial. */
  label: string;
  /** The range covers only part of the week (or the week is not over at asOf). */
  partial: boolean;
  costUsd: number;
  tokens: number;
  merged: number;
  /** Changes merged this week that survived it; null while the week goes on or some are under 7 days old. */
  survived: number | null;
  /** Percentages (one decimal); null where no change of the week is old enough yet. */
  survival: number | null;
  defects: number | null;
}

const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

export function weeklyPoints(weeks: readonly WeeklyKpis[], w: KpiWindow): WeeklyPoint[] {
  const end = Math.min(w.to, w.asOf);
  return weeks.map((wk) => {
    const start = Date.parse(`${wk.week}T00:00:00Z`);
    const partial = start < w.from || start + WEEK_MS > end;
    return {
      weekStart: wk.week,
      label: `${wk.week.slice(5)}${partial ? '*' : ''}`,
      partial,
      costUsd: Math.round(wk.costUsd * 100) / 100,
      tokens: wk.tokens.total,
      merged: wk.mergedChanges,
      survived: wk.weekSurvival.pending > 0 || start + WEEK_MS > w.asOf ? null : wk.weekSurvival.survived,
      survival: percent(wk.weekSurvival.rate),
      defects: percent(wk.defectRate.rate),
    };
  });
}

/** The note under a weekly chart when some week is partial; null when none is. */
export function partialWeeksNote(points: readonly WeeklyPoint[]): string | null {
  const partial = points.filter((p) => p.partial);
  if (partial.length === 0) return null;
  return `* partial week: the range covers only part of it (${partial.map((p) => `week of ${p.weekStart}`).join(', ')}).`;
}
