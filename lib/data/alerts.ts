/**
 * Alert destinations (table `alert_destinations`): where a team's flags and weekly digest are
 * sent (lib/alerts). Admins manage them on the team settings page (writes through the ingest
 * worker) and in the CLI (the operator, direct writes). The signing secret is stored in clear, as
 * the GitHub webhook secret is: computing the HMAC needs it.
 */
import 'server-only';
import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { alertDeliveries, alertDestinations, teams } from '@/db/schema';
import { checkDestinationUrl, maskDestinationUrl } from '@/lib/alerts/destination-url';
import { testAlert } from '@/lib/alerts/messages';
import type { FlagKind } from '@/lib/flags/flags';
import { FLAG_KINDS, isFlagKind } from '@/lib/flags/kinds';
import type { Claim, ClaimedDelivery } from './alert-outbox';
import { getDb } from './connection';
import type { DataContext } from './context';
import { DataError } from './errors';
import { findTeam, type Team } from './teams';
import { canSeeTeam, isAdmin, type Viewer } from './viewer';

export const MAX_SECRET_LENGTH = 256;
/** Deliveries a destination lists (newest first) on the settings page and in `alert list`. */
export const LISTED_DELIVERIES = 10;

export interface AlertDestinationInput {
  url: string;
  /** Blank or absent: deliveries are not signed. */
  secret?: string | null;
  /** Absent: all four. */
  kinds?: readonly string[];
  digest?: boolean;
}

export interface DeliverySummary {
  id: string;
  kind: string;
  run: string | null;
  week: string | null;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastHttpStatus: number | null;
  lastAnswer: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface AlertDestinationSummary {
  id: number;
  teamSlug: string;
  /** Masked: a chat webhook's path is its credential (maskDestinationUrl). */
  url: string;
  signed: boolean;
  kinds: FlagKind[];
  digest: boolean;
  paused: boolean;
  createdAt: number;
  recent: DeliverySummary[];
}

/** The checked values of a new destination, or a DataError naming what is wrong. */
export function checkDestinationInput(input: AlertDestinationInput): { url: string; secret: string | null; kinds: FlagKind[]; digest: boolean } {
  const url = checkDestinationUrl(input.url);
  if (!url.ok) throw new DataError(url.problem);
  const secret = input.secret?.trim() || null;
  if (secret !== null && secret.length > MAX_SECRET_LENGTH) throw new DataError(`a secret has at most ${MAX_SECRET_LENGTH} characters`);
  const kinds = input.kinds === undefined ? [...FLAG_KINDS] : [...new Set(input.kinds.map((k) => k.trim()).filter(Boolean))];
  const unknown = kinds.filter((k) => !isFlagKind(k));
  if (unknown.length > 0) throw new DataError(`unknown flag kind '${unknown[0]}' (${FLAG_KINDS.join(', ')})`);
  const digest = input.digest ?? false;
  if (kinds.length === 0 && !digest) throw new DataError('choose at least one flag kind or the weekly digest');
  return { url: url.url, secret, kinds: FLAG_KINDS.filter((k) => kinds.includes(k)), digest };
}

function requireAdmin(viewer: Viewer): void {
  if (!isAdmin(viewer)) throw new DataError('only an admin can manage alerts');
}

function requireTeam(viewer: Viewer, teamSlug: string, db: Db): Team {
  const team = findTeam(viewer, teamSlug, db);
  if (!team) throw new DataError(`no team '${teamSlug}'`);
  return team;
}

/** Adds a destination to a team (admins); answers its id. */
export async function addAlertDestination(
  viewer: Viewer,
  teamSlug: string,
  input: AlertDestinationInput,
  ctx: DataContext,
  now: number = Date.now(),
): Promise<{ id: number }> {
  requireAdmin(viewer);
  const team = requireTeam(viewer, teamSlug, ctx.db);
  const checked = checkDestinationInput(input);
  return ctx.write({ name: 'createAlertDestination', teamId: team.id, ...checked, kinds: checked.kinds.join(','), at: now });
}

/** A destination the viewer may manage, with its team; a DataError when there is none (or it is another team's, when `teamSlug` is given). */
async function manageableDestination(viewer: Viewer, id: number, db: Db, teamSlug?: string) {
  requireAdmin(viewer);
  const row = db
    .select({ id: alertDestinations.id, teamId: alertDestinations.teamId, slug: teams.slug, name: teams.name })
    .from(alertDestinations)
    .innerJoin(teams, eq(teams.id, alertDestinations.teamId))
    .where(eq(alertDestinations.id, id))
    .get();
  if (!row || !canSeeTeam(viewer, row.teamId) || (teamSlug !== undefined && row.slug !== teamSlug)) {
    throw new DataError(`no alert destination ${id}`);
  }
  return row;
}

/** Pauses (nothing is evaluated for it or sent to it) or resumes a destination (admins). */
export async function setAlertDestinationPaused(viewer: Viewer, id: number, paused: boolean, ctx: DataContext, teamSlug?: string): Promise<void> {
  await manageableDestination(viewer, id, ctx.db, teamSlug);
  await ctx.write({ name: 'setAlertDestinationPaused', id, paused, at: Date.now() });
}

/** Removes a destination and its deliveries (admins). */
export async function removeAlertDestination(viewer: Viewer, id: number, ctx: DataContext, teamSlug?: string): Promise<void> {
  await manageableDestination(viewer, id, ctx.db, teamSlug);
  await ctx.write({ name: 'deleteAlertDestination', id });
}

/**
 * Makes a test message for a destination and claims it for `claim.holder`, to be sent at once
 * (admins; paused or not: testing is how an admin checks a destination before resuming it).
 */
export async function queueTestAlert(
  viewer: Viewer,
  id: number,
  baseUrl: string,
  claim: Claim,
  ctx: DataContext,
  teamSlug?: string,
): Promise<ClaimedDelivery> {
  const row = await manageableDestination(viewer, id, ctx.db, teamSlug);
  const alert = testAlert(id, { slug: row.slug, name: row.name }, baseUrl);
  const claimed = await ctx.write({ name: 'queueTestAlert', alert, ...claim });
  // Made and claimed in one write: only a sender of another instance could take it in between.
  if (!claimed) throw new DataError('the test message was taken by another sender: see its delivery below');
  return claimed;
}

/** A team's destinations, oldest first, each with its latest deliveries (admins); null when the team is not visible. */
export async function listAlertDestinations(viewer: Viewer, teamSlug: string, db: Db = getDb()): Promise<AlertDestinationSummary[] | null> {
  requireAdmin(viewer);
  const team = findTeam(viewer, teamSlug, db);
  if (!team) return null;
  const rows = db.select().from(alertDestinations).where(eq(alertDestinations.teamId, team.id)).orderBy(alertDestinations.id).all();
  const recent = recentDeliveries(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    teamSlug: team.slug,
    url: maskDestinationUrl(r.url),
    signed: r.secret !== null,
    kinds: r.kinds.split(',').filter(isFlagKind),
    digest: r.digest,
    paused: r.pausedAt !== null,
    createdAt: r.createdAt,
    recent: recent.get(r.id) ?? [],
  }));
}

