/**
 * The overview's rows: each visible team's headline figures for the range and the period before
 * it, read through the same lib/data functions (and so the same lib/kpi definitions) as its
 * dashboard and the API, with its verdict (verdict.ts) against the other teams shown.
 */
import 'server-only';
import { getTeamDashboard } from '@/lib/data/kpis';
import { cachedRead } from '@/lib/data/read-cache';
import { listTeamSummaries } from '@/lib/data/teams';
import type { Viewer } from '@/lib/data/viewer';
import type { DivergenceFlag } from '@/lib/flags/flags';
import { summariseFlags } from '@/lib/flags/summary';
import { partlyBeforeData } from '@/lib/kpi/cards';
import type { Kpis } from '@/lib/kpi/types';
import type { DashboardRange } from './search-params';
import { judgeTeams, placedPosition, VERDICT_ORDER, type TeamPosition, type TeamVerdict, type VerdictReference } from './verdict';

export interface OverviewRow {
  slug: string;
  name: string;
  events: number;
  kpis: Kpis;
  /** The period of equal length before the range, at the same asOf. */
  previous: Kpis;
  /**
   * The day (epoch ms) the team's data starts when that falls inside the period before, which it
   * then covers only in part (the change against it runs high); else null.
   */
  previousCoveredFrom: number | null;
  verdict: TeamVerdict;
  /** Where the team stood in the previous period; null when it could not be placed then. */
  previousPosition: TeamPosition | null;
  /** Runs with at least one open flag, of the runs judged (last event in the range). */
  runsFlagged: number;
  runsJudged: number;
  /** Open run flags (a run may carry several). */
  runFlags: number;
  /** The team's divergence flag, when tokens grow while merged changes do not. */
  divergence: DivergenceFlag | null;
  /** Merged changes and tokens per week, oldest first. */
  mergedTrend: number[];
  tokenTrend: number[];
}

export interface Overview {
  rows: OverviewRow[];
  reference: VerdictReference;
}

/** Every visible team's row and the verdict's reference, remembered while the database is unchanged (lib/data/read-cache.ts). */
export function overview(viewer: Viewer, range: DashboardRange): Promise<Overview> {
  return cachedRead(`overview ${JSON.stringify([viewer, range])}`, () => readOverview(viewer, range));
}

async function readOverview(viewer: Viewer, range: DashboardRange): Promise<Overview> {
  const teams = await listTeamSummaries(viewer);
  const loaded = await Promise.all(teams.map(async (t) => {
    const d = (await getTeamDashboard(viewer, t.slug, { window: range.window, previous: range.previous, runs: {} }))!;
    const { runFlags, runsFlagged } = summariseFlags(d.flags.flags);
    return {
      t,
      d,
      runFlags,
      runsFlagged,
      divergence: (d.flags.flags.find((f) => f.kind === 'divergence') as DivergenceFlag | undefined) ?? null,
    };
  }));
  const { reference, verdicts } = judgeTeams(loaded.map((x) => x.d.kpis));
  const rows = loaded.map(({ t, d, runFlags, runsFlagged, divergence }, i): OverviewRow => ({
    slug: t.slug,
    name: t.name,
    events: t.events,
    kpis: d.kpis,
    previous: d.previousKpis!,
    previousCoveredFrom: partlyBeforeData(range.previous, t.firstActiveDay) ? t.firstActiveDay : null,
    verdict: verdicts[i],
    previousPosition: placedPosition(d.previousKpis!),
    runsFlagged,
    runsJudged: d.runList!.total,
    runFlags,
    divergence,
    mergedTrend: d.weekly.weeks.map((x) => x.mergedChanges),
    tokenTrend: d.weekly.weeks.map((x) => x.tokens.total),
  }));
  return { rows, reference };
}

export const OVERVIEW_SORT_KEYS = ['verdict', 'name', 'mergedPerWeek', 'weekSurvival', 'defectRate', 'costUsd', 'costPerSurvivingChange', 'runsFlagged'] as const;
export type OverviewSortKey = (typeof OVERVIEW_SORT_KEYS)[number];

/** The value a column sorts by; null (no denominator) sorts last either way. */
function sortValue(row: OverviewRow, key: Exclude<OverviewSortKey, 'verdict'>): string | number | null {
  switch (key) {
    case 'name':
      return row.name;
    case 'weekSurvival':
      return row.kpis.weekSurvival.rate;
    case 'defectRate':
      return row.kpis.defectRate.rate;
    case 'runsFlagged':
      return row.runsFlagged;
    default:
      return row.kpis[key];
  }
}

function compareValues(x: string | number | null, y: string | number | null, desc: boolean): number {
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  const c = x < y ? -1 : x > y ? 1 : 0;
  return desc ? -c : c;
}

/**
 * Sorted copy; nulls (no denominator) always last. By verdict, descending is worst first, and
 * within a verdict the dearer surviving change first.
 */
export function sortOverview(rows: OverviewRow[], key: OverviewSortKey, desc: boolean): OverviewRow[] {
  return [...rows].sort((a, b) => {
    if (key !== 'verdict') return compareValues(sortValue(a, key), sortValue(b, key), desc);
    const rank = (r: OverviewRow) => VERDICT_ORDER.indexOf(r.verdict.verdict);
    return (rank(a) - rank(b)) * (desc ? 1 : -1) || compareValues(a.kpis.costPerSurvivingChange, b.kpis.costPerSurvivingChange, true);
  });
}
