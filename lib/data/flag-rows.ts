/**
 * The flags page's rows: each team's open flags for the window (getWindowRuns: the same flags as
 * GET /api/v1/flags) with the flagged run's last event, tokens and cost.
 */
import 'server-only';
import type { Db } from '@/db/client';
import type { FlagRow } from '@/lib/dashboard/flag-table';
import type { KpiWindow } from '@/lib/kpi/types';
import { getDb } from './connection';
import { getWindowRuns } from './kpis';
import { costOfRuns } from './run-costs';
import type { Viewer } from './viewer';

/** The open flags of each team (slugs the viewer may see; others are skipped), in no particular order. */
export function getFlagRows(viewer: Viewer, teams: readonly { slug: string; name: string }[], w: KpiWindow, db: Db = getDb()): FlagRow[] {
  const rows: FlagRow[] = [];
  for (const team of teams) {
    const found = getWindowRuns(viewer, [team.slug], w, { db });
    if (!found) continue;
    const [read] = found.reads;
    const flagged = read.list.filter((r) => found.flagsByRun.has(r.run));
    const byRun = new Map(flagged.map((r) => [r.run, r]));
    const costs = costOfRuns(db, found.scope.sources[0], flagged, w.asOf);
    for (const flag of found.flags) {
      if ('run' in flag) {
        const state = byRun.get(flag.run);
        rows.push({ team, flag, run: flag.run, at: state?.lastEventAt ?? w.asOf, tokens: state?.tokens.total ?? null, costUsd: costs.get(flag.run)?.costUsd ?? null });
      } else {
        rows.push({ team, flag, run: null, at: Date.parse(flag.evidence.laterTo), tokens: null, costUsd: null });
      }
    }
  }
  return rows;
}