/** The status of one delivery (admins), or null when there is none the viewer may see. */
export async function findDelivery(viewer: Viewer, deliveryId: string, db: Db): Promise<DeliverySummary | null> {
  requireAdmin(viewer);
  const row = db
    .select({ delivery: alertDeliveries, teamId: alertDestinations.teamId })
    .from(alertDeliveries)
    .innerJoin(alertDestinations, eq(alertDestinations.id, alertDeliveries.destinationId))
    .where(eq(alertDeliveries.id, deliveryId))
    .get();
  return row && canSeeTeam(viewer, row.teamId) ? summary(row.delivery) : null;
}

function recentDeliveries(db: Db, destinationIds: number[]): Map<number, DeliverySummary[]> {
  const out = new Map<number, DeliverySummary[]>();
  if (destinationIds.length === 0) return out;
  // The latest LISTED_DELIVERIES of each destination, by a window over the destination index.
  const ranked = db
    .select({ id: alertDeliveries.id, n: sql<number>`row_number() over (partition by ${alertDeliveries.destinationId} order by ${alertDeliveries.createdAt} desc, ${alertDeliveries.id})`.as('n') })
    .from(alertDeliveries)
    .where(inArray(alertDeliveries.destinationId, destinationIds))
    .as('ranked');
  const rows = db
    .select({ delivery: alertDeliveries })
    .from(alertDeliveries)
    .innerJoin(ranked, eq(ranked.id, alertDeliveries.id))
    .where(sql`${ranked.n} <= ${LISTED_DELIVERIES}`)
    .orderBy(desc(alertDeliveries.createdAt), alertDeliveries.id)
    .all();
  for (const { delivery } of rows) {
    const list = out.get(delivery.destinationId) ?? [];
    list.push(summary(delivery));
    out.set(delivery.destinationId, list);
  }
  return out;
}

function summary(d: typeof alertDeliveries.$inferSelect): DeliverySummary {
  return {
    id: d.id,
    kind: d.kind,
    run: d.run,
    week: d.week,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt,
    lastAttemptAt: d.lastAttemptAt,
    lastHttpStatus: d.lastHttpStatus,
    lastAnswer: d.lastAnswer,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
  };
}

// Raw writes (writes.ts)

export function insertAlertDestination(
  db: Db,
  input: { teamId: number; url: string; secret: string | null; kinds: string; digest: boolean; at: number },
): { id: number } {
  return db
    .insert(alertDestinations)
    .values({ teamId: input.teamId, url: input.url, secret: input.secret, kinds: input.kinds, digest: input.digest, createdAt: input.at })
    .returning({ id: alertDestinations.id })
    .get();
}

export function updateAlertDestinationPaused(db: Db, id: number, paused: boolean, at: number): void {
  // Pausing a paused destination keeps the time it was first paused.
  db.update(alertDestinations)
    .set({ pausedAt: paused ? sql`coalesce(${alertDestinations.pausedAt}, ${at})` : null })
    .where(eq(alertDestinations.id, id))
    .run();
}

export function deleteAlertDestination(db: Db, id: number): void {
  db.delete(alertDestinations).where(eq(alertDestinations.id, id)).run();
}
