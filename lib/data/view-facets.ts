/**
 * What the dashboard's agent / model / repository filters offer: the values of the window's runs
 * (those whose last event at asOf falls in it) before any of these filters narrows them, so a
 * filtered view can switch to another agent without a reset first.
 */
import 'server-only';
import type { KpiWindow } from '@/lib/kpi/types';
import { getDb, type DbArg } from './connection';
import { normalizeFilters, type KpiFilters } from './rows/filters';
import { windowEnd } from './rows/intervals';
import { runStates } from './rows/runs';
import { runFacets, type RunList } from './run-list';
import { findTeam } from './teams';
import type { Viewer } from './viewer';

/**
 * The filters' choices for the team and window. `unfiltered` are the facets the page already has
 * from its runs read with `filters`: when no filter is set they are the answer, read once.
 */
export async function getViewFacets(
  viewer: Viewer,
  teamSlug: string,
  w: KpiWindow,
  filters: KpiFilters,
  unfiltered: RunList['facets'],
  db: DbArg = getDb(),
): Promise<RunList['facets'] | null> {
  const sql = await db;
  const team = await findTeam(viewer, teamSlug, sql);
  if (!team) return null;
  if (normalizeFilters(filters) === null) return unfiltered;
  const end = windowEnd(w);
  const states = await runStates(sql, { teamId: team.id, prefix: '' }, 'last_event_at >= @from AND first_event_at < @end', { from: w.from, end }, w.asOf);
  return runFacets(states.filter((r) => r.lastEventAt >= w.from && r.lastEventAt < end));
}
