/**
 * What the team dashboard reads, in one call: the dashboard's figures and runs, the filters'
 * choices, the listed runs' costs, the Agents & models grouping and the What if scenario.
 * Remembered while the database is unchanged (lib/data/read-cache.ts).
 */
import 'server-only';
import { getCompare, getWhatIf } from '@/lib/data/economics';
import { getTeamDashboard } from '@/lib/data/kpis';
import { cachedRead } from '@/lib/data/read-cache';
import { getRunCosts } from '@/lib/data/run-costs';
import { getViewFacets } from '@/lib/data/view-facets';
import type { Viewer } from '@/lib/data/viewer';
import type { EconomicsView } from '@/lib/economics/view';
import type { RunQuery } from '@/lib/data/run-query';
import type { DashboardRange, SliceFilters } from './search-params';

export interface TeamPageView {
  range: DashboardRange;
  filters: SliceFilters;
  runQuery: RunQuery;
  economics: EconomicsView;
}

export function teamPageData(viewer: Viewer, slug: string, view: TeamPageView) {
  const { range, filters, runQuery, economics } = view;
  return cachedRead(`team ${JSON.stringify([viewer, slug, view])}`, async () => {
    const dashboard = (await getTeamDashboard(viewer, slug, { window: range.window, previous: range.previous, filters, runs: runQuery }))!;
    const [facets, costs, compare, whatIf] = await Promise.all([
      getViewFacets(viewer, slug, range.window, filters, dashboard.runList!.facets),
      getRunCosts(viewer, slug, dashboard.runList!.rows, range.window.asOf),
      getCompare(viewer, [slug], range.window, economics.by, { filters }),
      economics.scenario.ok ? getWhatIf(viewer, [slug], range.window, economics.scenario.value, { filters }) : null,
    ]);
    return { dashboard, facets, costs, compare, whatIf };
  });
}
