/**
 * Alert destinations (table `alert_destinations`): where a team's flags and weekly digest are
 * sent (lib/alerts). Admins manage them on the team settings page (writes through the ingest
 * worker) and in the CLI (the operator, direct writes). The signing secret is stored in clear, as
 * the GitHub webhook secret is: computing the HMAC needs it.
 */
import 'server-only';
import { checkDestinationUrl, maskDestinationUrl } from '@/lib/alerts/destination-url';
import { testAlert } from '@/lib/alerts/messages';
import type { FlagKind } from '@/lib/flags/flags';
import { FLAG_KINDS, isFlagKind } from '@/lib/flags/kinds';
import type { Claim, ClaimedDelivery } from './alert-outbox';
import { getDb, type DbArg, type Sql } from './connection';
import { inList } from './dialect';
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

async function requireTeam(viewer: Viewer, teamSlug: string, db: DbArg): Promise<Team> {
  const team = await findTeam(viewer, teamSlug, db);
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
  const team = await requireTeam(viewer, teamSlug, ctx.db);
  const checked = checkDestinationInput(input);
  return ctx.write({ name: 'createAlertDestination', teamId: team.id, ...checked, kinds: checked.kinds.join(','), at: now });
}

/** A destination the viewer may manage, with its team; a DataError when there is none (or it is another team's, when `teamSlug` is given). */
async function manageableDestination(viewer: Viewer, id: number, db: DbArg, teamSlug?: string) {
  requireAdmin(viewer);
  const row = await (await db).get<{ id: number; teamId: number; slug: string; name: string }>(
    `SELECT d.id, d.team_id AS "teamId", t.slug, t.name FROM alert_destinations d JOIN teams t ON t.id = d.team_id WHERE d.id = @id`,
    { id },
  );
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
export async function listAlertDestinations(viewer: Viewer, teamSlug: string, db: DbArg = getDb()): Promise<AlertDestinationSummary[] | null> {
  requireAdmin(viewer);
  const sql = await db;
  const team = await findTeam(viewer, teamSlug, sql);
  if (!team) return null;
  const rows = await sql.all<{ id: number; url: string; secret: string | null; kinds: string; digest: number; pausedAt: number | null; createdAt: number }>(
    `SELECT id, url, secret, kinds, digest, paused_at AS "pausedAt", created_at AS "createdAt"
     FROM alert_destinations WHERE team_id = @teamId ORDER BY id`,
    { teamId: team.id },
  );
  const recent = await recentDeliveries(sql, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    teamSlug: team.slug,
    url: maskDestinationUrl(r.url),
    signed: r.secret !== null,
    kinds: r.kinds.split(',').filter(isFlagKind),
    digest: r.digest === 1,
    paused: r.pausedAt !== null,
    createdAt: r.createdAt,
    recent: recent.get(r.id) ?? [],
  }));
}

const DELIVERY_COLUMNS = `d.id, d.destination_id AS "destinationId", d.kind, d.run, d.week, d.status, d.attempts,
  d.next_attempt_at AS "nextAttemptAt", d.last_attempt_at AS "lastAttemptAt", d.last_http_status AS "lastHttpStatus",
  d.last_answer AS "lastAnswer", d.created_at AS "createdAt", d.delivered_at AS "deliveredAt"`;

/** The status of one delivery (admins), or null when there is none the viewer may see. */
export async function findDelivery(viewer: Viewer, deliveryId: string, db: DbArg): Promise<DeliverySummary | null> {
  requireAdmin(viewer);
  const row = await (await db).get<DeliverySummary & { destinationId: number; teamId: number }>(
    `SELECT ${DELIVERY_COLUMNS}, a.team_id AS "teamId" FROM alert_deliveries d
     JOIN alert_destinations a ON a.id = d.destination_id WHERE d.id = @deliveryId`,
    { deliveryId },
  );
  if (!row || !canSeeTeam(viewer, row.teamId)) return null;
  const { destinationId: _d, teamId: _t, ...delivery } = row;
  return delivery;
}

async function recentDeliveries(db: Sql, destinationIds: number[]): Promise<Map<number, DeliverySummary[]>> {
  const out = new Map<number, DeliverySummary[]>();
  if (destinationIds.length === 0) return out;
  // The latest LISTED_DELIVERIES of each destination, by a window over the destination index.
  const rows = await db.all<DeliverySummary & { destinationId: number }>(
    `SELECT ${DELIVERY_COLUMNS} FROM (
       SELECT id, row_number() OVER (PARTITION BY destination_id ORDER BY created_at DESC, id) AS n
       FROM alert_deliveries WHERE ${inList(db.dialect, 'destination_id', 'ids', 'bigint')}
     ) ranked JOIN alert_deliveries d ON d.id = ranked.id
     WHERE ranked.n <= ${LISTED_DELIVERIES} ORDER BY d.created_at DESC, d.id`,
    { ids: destinationIds },
  );
  for (const { destinationId, ...delivery } of rows) {
    const list = out.get(destinationId) ?? [];
    list.push(delivery);
    out.set(destinationId, list);
  }
  return out;
}

// Raw writes (writes.ts)

export async function insertAlertDestination(
  db: Sql,
  input: { teamId: number; url: string; secret: string | null; kinds: string; digest: boolean; at: number },
): Promise<{ id: number }> {
  return (await db.get<{ id: number }>(
    `INSERT INTO alert_destinations (team_id, url, secret, kinds, digest, created_at)
     VALUES (@teamId, @url, @secret, @kinds, @digest, @at) RETURNING id`,
    input,
  ))!;
}

export async function updateAlertDestinationPaused(db: Sql, id: number, paused: boolean, at: number): Promise<void> {
  // Pausing a paused destination keeps the time it was first paused.
  await db.run(`UPDATE alert_destinations SET paused_at = ${paused ? 'coalesce(paused_at, @at)' : 'NULL'} WHERE id = @id`, { id, at });
}

export async function deleteAlertDestination(db: Sql, id: number): Promise<void> {
  await db.run('DELETE FROM alert_destinations WHERE id = @id', { id });
}
