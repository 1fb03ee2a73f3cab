/**
 * Share links: a token that grants exactly one report, to anyone holding it, until it
 * expires or is revoked. The token is 256 bits from the CSPRNG (base64url, 43 characters), shown
 * once; only its SHA-256 is stored. Everything a shared page shows is derived from the link row:
 * a snapshot link shows the report frozen at creation, a live link rebuilds it on each view with
 * a viewer that sees the link's teams and nothing else.
 */
import 'server-only';
import { randomBytes } from 'node:crypto';
import { hashSecret } from '@/lib/auth/tokens';
import type { SearchParams } from '@/lib/dashboard/search-params';
import { getDb, type DbArg, type Sql } from './connection';
import type { DataContext } from './context';
import { DataError } from './errors';
import { buildReport, dashboardView, rangeLabel, type Report, type ReportView } from './reports';
import { findTeam } from './teams';
import { canSeeTeam, isAdmin, type ShareViewer, type UserViewer, type Viewer } from './viewer';

export type ShareMode = 'snapshot' | 'live';
export const SHARE_MODES: readonly ShareMode[] = ['snapshot', 'live'];
export const DEFAULT_SHARE_DAYS = 30;
export const MAX_SHARE_DAYS = 365;
/** Most links one user may have active (neither revoked nor expired) at once, over all teams. */
export const MAX_ACTIVE_SHARE_LINKS_PER_USER = 100;
const DAY_MS = 86_400_000;

/** A share token: 32 random bytes as base64url, so exactly 43 of [A-Za-z0-9_-]. */
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function generateShareToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface ShareLinkSummary {
  id: number;
  mode: ShareMode;
  rangeLabel: string;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  lastViewedAt: number | null;
}

/**
 * Makes a share link for a team dashboard view (its `searchParams`: the range and the agent /
 * model / repo filters; anything else in them is ignored). Any signed-in user who can see the
 * team may share it, up to MAX_ACTIVE_SHARE_LINKS_PER_USER active links. A range the dashboard
 * cannot show as asked (too long, malformed) is refused.
 */
export async function createShareLink(
  viewer: Viewer,
  input: { teamSlug: string; searchParams: SearchParams; mode: ShareMode; expiresInDays?: number },
  ctx: DataContext,
  now: number = Date.now(),
): Promise<{ id: number; token: string; expiresAt: number }> {
  if (viewer.kind !== 'user') throw new DataError('only a signed-in user can share a view');
  if (!SHARE_MODES.includes(input.mode)) throw new DataError('mode must be snapshot or live');
  const days = input.expiresInDays ?? DEFAULT_SHARE_DAYS;
  if (!Number.isFinite(days) || days <= 0 || days > MAX_SHARE_DAYS) {
    throw new DataError(`a link may last from 1 hour to ${MAX_SHARE_DAYS} days`);
  }
  const db = await ctx.db;
  const team = await findTeam(viewer, input.teamSlug, db);
  if (!team) throw new DataError(`no team '${input.teamSlug}'`);
  const asked = dashboardView(team.slug, input.searchParams, now);
  if (!asked.ok) throw new DataError(`cannot share this view: ${asked.error}`);
  const view = asked.view;
  await assertUnderShareLinkCap(db, viewer.userId, now);
  const report = await buildReport(viewer, view, now, db);
  if (!report) throw new DataError(`no team '${input.teamSlug}'`);
  const token = generateShareToken();
  const expiresAt = now + Math.max(Math.round(days * DAY_MS), 3_600_000);
  const made = await ctx.write({
    name: 'createShareLink',
    tokenHash: hashSecret(token),
    teamId: team.id,
    teamIds: [team.id],
    view: JSON.stringify(view),
    mode: input.mode,
    snapshot: input.mode === 'snapshot' ? JSON.stringify(report) : null,
    createdBy: viewer.userId,
    at: now,
    expiresAt,
  });
  return { id: made.id, token, expiresAt };
}

async function activeLinksOf(db: Sql, userId: number, now: number): Promise<number> {
  const row = await db.get<{ n: number }>(
    'SELECT count(*) AS n FROM share_links WHERE created_by = @userId AND revoked_at IS NULL AND expires_at > @now',
    { userId, now },
  );
  return Number(row?.n ?? 0);
}

/** Checked before the report is built (cheap refusal) and again in the write (no race past it). */
async function assertUnderShareLinkCap(db: Sql, userId: number, now: number): Promise<void> {
  if ((await activeLinksOf(db, userId, now)) >= MAX_ACTIVE_SHARE_LINKS_PER_USER) {
    throw new DataError(
      `you already have ${MAX_ACTIVE_SHARE_LINKS_PER_USER} active share links, the most one person may have: revoke some (or let them expire) first`,
    );
  }
}

/** A link as found by its token. */
export type ShareLookup =
  | { status: 'active'; link: ActiveShareLink }
  | { status: 'gone' }
  | { status: 'unknown' };

export interface ActiveShareLink {
  id: number;
  mode: ShareMode;
  view: ReportView;
  createdAt: number;
  expiresAt: number;
  viewer: ShareViewer;
  snapshot: string | null;
}

