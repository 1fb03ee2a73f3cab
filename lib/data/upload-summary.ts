/**
 * What one upload stored for a team: its runs and the time its events span, so the upload page
 * can link to the dashboard for those days and to the runs.
 */
import 'server-only';
import { getDb, type DbArg } from './connection';
import { findTeam } from './teams';
import type { Viewer } from './viewer';

export interface UploadSummary {
  /** Earliest and latest event time stored; null when nothing was. */
  firstEventAt: number | null;
  lastEventAt: number | null;
  /** The runs it stored events of, with how many, most events first (at most MAX_LISTED_RUNS). */
  runs: { run: string; events: number }[];
  /** How many runs in all. */
  runCount: number;
}

export const MAX_LISTED_RUNS = 20;

/**
 * The upload stored `accepted` events, just now: its rows are among the newest, so they are read
 * backwards (the primary key's order) and the scan stops once it has them all.
 */
const UPLOAD_RUNS_SQL = `
  SELECT e.run AS run, count(*) AS events, min(e.ts) AS "firstAt", max(e.ts) AS "lastAt" FROM (
    SELECT run, ts FROM events WHERE team_id = @team AND upload_id = @upload ORDER BY seq DESC LIMIT @accepted
  ) AS e GROUP BY e.run`;

/** Null when the team is not visible to the viewer. */
export async function getUploadSummary(
  viewer: Viewer,
  teamSlug: string,
  uploadId: number,
  accepted: number,
  db: DbArg = getDb(),
): Promise<UploadSummary | null> {
  const sql = await db;
  const team = await findTeam(viewer, teamSlug, sql);
  if (!team) return null;
  const rows = await sql.all<{ run: string | null; events: number; firstAt: number; lastAt: number }>(UPLOAD_RUNS_SQL, {
    team: team.id,
    upload: uploadId,
    accepted: Math.max(0, accepted),
  });
  const runs = rows.filter((r) => r.run !== null).map((r) => ({ run: r.run!, events: r.events }));
  runs.sort((a, b) => b.events - a.events || a.run.localeCompare(b.run));
  let firstEventAt: number | null = null;
  let lastEventAt: number | null = null;
  for (const r of rows) {
    if (firstEventAt === null || r.firstAt < firstEventAt) firstEventAt = r.firstAt;
    if (lastEventAt === null || r.lastAt > lastEventAt) lastEventAt = r.lastAt;
  }
  return {
    firstEventAt,
    lastEventAt,
    runs: runs.slice(0, MAX_LISTED_RUNS),
    runCount: runs.length,
  };
}
