/**
 * The alert sender: every interval, one round —
 *
 * 1. take (or renew) the `alert-sender` lease: of several server instances on one database only
 *    the holder goes on (the others try again next round, and take over once it lapses);
 * 2. evaluate: each team with an active destination gets its flags over the last 7 days at now
 *    (getFlags, kpis-v1's rules), and each flag of a kind a destination wants becomes an alert
 *    with a stable id — (destination, kind, run), or (destination, ISO week) for divergence — so
 *    the outbox, keyed on it, takes each flag once; at digest time, the weekly digest of the last
 *    whole ISO week, once per (destination, week);
 * 3. deliver: claim the due deliveries (a conditional status change, so two senders never claim
 *    the same one), POST each (lib/alerts/post.ts) and record the outcome: delivered on a 2xx,
 *    else due again after 1 min, 2, 4 … (capped at an hour) until 24 h have passed, then failed.
 *
 * All of its state is in the database (lib/data/alert-outbox.ts); an instance holds only its
 * timer and its holder name. An alert is sent again only when its sender stopped between the
 * receiver's answer and recording it: receivers that must never see one twice can drop repeats
 * of `X-Loopscope-Delivery`.
 *
 * It runs in the server's main process, not in the ingest worker. Most of its time is spent
 * waiting on receivers, which costs the main thread nothing; its reads are those a dashboard
 * request makes (one getFlags per team with a destination per round, getKpis once a week); and its
 * writes go through the ingest worker's queue like every write of the web server, so they never
 * contend with an upload's write lock and no request waits on them. In the worker, evaluating
 * flags would run on the one thread that stores uploads, between their chunks, and slow them.
 */
import { randomUUID } from 'node:crypto';
import type { DigestSchedule } from '@/lib/config';
import {
  activeAlertDestinations,
  claimDueDeliveries,
  enqueueAlerts,
  finishDelivery,
  knownAlertIds,
  releaseLease,
  takeLease,
  type ActiveDestination,
  type ClaimedDelivery,
  type DeliveryResult,
} from '@/lib/data/alert-outbox';
import { queueTestAlert } from '@/lib/data/alerts';
import type { DataContext } from '@/lib/data/context';
import { getFlags, getKpis } from '@/lib/data/kpis';
import { OPERATOR, type Viewer } from '@/lib/data/viewer';
import { DAY_MS } from '@/lib/kpi/time';
import { digestAlert, digestAlertId, flagAlert, type NewAlert } from './messages';
import { postAlert } from './post';
import { DIGEST_CATCH_UP_MS, digestWindows, latestDigestAt, nextAttemptAt } from './schedule';

export const SENDER_LEASE = 'alert-sender';
/** How long a claimed delivery is this sender's: well over an attempt's 10 s timeout. */
export const CLAIM_MS = 60_000;
/** Flags are evaluated over this many days before now. */
export const EVALUATION_DAYS = 7;
/** Deliveries claimed per round (the rest wait for the next), and sent at once. */
const CLAIM_BATCH = 50;
const CONCURRENCY = 4;

export interface AlertSenderConfig {
  /** The data context of each round (the server's is reopened after storage trouble). */
  context: () => DataContext;
  /** This instance's name in the lease and in claims. */
  holder: string;
  intervalMs: number;
  /** Where links in alerts point (LOOPSCOPE_PUBLIC_URL). */
  baseUrl: string;
  digest: DigestSchedule;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  log?: (message: string) => void;
}

export interface RoundReport {
  /** Whether this instance held the lease (else it did nothing). */
  leader: boolean;
  /** Alerts new to the outbox. */
  queued: number;
  delivered: number;
  /** Attempts that failed and will be retried. */
  retrying: number;
  /** Deliveries given up. */
  failed: number;
}

export function newHolderName(): string {
  return `${process.pid}-${randomUUID()}`;
}

