/**
 * The alert sender's state, all of it in the database so that several server instances can
 * share one (lib/alerts/sender.ts): the `leases` row that makes one instance the sender, and the
 * outbox of deliveries (`alert_deliveries`, see db/schema.ts for its statuses).
 *
 * Every change of a delivery's status is a conditional UPDATE whose WHERE names the status it
 * leaves (and, when finishing, the claim), so of two senders that race for the same delivery
 * exactly one changes it: on SQLite the writes are serialised anyway; on a database that runs
 * them concurrently the WHERE is re-checked against the row as committed, which gives the same.
 *
 * These are the server's own work (the operator's): no viewer. Reads use the context's
 * connection; writes go through ctx.write (the ingest worker on the server).
 */
import 'server-only';
import type { NewAlert } from '@/lib/alerts/messages';
import type { FlagKind } from '@/lib/flags/flags';
import { isFlagKind } from '@/lib/flags/kinds';
import type { Sql } from './connection';
import type { DataContext } from './context';
import { inList } from './dialect';

/** A delivery this sender has claimed: what it needs to send it and to decide what comes next. */
export interface ClaimedDelivery {
  id: string;
  destinationId: number;
  kind: string;
  url: string;
  secret: string | null;
  body: string;
  /** Including the one now claimed. */
  attempts: number;
  createdAt: number;
}

/** A destination the sender evaluates flags for (not paused), with its team. */
export interface ActiveDestination {
  id: number;
  team: { id: number; slug: string; name: string };
  kinds: FlagKind[];
  digest: boolean;
  createdAt: number;
}

export interface Claim {
  holder: string;
  now: number;
  /** How long the claim holds: past it, a delivery still `sending` is taken for abandoned and retried. */
  claimMs: number;
}

/** Takes the lease `name` for `holder` until now + ttlMs, or renews it; false while someone else holds it. */
export async function takeLease(ctx: DataContext, lease: { name: string; holder: string; now: number; ttlMs: number }): Promise<boolean> {
  return ctx.write({ name: 'takeLease', leaseName: lease.name, holder: lease.holder, now: lease.now, ttlMs: lease.ttlMs });
}

/** Gives the lease up at once (a stopping sender), if `holder` has it. */
export async function releaseLease(ctx: DataContext, lease: { name: string; holder: string }): Promise<void> {
  await ctx.write({ name: 'releaseLease', leaseName: lease.name, holder: lease.holder });
}