/** The link of a token: active, gone (expired or revoked: 410) or unknown (404). */
export async function findShareLink(token: string, now: number, db: DbArg = getDb()): Promise<ShareLookup> {
  if (!SHARE_TOKEN.test(token)) return { status: 'unknown' };
  const row = await (await db).get<{
    id: number; mode: ShareMode; view: string; teamIds: string; createdAt: number; expiresAt: number; revokedAt: number | null; snapshot: string | null;
  }>(
    `SELECT id, mode, view, team_ids AS "teamIds", created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt", snapshot
     FROM share_links WHERE token_hash = @hash`,
    { hash: hashSecret(token) },
  );
  if (!row) return { status: 'unknown' };
  if (row.revokedAt !== null || row.expiresAt <= now) return { status: 'gone' };
  const teamIds = JSON.parse(row.teamIds) as number[];
  return {
    status: 'active',
    link: {
      id: row.id,
      mode: row.mode,
      view: JSON.parse(row.view) as ReportView,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      viewer: { kind: 'share', linkId: row.id, teamIds },
      snapshot: row.snapshot,
    },
  };
}

/**
 * The report a link grants: the frozen one of a snapshot, or a live one built now through the
 * link's own viewer (which sees only the link's teams). Null if a team of it is gone.
 */
export async function shareReport(link: ActiveShareLink, now: number, db: DbArg = getDb()): Promise<Report | null> {
  if (link.mode === 'snapshot') return link.snapshot ? (JSON.parse(link.snapshot) as Report) : null;
  return buildReport(link.viewer, link.view, now, db);
}

/**
 * A team's active links: every one for admins, the viewer's own for members who see the team;
 * null when the team is not visible.
 */
export async function listShareLinks(viewer: Viewer, teamSlug: string, now: number = Date.now(), db: DbArg = getDb()): Promise<ShareLinkSummary[] | null> {
  if (viewer.kind !== 'user' && viewer.kind !== 'operator') return null;
  const sql = await db;
  const team = await findTeam(viewer, teamSlug, sql);
  if (!team) return null;
  const own = isAdmin(viewer) ? null : (viewer as UserViewer).userId;
  const rows = await sql.all<Omit<ShareLinkSummary, 'rangeLabel'> & { view: string }>(
    `SELECT s.id, s.mode, s.view, u.email AS "createdBy", s.created_at AS "createdAt", s.expires_at AS "expiresAt", s.last_viewed_at AS "lastViewedAt"
     FROM share_links s LEFT JOIN users u ON u.id = s.created_by
     WHERE s.team_id = @teamId AND s.revoked_at IS NULL AND s.expires_at > @now ${own === null ? '' : 'AND s.created_by = @own'}
     ORDER BY s.created_at DESC, s.id DESC`,
    { teamId: team.id, now, own },
  );
  return rows.map(({ view, ...r }) => {
    const v = JSON.parse(view) as ReportView;
    const filters = Object.entries(v.filters ?? {}).map(([k, value]) => `${k} ${value}`);
    return { ...r, rangeLabel: [rangeLabel(v.range, now), ...filters].join(' · ') };
  });
}

/** Revokes a link at once: admins any, members their own (while they still see its team). */
export async function revokeShareLink(viewer: Viewer, linkId: number, ctx: DataContext): Promise<void> {
  const row = await (await ctx.db).get<{ teamId: number; createdBy: number | null }>(
    'SELECT team_id AS "teamId", created_by AS "createdBy" FROM share_links WHERE id = @linkId',
    { linkId },
  );
  const allowed =
    row !== undefined &&
    canSeeTeam(viewer, row.teamId) &&
    (isAdmin(viewer) || (viewer.kind === 'user' && row.createdBy === viewer.userId));
  if (!allowed) throw new DataError('no such share link');
  await ctx.write({ name: 'revokeShareLink', id: linkId, at: Date.now() });
}

// Raw writes (writes.ts)

export async function insertShareLink(
  db: Sql,
  input: {
    tokenHash: string;
    teamId: number;
    teamIds: number[];
    view: string;
    mode: ShareMode;
    snapshot: string | null;
    createdBy: number | null;
    at: number;
    expiresAt: number;
  },
): Promise<{ id: number }> {
  return db.transaction(async (tx) => {
    if (input.createdBy !== null) await assertUnderShareLinkCap(tx, input.createdBy, input.at);
    return (await tx.get<{ id: number }>(
      `INSERT INTO share_links (token_hash, team_id, team_ids, view, mode, snapshot, created_by, created_at, expires_at)
       VALUES (@tokenHash, @teamId, @teamIdsJson, @view, @mode, @snapshot, @createdBy, @at, @expiresAt) RETURNING id`,
      { ...input, teamIdsJson: JSON.stringify(input.teamIds) },
    ))!;
  });
}

/** Revoked links keep no figures. */
export async function markShareLinkRevoked(db: Sql, id: number, at: number): Promise<void> {
  await db.run('UPDATE share_links SET revoked_at = @at, snapshot = NULL WHERE id = @id AND revoked_at IS NULL', { id, at });
}

export async function touchShareLink(db: Sql, id: number, at: number): Promise<void> {
  await db.run('UPDATE share_links SET last_viewed_at = @at WHERE id = @id', { id, at });
}
