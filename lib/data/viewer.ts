/**
 * Who is asking. Every lib/data read takes a Viewer and answers only for teams it may see;
 * a team it may not see is treated exactly like a team that does not exist.
 */
import type { TokenScope } from '@/lib/auth/tokens';

export type Role = 'admin' | 'member';

/** A signed-in person (lib/auth/viewer.ts). Admins see every team; members their own. */
export interface UserViewer {
  kind: 'user';
  userId: number;
  email: string;
  role: Role;
  /** Teams the user is a member of (for admins too; they see every team regardless). */
  teamIds: readonly number[];
}

/** Someone holding a share link: exactly the teams of that one report, read-only. */
export interface ShareViewer {
  kind: 'share';
  linkId: number;
  teamIds: readonly number[];
}

export type Viewer =
  /** A team API token. */
  | { kind: 'token'; tokenId: number; teamId: number; scopes: readonly TokenScope[] }
  | UserViewer
  | ShareViewer
  /** The operator: the CLI and the server's own start-up work. Sees and manages every team. */
  | { kind: 'operator' };

export const OPERATOR: Viewer = { kind: 'operator' };

/** May manage the installation: teams, users, tokens, settings (admins and the operator). */
export function isAdmin(viewer: Viewer): boolean {
  return viewer.kind === 'operator' || (viewer.kind === 'user' && viewer.role === 'admin');
}

export function canSeeTeam(viewer: Viewer, teamId: number): boolean {
  const visible = visibleTeamIds(viewer);
  return visible === 'all' || visible.includes(teamId);
}

export function visibleTeamIds(viewer: Viewer): readonly number[] | 'all' {
  switch (viewer.kind) {
    case 'operator':
      return 'all';
    case 'user':
      return viewer.role === 'admin' ? 'all' : viewer.teamIds;
    case 'share':
      return viewer.teamIds;
    case 'token':
      return [viewer.teamId];
  }
}