/** Every destination that is not paused, oldest first. */
export async function activeAlertDestinations(ctx: DataContext): Promise<ActiveDestination[]> {
  const rows = await (await ctx.db).all<{ id: number; teamId: number; slug: string; name: string; kinds: string; digest: number; createdAt: number }>(
    `SELECT d.id, t.id AS "teamId", t.slug, t.name, d.kinds, d.digest, d.created_at AS "createdAt"
     FROM alert_destinations d JOIN teams t ON t.id = d.team_id WHERE d.paused_at IS NULL ORDER BY d.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    team: { id: r.teamId, slug: r.slug, name: r.name },
    kinds: r.kinds.split(',').filter(isFlagKind),
    digest: r.digest === 1,
    createdAt: r.createdAt,
  }));
}

/** Which of these alert ids the outbox already has (whatever their status). */
export async function knownAlertIds(ctx: DataContext, ids: readonly string[]): Promise<Set<string>> {
  const db = await ctx.db;
  const known = new Set<string>();
  if (ids.length === 0) return known;
  const rows = await db.all<{ id: string }>(`SELECT id FROM alert_deliveries WHERE ${inList(db.dialect, 'id', 'ids')}`, { ids: [...ids] });
  for (const r of rows) known.add(r.id);
  return known;
}

/** Puts alerts in the outbox, due at `now`; an id it already has is left as it is. Answers how many were new. */
export async function enqueueAlerts(ctx: DataContext, alerts: NewAlert[], now: number): Promise<number> {
  if (alerts.length === 0) return 0;
  return ctx.write({ name: 'enqueueAlerts', alerts, at: now });
}

/**
 * Claims up to `limit` due deliveries of destinations that are not paused, first taking back the
 * claims that expired (their sender died mid-attempt: they are due again).
 */
export async function claimDueDeliveries(ctx: DataContext, claim: Claim, limit: number): Promise<ClaimedDelivery[]> {
  return ctx.write({ name: 'claimAlertDeliveries', ...claim, limit });
}

export type DeliveryResult =
  | { status: 'delivered'; httpStatus: number | null; answer: string }
  | { status: 'pending'; nextAttemptAt: number; httpStatus: number | null; answer: string }
  | { status: 'failed'; httpStatus: number | null; answer: string };

/** Records the outcome of an attempt; false when the claim was lost (it expired and another sender took the delivery). */
export async function finishDelivery(ctx: DataContext, delivery: { id: string; holder: string; now: number }, result: DeliveryResult): Promise<boolean> {
  return ctx.write({ name: 'finishAlertDelivery', id: delivery.id, holder: delivery.holder, at: delivery.now, result });
}

// Raw writes (writes.ts)

export async function takeLeaseRow(db: Sql, name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
  const expiresAt = now + ttlMs;
  const renewed = await db.run(
    'UPDATE leases SET holder = @holder, expires_at = @expiresAt WHERE name = @name AND (holder = @holder OR expires_at <= @now)',
    { name, holder, now, expiresAt },
  );
  if (renewed === 1) return true;
  return (await db.run('INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @expiresAt) ON CONFLICT DO NOTHING', { name, holder, expiresAt })) === 1;
}

export async function releaseLeaseRow(db: Sql, name: string, holder: string): Promise<void> {
  await db.run('UPDATE leases SET expires_at = 0 WHERE name = @name AND holder = @holder', { name, holder });
}

export async function insertAlerts(db: Sql, alerts: NewAlert[], at: number): Promise<number> {
  return db.transaction(async (tx) => {
    let made = 0;
    for (const a of alerts) {
      made += await tx.run(
        `INSERT INTO alert_deliveries (id, destination_id, kind, run, week, body, status, next_attempt_at, created_at)
         VALUES (@id, @destinationId, @kind, @run, @week, @body, 'pending', @at, @at) ON CONFLICT DO NOTHING`,
        { ...a, at },
      );
    }
    return made;
  });
}

/**
 * Claims deliveries: the due ones of destinations that are not paused (`limit` of them, oldest
 * due first), or exactly `ids` when given (a test message, whatever its destination's state).
 */
export async function claimDeliveryRows(db: Sql, claim: Claim & { limit: number; ids?: readonly string[] }): Promise<ClaimedDelivery[]> {
  return db.transaction(async (tx) => {
    await tx.run(
      `UPDATE alert_deliveries SET status = 'pending', claimed_by = NULL, claim_expires_at = NULL
       WHERE status = 'sending' AND claim_expires_at <= @now`,
      { now: claim.now },
    );
    const candidates = claim.ids
      ? [...claim.ids]
      : (
          await tx.all<{ id: string }>(
            `SELECT a.id FROM alert_deliveries a JOIN alert_destinations d ON d.id = a.destination_id
             WHERE a.status = 'pending' AND a.next_attempt_at <= @now AND d.paused_at IS NULL
             ORDER BY a.next_attempt_at, a.id LIMIT @limit`,
            { now: claim.now, limit: claim.limit },
          )
        ).map((r) => r.id);
    const claimed: ClaimedDelivery[] = [];
    for (const id of candidates) {
      const row = await tx.get<ClaimedDelivery>(
        `UPDATE alert_deliveries SET status = 'sending', claimed_by = @holder, claim_expires_at = @until,
           attempts = attempts + 1, last_attempt_at = @now
         WHERE id = @id AND status = 'pending'
         RETURNING id, destination_id AS "destinationId", kind, body, attempts, created_at AS "createdAt",
           (SELECT url FROM alert_destinations WHERE id = alert_deliveries.destination_id) AS url,
           (SELECT secret FROM alert_destinations WHERE id = alert_deliveries.destination_id) AS secret`,
        { id, holder: claim.holder, now: claim.now, until: claim.now + claim.claimMs },
      );
      if (row) claimed.push(row);
    }
    return claimed;
  });
}

export async function finishDeliveryRow(db: Sql, id: string, holder: string, at: number, result: DeliveryResult): Promise<boolean> {
  const set =
    result.status === 'delivered'
      ? `status = 'delivered', delivered_at = @at`
      : result.status === 'pending'
        ? `status = 'pending', next_attempt_at = @next`
        : `status = 'failed'`;
  const changed = await db.run(
    `UPDATE alert_deliveries SET ${set}, last_http_status = @httpStatus, last_answer = @answer, claimed_by = NULL, claim_expires_at = NULL
     WHERE id = @id AND status = 'sending' AND claimed_by = @holder`,
    { id, holder, at, next: result.status === 'pending' ? result.nextAttemptAt : null, httpStatus: result.httpStatus, answer: result.answer },
  );
  return changed === 1;
}
