/**
 * Share links (issue #5): a token that grants exactly one report, to anyone holding it, until it
 * expires or is revoked. The token is 256 bits from the CSPRNG (base64url, 43 characters), shown
 * once; only its SHA-256 is stored. Everything a shared page shows is derived from the link row:
 * a snapshot link shows the report frozen at creation, a live link rebuilds it on each view with
 * a viewer that sees the link's teams and nothing else.
 */
import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, count, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { shareLinks, teams, users } from '@/db/schema';
import { hashSecret } from '@/lib/auth/tokens';
import type { SearchParams } from '@/lib/dashboard/search-params';
import { getDb } from './connection';
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
  const team = findTeam(viewer, input.teamSlug, ctx.db);
  if (!team) throw new DataError(`no team '${input.teamSlug}'`);
  const asked = dashboardView(team.slug, input.searchParams, now);
  if (!asked.ok) throw new DataError(`cannot share this view: ${asked.error}`);
  const view = asked.view;
  assertUnderShareLinkCap(ctx.db, viewer.userId, now);
  const report = buildReport(viewer, view, now, ctx.db);
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

function activeLinksOf(db: Db, userId: number, now: number): number {
  return db
    .select({ n: count() })
    .from(shareLinks)
    .where(and(eq(shareLinks.createdBy, userId), isNull(shareLinks.revokedAt), gt(shareLinks.expiresAt, now)))
    .get()!.n;
}

/** Checked before the report is built (cheap refusal) and again in the write (no race past it). */
function assertUnderShareLinkCap(db: Db, userId: number, now: number): void {
  if (activeLinksOf(db, userId, now) >= MAX_ACTIVE_SHARE_LINKS_PER_USER) {
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
export function findShareLink(token: string, now: number, db: Db = getDb()): ShareLookup {
  if (!SHARE_TOKEN.test(token)) return { status: 'unknown' };
  const row = db.select().from(shareLinks).where(eq(shareLinks.tokenHash, hashSecret(token))).get();
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
export function shareReport(link: ActiveShareLink, now: number, db: Db = getDb()): Report | null {
  if (link.mode === 'snapshot') return link.snapshot ? (JSON.parse(link.snapshot) as Report) : null;
  return buildReport(link.viewer, link.view, now, db);
}

/**
 * A team's active links: every one for admins, the viewer's own for members who see the team;
 * null when the team is not visible.
 */
export function listShareLinks(viewer: Viewer, teamSlug: string, now: number = Date.now(), db: Db = getDb()): ShareLinkSummary[] | null {
  if (viewer.kind !== 'user' && viewer.kind !== 'operator') return null;
  const team = findTeam(viewer, teamSlug, db);
  if (!team) return null;
  const own = isAdmin(viewer) ? undefined : eq(shareLinks.createdBy, (viewer as UserViewer).userId);
  const rows = db
    .select({
      id: shareLinks.id,
      mode: shareLinks.mode,
      view: shareLinks.view,
      createdBy: users.email,
      createdAt: shareLinks.createdAt,
      expiresAt: shareLinks.expiresAt,
      lastViewedAt: shareLinks.lastViewedAt,
    })
    .from(shareLinks)
    .leftJoin(users, eq(users.id, shareLinks.createdBy))
    .where(and(eq(shareLinks.teamId, team.id), isNull(shareLinks.revokedAt), gt(shareLinks.expiresAt, now), own))
    .orderBy(desc(shareLinks.createdAt), desc(shareLinks.id))
    .all();
  return rows.map(({ view, ...r }) => {
    const v = JSON.parse(view) as ReportView;
    const filters = Object.entries(v.filters ?? {}).map(([k, value]) => `${k} ${value}`);
    return { ...r, rangeLabel: [rangeLabel(v.range, now), ...filters].join(' · ') };
  });
}

/** Revokes a link at once: admins any, members their own (while they still see its team). */
export async function revokeShareLink(viewer: Viewer, linkId: number, ctx: DataContext): Promise<void> {
  const row = ctx.db
    .select({ teamId: shareLinks.teamId, createdBy: shareLinks.createdBy, slug: teams.slug })
    .from(shareLinks)
    .innerJoin(teams, eq(teams.id, shareLinks.teamId))
    .where(eq(shareLinks.id, linkId))
    .get();
  const allowed =
    row !== undefined &&
    canSeeTeam(viewer, row.teamId) &&
    (isAdmin(viewer) || (viewer.kind === 'user' && row.createdBy === viewer.userId));
  if (!allowed) throw new DataError('no such share link');
  await ctx.write({ name: 'revokeShareLink', id: linkId, at: Date.now() });
}

// Raw writes (writes.ts)

export function insertShareLink(
  db: Db,
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
): { id: number } {
  if (input.createdBy !== null) assertUnderShareLinkCap(db, input.createdBy, input.at);
  return db
    .insert(shareLinks)
    .values({
      tokenHash: input.tokenHash,
      teamId: input.teamId,
      teamIds: JSON.stringify(input.teamIds),
      view: input.view,
      mode: input.mode,
      snapshot: input.snapshot,
      createdBy: input.createdBy,
      createdAt: input.at,
      expiresAt: input.expiresAt,
    })
    .returning({ id: shareLinks.id })
    .get();
}

/** Revoked links keep no figures. */
export function markShareLinkRevoked(db: Db, id: number, at: number): void {
  db.update(shareLinks).set({ revokedAt: at, snapshot: null }).where(and(eq(shareLinks.id, id), isNull(shareLinks.revokedAt))).run();
}

export function touchShareLink(db: Db, id: number, at: number): void {
  db.update(shareLinks).set({ lastViewedAt: at }).where(eq(shareLinks.id, id)).run();
}
