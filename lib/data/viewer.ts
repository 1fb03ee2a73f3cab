/**
 * Who is asking. Every lib/data read takes a Viewer and answers only for teams it may see;
 * a team it may not see is treated exactly like a team that does not exist.
 */
import type { TokenScope } from '@/lib/auth/tokens';

export type Viewer =
  /** A team API token. */
  | { kind: 'token'; tokenId: number; teamId: number; scopes: readonly TokenScope[] }
  /**
   * The operator: the CLI, and the browser UI until accounts exist (issue #5). Sees every team.
   */
  | { kind: 'operator' };

export const OPERATOR: Viewer = { kind: 'operator' };

export function canSeeTeam(viewer: Viewer, teamId: number): boolean {
  return viewer.kind === 'operator' || viewer.teamId === teamId;
}

export function visibleTeamIds(viewer: Viewer): number[] | 'all' {
  return viewer.kind === 'operator' ? 'all' : [viewer.teamId];
}
