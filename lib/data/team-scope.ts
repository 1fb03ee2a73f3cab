/**
 * The teams one answer is about. Several teams are "summed as if one" (kpis-v1): their rows are
 * concatenated, and so that two teams' ids cannot be mistaken for one thing (a run `r1` in each),
 * change, defect and run ids then get the prefix `<team slug>/`; for a single team ids are as sent.
 */
import 'server-only';
import { getDb, type DbArg } from './connection';
import { findTeam, type Team } from './teams';
import type { Viewer } from './viewer';

/** One team's rows as read: its id, and the prefix its ids get (empty for a single team). */
export interface TeamSource {
  teamId: number;
  prefix: string;
}

/** The teams asked for, when the viewer may see every one of them. */
export interface TeamScope {
  teams: Team[];
  /** The `team` of the answers: the slug, or the slugs joined by `,`. */
  label: string;
  /** One per team, in the order of `teams`. */
  sources: TeamSource[];
}

/**
 * The teams named by `teamSlugs` (duplicates ignored, order kept), or null when the list is
 * empty or any of them does not exist or is not visible to the viewer (→ 404).
 */
export async function resolveTeamScope(viewer: Viewer, teamSlugs: readonly string[], db: DbArg = getDb()): Promise<TeamScope | null> {
  const slugs = [...new Set(teamSlugs)];
  if (slugs.length === 0) return null;
  const teams: Team[] = [];
  for (const slug of slugs) {
    const team = await findTeam(viewer, slug, db);
    if (!team) return null;
    teams.push(team);
  }
  const several = teams.length > 1;
  return {
    teams,
    label: teams.map((t) => t.slug).join(','),
    sources: teams.map((t) => ({ teamId: t.id, prefix: several ? `${t.slug}/` : '' })),
  };
}
