/**
 * The overview's rows: each visible team's headline figures for the range, read through the
 * same lib/data functions (and so the same lib/kpi definitions) as its dashboard and the API.
 */
import 'server-only';
import { getTeamDashboard } from '@/lib/data/kpis';
import { listTeamSummaries } from '@/lib/data/teams';
import type { Viewer } from '@/lib/data/viewer';
import type { KpiWindow } from '@/lib/kpi/types';

export interface OverviewRow {
  slug: string;
  name: string;
  events: number;
  mergedPerWeek: number | null;
  weekSurvival: number | null;
  defectRate: number | null;
  costPerSurvivingChange: number | null;
  costUsd: number;
  openFlags: number;
  /** Merged changes per week, oldest first. */
  mergedTrend: number[];
  /** Token cost per week, oldest first. */
  costTrend: number[];
}

export const OVERVIEW_SORT_KEYS = ['name', 'mergedPerWeek', 'weekSurvival', 'defectRate', 'costPerSurvivingChange', 'costUsd', 'openFlags'] as const;
export type OverviewSortKey = (typeof OVERVIEW_SORT_KEYS)[number];

export async function overviewRows(viewer: Viewer, w: KpiWindow): Promise<OverviewRow[]> {
  const teams = await listTeamSummaries(viewer);
  return Promise.all(teams.map(async (t) => {
    const { kpis, weekly, flags } = (await getTeamDashboard(viewer, t.slug, { window: w }))!;
    return {
      slug: t.slug,
      name: t.name,
      events: t.events,
      mergedPerWeek: kpis.mergedPerWeek,
      weekSurvival: kpis.weekSurvival.rate,
      defectRate: kpis.defectRate.rate,
      costPerSurvivingChange: kpis.costPerSurvivingChange,
      costUsd: kpis.costUsd,
      openFlags: flags.flags.length,
      mergedTrend: weekly.weeks.map((x) => x.mergedChanges),
      costTrend: weekly.weeks.map((x) => x.costUsd),
    };
  }));
}

/** Sorted copy; nulls (no denominator) always last. */
export function sortOverview(rows: OverviewRow[], key: OverviewSortKey, desc: boolean): OverviewRow[] {
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = x < y ? -1 : x > y ? 1 : 0;
    return desc ? -c : c;
  });
}
