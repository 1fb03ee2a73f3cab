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
import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { alertDeliveries, alertDestinations, leases, teams } from '@/db/schema';
import type { NewAlert } from '@/lib/alerts/messages';
import type { FlagKind } from '@/lib/flags/flags';
import { isFlagKind } from '@/lib/flags/kinds';
import type { DataContext } from './context';

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
  return ctx.db
    .select({
      id: alertDestinations.id,
      teamId: teams.id,
      slug: teams.slug,
      name: teams.name,
      kinds: alertDestinations.kinds,
      digest: alertDestinations.digest,
      createdAt: alertDestinations.createdAt,
    })
    .from(alertDestinations)
    .innerJoin(teams, eq(teams.id, alertDestinations.teamId))
    .where(isNull(alertDestinations.pausedAt))
    .orderBy(alertDestinations.id)
    .all()
    .map((r) => ({
      id: r.id,
      team: { id: r.teamId, slug: r.slug, name: r.name },
      kinds: r.kinds.split(',').filter(isFlagKind),
      digest: r.digest,
      createdAt: r.createdAt,
    }));
}

/** Which of these alert ids the outbox already has (whatever their status). */
export async function knownAlertIds(ctx: DataContext, ids: readonly string[]): Promise<Set<string>> {
  const known = new Set<string>();
  // Chunks stay under SQLite's limit of bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = ctx.db.select({ id: alertDeliveries.id }).from(alertDeliveries).where(inArray(alertDeliveries.id, ids.slice(i, i + 500))).all();
    for (const r of rows) known.add(r.id);
  }
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

export function takeLeaseRow(db: Db, name: string, holder: string, now: number, ttlMs: number): boolean {
  const expiresAt = now + ttlMs;
  const renewed = db
    .update(leases)
    .set({ holder, expiresAt })
    .where(and(eq(leases.name, name), or(eq(leases.holder, holder), lte(leases.expiresAt, now))))
    .run();
  if (renewed.changes === 1) return true;
  return db.insert(leases).values({ name, holder, expiresAt }).onConflictDoNothing().run().changes === 1;
}

export function releaseLeaseRow(db: Db, name: string, holder: string): void {
  db.update(leases).set({ expiresAt: 0 }).where(and(eq(leases.name, name), eq(leases.holder, holder))).run();
}

export function insertAlerts(db: Db, alerts: NewAlert[], at: number): number {
  return db.transaction((tx) => {
    let made = 0;
    for (const a of alerts) {
      made += tx
        .insert(alertDeliveries)
        .values({ id: a.id, destinationId: a.destinationId, kind: a.kind, run: a.run, week: a.week, body: a.body, status: 'pending', nextAttemptAt: at, createdAt: at })
        .onConflictDoNothing()
        .run().changes;
    }
    return made;
  });
}

const claimedColumns = {
  id: alertDeliveries.id,
  destinationId: alertDeliveries.destinationId,
  kind: alertDeliveries.kind,
  url: alertDestinations.url,
  secret: alertDestinations.secret,
  body: alertDeliveries.body,
  attempts: alertDeliveries.attempts,
  createdAt: alertDeliveries.createdAt,
};

/**
 * Claims deliveries: the due ones of destinations that are not paused (`limit` of them, oldest
 * due first), or exactly `ids` when given (a test message, whatever its destination's state).
 */
export function claimDeliveryRows(db: Db, claim: Claim & { limit: number; ids?: readonly string[] }): ClaimedDelivery[] {
  return db.transaction(
    (tx) => {
      tx.update(alertDeliveries)
        .set({ status: 'pending', claimedBy: null, claimExpiresAt: null })
        .where(and(eq(alertDeliveries.status, 'sending'), lte(alertDeliveries.claimExpiresAt, claim.now)))
        .run();
      const candidates = claim.ids
        ? [...claim.ids]
        : tx
            .select({ id: alertDeliveries.id })
            .from(alertDeliveries)
            .innerJoin(alertDestinations, eq(alertDestinations.id, alertDeliveries.destinationId))
            .where(and(eq(alertDeliveries.status, 'pending'), lte(alertDeliveries.nextAttemptAt, claim.now), isNull(alertDestinations.pausedAt)))
            .orderBy(alertDeliveries.nextAttemptAt, alertDeliveries.id)
            .limit(claim.limit)
            .all()
            .map((r) => r.id);
      const claimed: ClaimedDelivery[] = [];
      for (const id of candidates) {
        const taken = tx
          .update(alertDeliveries)
          .set({
            status: 'sending',
            claimedBy: claim.holder,
            claimExpiresAt: claim.now + claim.claimMs,
            attempts: sql`${alertDeliveries.attempts} + 1`,
            lastAttemptAt: claim.now,
          })
          .where(and(eq(alertDeliveries.id, id), eq(alertDeliveries.status, 'pending')))
          .run();
        if (taken.changes !== 1) continue;
        const row = tx
          .select(claimedColumns)
          .from(alertDeliveries)
          .innerJoin(alertDestinations, eq(alertDestinations.id, alertDeliveries.destinationId))
          .where(eq(alertDeliveries.id, id))
          .get();
        if (row) claimed.push(row);
      }
      return claimed;
    },
    { behavior: 'immediate' },
  );
}

export function finishDeliveryRow(db: Db, id: string, holder: string, at: number, result: DeliveryResult): boolean {
  const common = { lastHttpStatus: result.httpStatus, lastAnswer: result.answer, claimedBy: null, claimExpiresAt: null };
  const set =
    result.status === 'delivered'
      ? { ...common, status: 'delivered' as const, deliveredAt: at }
      : result.status === 'pending'
        ? { ...common, status: 'pending' as const, nextAttemptAt: result.nextAttemptAt }
        : { ...common, status: 'failed' as const };
  return (
    db
      .update(alertDeliveries)
      .set(set)
      .where(and(eq(alertDeliveries.id, id), eq(alertDeliveries.status, 'sending'), eq(alertDeliveries.claimedBy, holder)))
      .run().changes === 1
  );
}
