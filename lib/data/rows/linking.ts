/**
 * events-v1 Linking at `@asOf`, in SQL over the entity tables. Events after asOf do not exist, so
 * a change's run, repo and branch are each those of its earliest event at or before asOf that
 * carries the field: the `changes` table keeps the earliest event carrying each (`run` and
 * `run_at`, ...), which is also the earliest at asOf when it is at or before asOf, and there is
 * none at asOf otherwise. Likewise the change opened at its earliest change.opened if that is at
 * or before asOf, else at its earliest event; a change whose earliest event is after asOf does not
 * exist yet.
 *
 * A change belongs to the run it names; otherwise to the latest-started run of the team with the
 * same repo and branch that started strictly before the change opened (runs started at the same
 * millisecond: the greatest run id). Such a run started before asOf, so its earliest run.started
 * (the runs table's start, repo and branch) exists at asOf.
 */
import type { LinkedChange } from '@/lib/kpi/types';
import type { TeamSource } from '../team-scope';
import type { Dialect, Sql } from '../connection';
import { drivingJoin } from '../dialect';

/** SQL: when the change `c` opened, as seen at @asOf. */
export const openedAtSql = (c: string) => `(CASE WHEN ${c}.opened_at <= @asOf THEN ${c}.opened_at ELSE ${c}.first_event_at END)`;

/** SQL: the change `c` names no run at @asOf but has a repo and a branch then. */
const linksByBranchSql = (c: string) =>
  `(${c}.run IS NULL OR ${c}.run_at > @asOf) AND ${c}.repo_at <= @asOf AND ${c}.branch_at <= @asOf`;

/** SQL: the latest-started run on the repo and branch of the change `c` started before it opened (at @asOf). */
const branchRunSql = (c: string) => `(
  SELECT r.run FROM runs r
  WHERE r.team_id = ${c}.team_id AND r.repo = ${c}.repo AND r.branch = ${c}.branch
    AND r.started_at < ${openedAtSql(c)}
  ORDER BY r.started_at DESC, r.run DESC
  LIMIT 1
)`;

/** SQL: the run the change `c` belongs to at @asOf (null for none). `c` must exist at asOf. */
export const linkedRunSql = (c: string) =>
  `(CASE WHEN ${c}.run_at <= @asOf THEN ${c}.run WHEN ${linksByBranchSql(c)} THEN ${branchRunSql(c)} END)`;

/**
 * The changes linked at @asOf to each run selected by `where` (over `runs`). The target runs are
 * read first (MATERIALIZED; SQLite's CROSS JOIN fixes the loop order) so the changes are reached through
 * changes_team_run and changes_team_repo_branch from them, never by a scan of the team's changes.
 */
const linkedChangesSql = (d: Dialect, where: string) => `
  WITH target AS MATERIALIZED (
    SELECT run, repo, branch, started_at FROM runs WHERE team_id = @team AND (${where})
  )
  SELECT t.run AS run, c.change AS change, c.first_event_at AS "firstEventAt", c.merged_at AS "mergedAt"
  FROM target t
  ${drivingJoin(d)} changes c ON c.team_id = @team AND c.run = t.run
  WHERE c.run_at <= @asOf
  UNION ALL
  SELECT t.run, c.change, c.first_event_at, c.merged_at
  FROM target t
  ${drivingJoin(d)} changes c ON c.team_id = @team AND c.repo = t.repo AND c.branch = t.branch
  WHERE ${linksByBranchSql('c')} AND c.first_event_at <= @asOf
    AND t.started_at < ${openedAtSql('c')}
    AND t.run = ${branchRunSql('c')}`;

/**
 * The changes linked at `asOf` to each run selected by `where`, by run id (as stored, unprefixed);
 * `params` fills the parameters of `where`.
 */
export async function linkedChanges(
  db: Sql,
  src: TeamSource,
  where: string,
  params: Record<string, unknown>,
  asOf: number,
): Promise<Map<string, LinkedChange[]>> {
  const byRun = new Map<string, LinkedChange[]>();
  const rows = await db.all<LinkedChange & { run: string }>(linkedChangesSql(db.dialect, where), { ...params, team: src.teamId, asOf });
  for (const { run, change, firstEventAt, mergedAt } of rows) {
    let list = byRun.get(run);
    if (!list) byRun.set(run, (list = []));
    list.push({ change: src.prefix + change, firstEventAt, mergedAt });
  }
  return byRun;
}