export class AlertSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(readonly config: AlertSenderConfig) {}

  /** How long the lease lasts: three rounds, so a holder renews it long before it lapses. */
  get leaseTtlMs(): number {
    return 3 * this.config.intervalMs;
  }

  /** One round at `now`: lease, evaluation, delivery. */
  async round(now: number): Promise<RoundReport> {
    const ctx = this.config.context();
    const leader = !this.stopped && (await takeLease(ctx, { name: SENDER_LEASE, holder: this.config.holder, now, ttlMs: this.leaseTtlMs }));
    if (!leader) return { leader, queued: 0, delivered: 0, retrying: 0, failed: 0 };
    const queued = await this.queueNewAlerts(ctx, now);
    return { leader, queued, ...(await this.deliverDue(ctx, now)) };
  }

  /** Puts every alert not made before in the outbox; answers how many. */
  async queueNewAlerts(ctx: DataContext, now: number): Promise<number> {
    const byTeam = new Map<number, ActiveDestination[]>();
    for (const d of await activeAlertDestinations(ctx)) byTeam.set(d.team.id, [...(byTeam.get(d.team.id) ?? []), d]);
    const alerts: NewAlert[] = [];
    for (const destinations of byTeam.values()) {
      const team = destinations[0].team;
      try {
        alerts.push(...(await this.flagAlerts(ctx, destinations, now)), ...(await this.digestAlerts(ctx, destinations, now)));
      } catch (err) {
        this.log(`evaluating team ${team.slug} failed: ${(err as Error).message}`);
      }
    }
    const known = await knownAlertIds(ctx, alerts.map((a) => a.id));
    return enqueueAlerts(ctx, alerts.filter((a) => !known.has(a.id)), now);
  }

  private async flagAlerts(ctx: DataContext, destinations: ActiveDestination[], now: number): Promise<NewAlert[]> {
    if (!destinations.some((d) => d.kinds.length > 0)) return [];
    const team = destinations[0].team;
    const window = { from: now - EVALUATION_DAYS * DAY_MS, to: now, asOf: now };
    const flags = (await getFlags(OPERATOR, [team.slug], window, { db: ctx.db }))?.flags ?? [];
    return destinations.flatMap((d) => flags.filter((f) => d.kinds.includes(f.kind)).map((f) => flagAlert(d.id, team, f, now, this.config.baseUrl)));
  }

  /**
   * The digest of the latest digest time, for the destinations that want it and existed then;
   * once that time is DIGEST_CATCH_UP_MS past (no server ran), that week's is skipped.
   */
  private async digestAlerts(ctx: DataContext, destinations: ActiveDestination[], now: number): Promise<NewAlert[]> {
    const at = latestDigestAt(now, this.config.digest);
    if (now - at >= DIGEST_CATCH_UP_MS) return [];
    const { week, previous } = digestWindows(at);
    const wanting = destinations.filter((d) => d.digest && d.createdAt <= at);
    const known = await knownAlertIds(ctx, wanting.map((d) => digestAlertId(d.id, week)));
    const todo = wanting.filter((d) => !known.has(digestAlertId(d.id, week)));
    if (todo.length === 0) return [];
    const team = destinations[0].team;
    const options = { db: ctx.db };
    const [kpis, before, flags] = [
      await getKpis(OPERATOR, [team.slug], week, options),
      await getKpis(OPERATOR, [team.slug], previous, options),
      await getFlags(OPERATOR, [team.slug], week, options),
    ];
    if (!kpis || !before || !flags) return [];
    return todo.map((d) =>
      digestAlert({ destinationId: d.id, team, week, previousWeek: previous, kpis, previous: before, flags: flags.flags, base: this.config.baseUrl }),
    );
  }

  /** Claims the due deliveries and sends them, CONCURRENCY at a time. */
  async deliverDue(ctx: DataContext, now: number): Promise<Omit<RoundReport, 'leader' | 'queued'>> {
    const claimed = await claimDueDeliveries(ctx, { holder: this.config.holder, now, claimMs: CLAIM_MS }, CLAIM_BATCH);
    const report = { delivered: 0, retrying: 0, failed: 0 };
    let next = 0;
    const lane = async () => {
      while (next < claimed.length) {
        const delivery = claimed[next++];
        const result = await deliverClaimed(ctx, delivery, {
          holder: this.config.holder,
          now,
          timeoutMs: this.config.timeoutMs,
          signal: this.abort.signal,
        });
        if (result.status === 'delivered') report.delivered++;
        else if (result.status === 'pending') report.retrying++;
        else {
          report.failed++;
          this.log(`gave up delivery ${delivery.id} to destination ${delivery.destinationId} after ${delivery.attempts} attempts: ${result.answer}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, claimed.length) }, lane));
    return report;
  }

  /** Runs a round every interval (the next one starts an interval after the last one ended). */
  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round(Date.now())
        .then(() => undefined, (err: Error) => this.log(`round failed: ${err.message}`))
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.config.intervalMs);
    this.timer.unref();
  }

  /**
   * Stops: no new round; the lease is given up at once, so another instance takes over at its
   * next round; attempts in flight are cut short (recorded as failed attempts, so they are
   * retried), and the round in progress may finish recording for up to `graceMs`.
   *
   * The release is written first: the server may exit soon after the signal (Next's own handler
   * does, before the queued write lands, unless NEXT_MANUAL_SIG_HANDLE is set); then the lease
   * lapses after leaseTtlMs.
   * A round that renewed the lease queued that write before this one (writes apply in order), and
   * none renews it after `stopped` is set.
   */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const released = releaseLease(this.config.context(), { name: SENDER_LEASE, holder: this.config.holder }).catch(() => {});
    this.abort.abort();
    if (this.running) await Promise.race([this.running, new Promise((r) => setTimeout(r, graceMs).unref())]);
    await released;
  }

  private log(message: string): void {
    (this.config.log ?? console.error)(`Loopscope: alerts: ${message}`);
  }
}

/** Sends one claimed delivery and records what came of it. A test message is not retried. */
export async function deliverClaimed(
  ctx: DataContext,
  delivery: ClaimedDelivery,
  options: { holder: string; now: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<DeliveryResult> {
  const outcome = await postAlert(delivery, delivery, options);
  const { httpStatus, answer } = outcome;
  let result: DeliveryResult;
  if (outcome.accepted) {
    result = { status: 'delivered', httpStatus, answer };
  } else {
    const next = delivery.kind === 'test' ? null : nextAttemptAt(delivery.createdAt, delivery.attempts, options.now);
    result = next === null ? { status: 'failed', httpStatus, answer } : { status: 'pending', nextAttemptAt: next, httpStatus, answer };
  }
  await finishDelivery(ctx, { id: delivery.id, holder: options.holder, now: options.now }, result);
  return result;
}

/**
 * Sends a test message to a destination now, waiting for the answer (admins: the settings page's
 * "Send test", `alert test`). Answers the delivery's id and outcome.
 */
export async function sendTestAlert(
  viewer: Viewer,
  destinationId: number,
  ctx: DataContext,
  options: { baseUrl: string; teamSlug?: string; timeoutMs?: number; now?: number },
): Promise<{ deliveryId: string; result: DeliveryResult }> {
  const now = options.now ?? Date.now();
  const holder = `test-${newHolderName()}`;
  const claimed = await queueTestAlert(viewer, destinationId, options.baseUrl, { holder, now, claimMs: CLAIM_MS }, ctx, options.teamSlug);
  return { deliveryId: claimed.id, result: await deliverClaimed(ctx, claimed, { holder, now, timeoutMs: options.timeoutMs }) };
}
