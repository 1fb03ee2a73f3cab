/**
 * What runs cost (kpis-v1 pricing over all their own llm.call events up to asOf), for the runs a
 * page shows: a page of the runs table, the flagged runs of the flags page.
 */
import 'server-only';
import { usageCostUsd } from '@/lib/kpi/cost';
import type { CostTotals, PriceLookup } from '@/lib/kpi/types';
import { getDb, type DbArg, type Sql } from './connection';
import { priceTable } from './prices';
import { runUsage, type RunState } from './rows/runs';
import type { TeamSource } from './team-scope';
import { findTeam } from './teams';
import type { Viewer } from './viewer';

/** The cost of each run given (states of one team's source at asOf), by run id as stored. */
export async function costOfRuns(
  db: Sql,
  src: TeamSource,
  runs: readonly RunState[],
  asOf: number,
  prices: PriceLookup = priceTable(),
): Promise<Map<string, CostTotals>> {
  const usage = await runUsage(db, src, runs, asOf);
  return new Map(runs.map((r) => [r.run, usageCostUsd(usage.get(r.run) ?? [], prices)]));
}

/** The cost of each of a team's runs given (as read at asOf); null when the team is not visible. */
export async function getRunCosts(
  viewer: Viewer,
  teamSlug: string,
  runs: readonly RunState[],
  asOf: number,
  db: DbArg = getDb(),
): Promise<Map<string, CostTotals> | null> {
  const sql = await db;
  const team = await findTeam(viewer, teamSlug, sql);
  if (!team) return null;
  return costOfRuns(sql, { teamId: team.id, prefix: '' }, runs, asOf);
}
