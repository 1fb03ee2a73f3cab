/**
 * What runs cost (kpis-v1 pricing over all their own llm.call events up to asOf), for the runs a
 * page shows: a page of the runs table, the flagged runs of the flags page.
 */
import 'server-only';
import type { Db } from '@/db/client';
import { usageCostUsd } from '@/lib/kpi/cost';
import type { CostTotals, PriceLookup } from '@/lib/kpi/types';
import { getDb } from './connection';
import { priceTable } from './prices';
import { runUsage, type RunState } from './rows/runs';
import type { TeamSource } from './team-scope';
import { findTeam } from './teams';
import type { Viewer } from './viewer';

/** The cost of each run given (states of one team's source at asOf), by run id as stored. */
export function costOfRuns(db: Db, src: TeamSource, runs: readonly RunState[], asOf: number, prices: PriceLookup = priceTable()): Map<string, CostTotals> {
  const usage = runUsage(db.$client, src, runs, asOf);
  return new Map(runs.map((r) => [r.run, usageCostUsd(usage.get(r.run) ?? [], prices)]));
}

/** The cost of each of a team's runs given (as read at asOf); null when the team is not visible. */
export function getRunCosts(
  viewer: Viewer,
  teamSlug: string,
  runs: readonly RunState[],
  asOf: number,
  db: Db = getDb(),
): Map<string, CostTotals> | null {
  const team = findTeam(viewer, teamSlug, db);
  if (!team) return null;
  return costOfRuns(db, { teamId: team.id, prefix: '' }, runs, asOf);
}
