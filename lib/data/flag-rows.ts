/**
 * The flags page's rows: each team's open flags for the window (getWindowRuns: the same flags as
 * GET /api/v1/flags) with the flagged run's last event, tokens and cost.
 */
import 'server-only';
import type { FlagRow } from '@/lib/dashboard/flag-table';
import type { KpiWindow } from '@/lib/kpi/types';
import { getDb, type DbArg } from './connection';
import { getWindowRuns } from './kpis';
import { costOfRuns } from './run-costs';
import type { Viewer } from './viewer';

/** The open flags of each team (slugs the viewer may see; others are skipped), in no particular order. */
export async function getFlagRows(
  viewer: Viewer,
  teams: readonly { slug: string; name: string }[],
  w: KpiWindow,
  db: DbArg = getDb(),
): Promise<FlagRow[]> {
  const perTeam = await Promise.all(teams.map((team) => teamFlagRows(viewer, team, w, db)));
  return perTeam.flat();
}

async function teamFlagRows(viewer: Viewer, team: { slug: string; name: string }, w: KpiWindow, db: DbArg): Promise<FlagRow[]> {
  const found = await getWindowRuns(viewer, [team.slug], w, { db });
  if (!found) return [];
  const [read] = found.reads;
  const flagged = read.list.filter((r) => found.flagsByRun.has(r.run));
  const byRun = new Map(flagged.map((r) => [r.run, r]));
  const costs = await costOfRuns(found.db, found.scope.sources[0], flagged, w.asOf);
  return found.flags.map((flag): FlagRow => {
    if (!('run' in flag)) return { team, flag, run: null, at: Date.parse(flag.evidence.laterTo), tokens: null, costUsd: null };
    const state = byRun.get(flag.run);
    return { team, flag, run: flag.run, at: state?.lastEventAt ?? w.asOf, tokens: state?.tokens.total ?? null, costUsd: costs.get(flag.run)?.costUsd ?? null };
  });
}
