/**
 * The alert sender against a real database and a real HTTP receiver on this machine: each
 * test calls rounds directly, at chosen times, instead of waiting for the timer.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { addAlertDestination, listAlertDestinations, setAlertDestinationPaused } from '@/lib/data/alerts';
import { claimDueDeliveries, finishDelivery } from '@/lib/data/alert-outbox';
import { directContext, type DataContext } from '@/lib/data/context';
import { getFlags, getKpis } from '@/lib/data/kpis';
import { OPERATOR } from '@/lib/data/viewer';
import { ingest } from '@/lib/ingest/ingest';
import { DAY_MS, HOUR_MS } from '@/lib/kpi/time';
import { acmeDatabase, chunksOf, ndjson, openAgain } from '@/lib/testing/db';
import { startReceiver, type Answer, type Receiver, type ReceivedRequest } from '@/lib/testing/receiver';
import { AlertSender, CLAIM_MS, sendTestAlert } from './sender';

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(answer?: (req: ReceivedRequest, n: number) => Answer): Promise<Receiver> {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

/** Wednesday 2026-06-10 12:00 UTC. */
const NOW = Date.UTC(2026, 5, 10, 12);
const BASE = 'https://loopscope.example';
const SECRET = 'a-shared-signing-secret';
const iso = (ms: number) => new Date(ms).toISOString();

async function setup() {
  const t = await acmeDatabase();
  const ctx = directContext(t.db);
  let n = 0;
  const ev = (type: string, ts: number, fields: Record<string, unknown>) => ({ id: `e${++n}`, type, ts: iso(ts), ...fields });
  const send = async (events: object[]) => {
    const result = await ingest(t.db, chunksOf(ndjson(events)), { format: 'ndjson', partial: false, source: 'cli', team: t.team });
    if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 3)));
  };
  const sender = (options: { holder?: string; ctx?: DataContext; timeoutMs?: number } = {}) =>
    new AlertSender({
      context: () => options.ctx ?? ctx,
      holder: options.holder ?? 'instance-a',
      intervalMs: 1000,
      baseUrl: BASE,
      digest: { weekday: 1, hourUtc: 8 },
      timeoutMs: options.timeoutMs ?? 5000,
      log: () => {},
    });
  const deliveries = () =>
    t.q<{ id: string; kind: string; run: string | null; status: string; attempts: number; next_attempt_at: number; last_http_status: number | null; last_answer: string | null; created_at: number; last_attempt_at: number }>(
      'SELECT * FROM alert_deliveries ORDER BY created_at, id',
    );
  return { ...t, ctx, ev, send, sender, deliveries };
}

/** A run that ends with 300,000 tokens and nothing merged: burn_without_outcome. */
function burningRun(ev: Awaited<ReturnType<typeof setup>>['ev'], run = 'r-burn') {
  return [
    ev('run.started', NOW - 5 * HOUR_MS, { run, agent: 'codex' }),
    ev('llm.call', NOW - 4.5 * HOUR_MS, { run, model: 'gpt-5', input_tokens: 290_000, output_tokens: 10_000 }),
    ev('run.ended', NOW - 4 * HOUR_MS, { run, status: 'failed' }),
  ];
}

/** A run of 25 agent messages against 2 tool calls and no change: chatter. */
function chattyRun(ev: Awaited<ReturnType<typeof setup>>['ev'], run = 'r-chat') {
  const events = [ev('run.started', NOW - 3 * HOUR_MS, { run })];
  for (let i = 0; i < 25; i++) events.push(ev('message', NOW - 3 * HOUR_MS + (i + 1) * 60_000, { run, from: 'planner', to: 'coder' }));
  for (let i = 0; i < 2; i++) events.push(ev('tool.call', NOW - 2 * HOUR_MS + i * 60_000, { run, tool: 'bash' }));
  return events;
}

const signature = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

describe('alert sender', () => {
  it('sends the two flags one upload trips, once each, signed, with their evidence and links', async () => {
    const s = await setup();
    const hook = await receiver();
    await s.send([...burningRun(s.ev), ...chattyRun(s.ev)]);
    const flags = (await getFlags(OPERATOR, ['acme'], { from: NOW - 7 * DAY_MS, to: NOW, asOf: NOW }, { db: s.db }))!.flags;
    expect(flags.map((f) => [f.kind, 'run' in f ? f.run : null])).toEqual([['burn_without_outcome', 'r-burn'], ['chatter', 'r-chat']]);
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url, secret: SECRET }, s.ctx, NOW - DAY_MS);

    const sender = s.sender();
    expect(await sender.round(NOW)).toEqual({ leader: true, queued: 2, delivered: 2, retrying: 0, failed: 0 });
    expect(hook.received).toHaveLength(2);
    for (const r of hook.received) {
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/hooks/T123/abcdef');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-loopscope-signature-256']).toBe(signature(r.body));
      expect(r.headers['x-loopscope-delivery']).toBe((JSON.parse(r.body) as { id: string }).id);
    }
    const [burn, chatter] = hook.bodies().sort((a, b) => String((a.flag as { kind: string }).kind).localeCompare(String((b.flag as { kind: string }).kind)));
    expect(burn).toMatchObject({
      team: 'acme',
      flag: { kind: 'burn_without_outcome', run: 'r-burn', evidence: flags[0].evidence },
      url: `${BASE}/runs/r-burn?team=acme`,
    });
    expect(burn.text).toBe(
      `[Loopscope] Acme (acme): Burn without outcome, run r-burn. Burned 300,000 tokens with no merged change (threshold 200,000). ${BASE}/runs/r-burn?team=acme`,
    );
    expect(chatter).toMatchObject({ team: 'acme', flag: { kind: 'chatter', run: 'r-chat' }, url: `${BASE}/runs/r-chat?team=acme` });
    expect(chatter.text).toContain('25 agent messages against 2 tool calls');
    expect(burn.id).not.toBe(chatter.id);

    // The same flags an hour later, and a minute after that: nothing new.
    expect(await sender.round(NOW + HOUR_MS)).toEqual({ leader: true, queued: 0, delivered: 0, retrying: 0, failed: 0 });
    expect(await sender.round(NOW + HOUR_MS + 60_000)).toMatchObject({ queued: 0, delivered: 0 });
    expect(hook.received).toHaveLength(2);
    expect((await s.deliveries()).map((d) => [d.kind, d.run, d.status, d.attempts, d.last_http_status, d.last_answer]).sort()).toEqual([
      ['burn_without_outcome', 'r-burn', 'delivered', 1, 200, 'HTTP 200: ok'],
      ['chatter', 'r-chat', 'delivered', 1, 200, 'HTTP 200: ok'],
    ]);

    // Without a secret, no signature header.
    const plain = await receiver();
    await addAlertDestination(OPERATOR, 'acme', { url: plain.url, kinds: ['chatter'] }, s.ctx, NOW);
    expect(await sender.round(NOW + 2 * HOUR_MS)).toMatchObject({ queued: 1, delivered: 1 });
    expect(plain.received).toHaveLength(1);
    expect(plain.received[0].headers['x-loopscope-signature-256']).toBeUndefined();
    expect(hook.received).toHaveLength(2);
  });

  it('sends nothing again after a restart: a new sender over the same database file, after a clean stop or a crash', async () => {
    const s = await setup();
    const hook = await receiver();
    await s.send([...burningRun(s.ev), ...chattyRun(s.ev)]);
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url, secret: SECRET }, s.ctx, NOW - DAY_MS);
    const first = s.sender({ holder: 'first' });
    expect(await first.round(NOW)).toMatchObject({ leader: true, queued: 2, delivered: 2 });
    await first.stop();

    const reopened = await openAgain(s);
    try {
      const second = s.sender({ holder: 'second', ctx: directContext(reopened) });
      // A clean stop gave the lease up, so the new instance is the sender at once.
      expect(await second.round(NOW + 60_000)).toEqual({ leader: true, queued: 0, delivered: 0, retrying: 0, failed: 0 });
      // A crash leaves the lease held until it lapses (three intervals); then the next one takes over.
      const third = s.sender({ holder: 'third', ctx: directContext(reopened) });
      expect((await third.round(NOW + 61_000)).leader).toBe(false);
      expect(await third.round(NOW + 61_000 + 3 * 1000)).toEqual({ leader: true, queued: 0, delivered: 0, retrying: 0, failed: 0 });
    } finally {
      await reopened.close();
    }
    expect(hook.received).toHaveLength(2);
  });

  it('on stop, gives the lease up and cuts an attempt in flight short, to be retried', async () => {
    const s = await setup();
    const silent = await receiver(() => 'hang');
    await s.send(burningRun(s.ev));
    await addAlertDestination(OPERATOR, 'acme', { url: silent.url }, s.ctx, NOW - DAY_MS);
    const sender = s.sender();
    const round = sender.round(NOW);
    await expect.poll(() => silent.received.length).toBe(1);
    await sender.stop();
    expect(await round).toMatchObject({ leader: true, queued: 1, retrying: 1 });
    expect(await s.deliveries()).toMatchObject([{ status: 'pending', attempts: 1, next_attempt_at: NOW + 60_000 }]);
    expect((await s.deliveries())[0].last_answer).toBe('interrupted: the server is stopping (it will be sent again)');
    expect(await s.q('SELECT holder, expires_at FROM leases')).toEqual([{ holder: 'instance-a', expires_at: 0 }]);
    // A stopped sender takes no lease again.
    expect((await sender.round(NOW + 1000)).leader).toBe(false);
  });

  it('retries a receiver that answered 500, with the same id, and records only one acceptance', async () => {
    const s = await setup();
    const hook = await receiver((_req, n) => (n === 1 ? { status: 500, body: 'boom' } : { status: 204 }));
    await s.send(burningRun(s.ev));
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url, secret: SECRET }, s.ctx, NOW - DAY_MS);
    const sender = s.sender();
    expect(await sender.round(NOW)).toMatchObject({ queued: 1, delivered: 0, retrying: 1 });
    expect(await s.deliveries()).toMatchObject([{ status: 'pending', attempts: 1, next_attempt_at: NOW + 60_000, last_http_status: 500, last_answer: 'HTTP 500: boom' }]);
    // Not due yet.
    expect(await sender.round(NOW + 30_000)).toMatchObject({ queued: 0, delivered: 0, retrying: 0 });
    expect(hook.received).toHaveLength(1);
    expect(await sender.round(NOW + 60_000)).toMatchObject({ queued: 0, delivered: 1, retrying: 0 });
    expect(await sender.round(NOW + 2 * HOUR_MS)).toMatchObject({ queued: 0, delivered: 0, retrying: 0 });
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1].body).toBe(hook.received[0].body);
    expect(hook.received[1].headers['x-loopscope-delivery']).toBe(hook.received[0].headers['x-loopscope-delivery']);
    expect(hook.received[1].headers['x-loopscope-signature-256']).toBe(signature(hook.received[1].body));
    expect(await s.deliveries()).toMatchObject([{ status: 'delivered', attempts: 2, last_http_status: 204, last_answer: 'HTTP 204' }]);
  });

  it('backs off 1 min, 2, 4 … up to an hour, and gives up after 24 hours', async () => {
    const s = await setup();
    const hook = await receiver(() => ({ status: 503, body: 'down' }));
    await s.send(burningRun(s.ev));
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url }, s.ctx, NOW - DAY_MS);
    const sender = s.sender();
    const waits: number[] = [];
    let now = NOW;
    for (let i = 0; i < 100; i++) {
      await sender.round(now);
      const [d] = await s.deliveries();
      if (d.status === 'failed') break;
      waits.push(d.next_attempt_at - now);
      now = d.next_attempt_at;
    }
    const [d] = await s.deliveries();
    expect(d.status).toBe('failed');
    expect(waits.slice(0, 8)).toEqual([1, 2, 4, 8, 16, 32, 60, 60].map((m) => m * 60_000));
    expect(d.attempts).toBe(waits.length + 1);
    expect(d.last_attempt_at - d.created_at).toBeLessThanOrEqual(24 * HOUR_MS);
    expect(d.last_attempt_at + 60 * 60_000 - d.created_at).toBeGreaterThan(24 * HOUR_MS);
    expect(hook.received).toHaveLength(d.attempts);
    // Failed is final.
    expect(await sender.round(now + DAY_MS)).toMatchObject({ queued: 0, delivered: 0, retrying: 0, failed: 0 });
  });

  it('sends nothing to a paused destination, and the open flags once it is resumed', async () => {
    const s = await setup();
    const hook = await receiver();
    await s.send([...burningRun(s.ev), ...chattyRun(s.ev)]);
    const { id } = await addAlertDestination(OPERATOR, 'acme', { url: hook.url }, s.ctx, NOW - DAY_MS);
    await setAlertDestinationPaused(OPERATOR, id, true, s.ctx);
    const sender = s.sender();
    expect(await sender.round(NOW)).toEqual({ leader: true, queued: 0, delivered: 0, retrying: 0, failed: 0 });
    expect(hook.received).toHaveLength(0);
    expect(await s.deliveries()).toHaveLength(0);
    expect((await listAlertDestinations(OPERATOR, 'acme', s.db))![0]).toMatchObject({ id, paused: true });

    await setAlertDestinationPaused(OPERATOR, id, false, s.ctx);
    expect(await sender.round(NOW + 60_000)).toMatchObject({ queued: 2, delivered: 2 });
    expect(hook.received).toHaveLength(2);
  });

  it('holds back a pending retry while its destination is paused', async () => {
    const s = await setup();
    const hook = await receiver((_r, n) => (n === 1 ? { status: 500 } : { status: 200 }));
    await s.send(burningRun(s.ev));
    const { id } = await addAlertDestination(OPERATOR, 'acme', { url: hook.url }, s.ctx, NOW - DAY_MS);
    const sender = s.sender();
    expect(await sender.round(NOW)).toMatchObject({ retrying: 1 });
    await setAlertDestinationPaused(OPERATOR, id, true, s.ctx);
    expect(await sender.round(NOW + 2 * 60_000)).toMatchObject({ delivered: 0, retrying: 0 });
    expect(hook.received).toHaveLength(1);
    await setAlertDestinationPaused(OPERATOR, id, false, s.ctx);
    expect(await sender.round(NOW + 3 * 60_000)).toMatchObject({ delivered: 1 });
  });

  it('does not follow a redirect: a 3xx is a failed attempt that names where it pointed', async () => {
    const s = await setup();
    const hook = await receiver((req) => (req.path === '/elsewhere' ? { status: 200 } : { status: 302, headers: { Location: '/elsewhere' } }));
    await s.send(burningRun(s.ev));
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url }, s.ctx, NOW - DAY_MS);
    expect(await s.sender().round(NOW)).toMatchObject({ queued: 1, delivered: 0, retrying: 1 });
    expect(hook.received.map((r) => r.path)).toEqual(['/hooks/T123/abcdef']);
    const [d] = await s.deliveries();
    expect(d).toMatchObject({ status: 'pending', last_http_status: 302 });
    expect(d.last_answer).toBe('HTTP 302: a redirect to /elsewhere, not followed (give the final URL)');
  });

  it('gives up an attempt the receiver does not answer within the timeout, and reads at most 4 KiB of an answer', async () => {
    const s = await setup();
    const silent = await receiver(() => 'hang');
    await s.send(burningRun(s.ev));
    await addAlertDestination(OPERATOR, 'acme', { url: silent.url }, s.ctx, NOW - DAY_MS);
    const started = Date.now();
    expect(await s.sender({ timeoutMs: 300 }).round(NOW)).toMatchObject({ retrying: 1 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await s.deliveries())[0]).toMatchObject({ last_http_status: null, last_answer: 'no answer within 300 ms' });

    const chatty = await receiver(() => ({ status: 400, body: 'x'.repeat(1_000_000) }));
    const other = await addAlertDestination(OPERATOR, 'acme', { url: chatty.url }, s.ctx, NOW - DAY_MS);
    expect(await s.sender().round(NOW + 1000)).toMatchObject({ queued: 1, retrying: 1 });
    const answer = (await s.q<{ last_answer: string }>('SELECT last_answer FROM alert_deliveries WHERE destination_id = @id', { id: other.id }))[0].last_answer;
    expect(answer.startsWith('HTTP 400: xxx')).toBe(true);
    expect(answer.length).toBeLessThanOrEqual(500);
  });

  it('records why a delivery could not connect', async () => {
    const s = await setup();
    const gone = await receiver();
    await gone.close();
    receivers.splice(receivers.indexOf(gone), 1);
    await s.send(burningRun(s.ev));
    await addAlertDestination(OPERATOR, 'acme', { url: gone.url }, s.ctx, NOW - DAY_MS);
    expect(await s.sender().round(NOW)).toMatchObject({ retrying: 1 });
    // The code once: "connect ECONNREFUSED 127.0.0.1:…", not "ECONNREFUSED connect ECONNREFUSED …".
    expect((await s.deliveries())[0].last_answer).toMatch(/^could not deliver: connect ECONNREFUSED [^ ]+$/);
  });

  it('two senders on one database: one holds the lease, and each alert is sent once', async () => {
    const s = await setup();
    const hook = await receiver();
    await s.send([...burningRun(s.ev), ...chattyRun(s.ev), ...burningRun(s.ev, 'r-burn-2')]);
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url }, s.ctx, NOW - DAY_MS);
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url, kinds: ['burn_without_outcome'] }, s.ctx, NOW - DAY_MS);
    const other = await openAgain(s);
    try {
      const a = s.sender({ holder: 'a' });
      const b = s.sender({ holder: 'b', ctx: directContext(other) });
      const rounds = await Promise.all([a.round(NOW), b.round(NOW)]);
      expect(rounds.map((r) => r.leader).sort()).toEqual([false, true]);
      const ids = hook.received.map((r) => r.headers['x-loopscope-delivery']);
      expect(ids).toHaveLength(5); // 3 flags to the first destination, 2 burns to the second
      expect(new Set(ids).size).toBe(5);
      // The lease lapses for whoever had it: the other takes over and sends nothing again.
      const later = await Promise.all([a.round(NOW + 3000), b.round(NOW + 3000)]);
      expect(later.filter((r) => r.leader)).toHaveLength(1);
      expect(hook.received).toHaveLength(5);
    } finally {
      await other.close();
    }
  });

  it('two senders claiming the same due deliveries (no lease): each is sent once; an abandoned claim is taken back only after it expires', async () => {
    const s = await setup();
    const hook = await receiver();
    await s.send([...burningRun(s.ev), ...chattyRun(s.ev)]);
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url }, s.ctx, NOW - DAY_MS);
    const other = await openAgain(s);
    try {
      const ctxB = directContext(other);
      const a = s.sender({ holder: 'a' });
      const b = s.sender({ holder: 'b', ctx: ctxB });
      expect(await a.queueNewAlerts(s.ctx, NOW)).toBe(2);
      const [ra, rb] = await Promise.all([a.deliverDue(s.ctx, NOW), b.deliverDue(ctxB, NOW)]);
      expect(ra.delivered + rb.delivered).toBe(2);
      expect(new Set(hook.received.map((r) => r.headers['x-loopscope-delivery'])).size).toBe(2);
      expect(hook.received).toHaveLength(2);

      // A sender that claims a delivery and dies before sending it: nobody else takes it until the claim expires.
      await s.send(burningRun(s.ev, 'r-burn-3'));
      expect(await a.queueNewAlerts(s.ctx, NOW + 1000)).toBe(1);
      const [abandoned] = await claimDueDeliveries(s.ctx, { holder: 'a', now: NOW + 1000, claimMs: CLAIM_MS }, 10);
      expect(abandoned).toBeDefined();
      expect(await b.deliverDue(ctxB, NOW + 2000)).toMatchObject({ delivered: 0 });
      expect(await b.deliverDue(ctxB, NOW + 1000 + CLAIM_MS)).toMatchObject({ delivered: 1 });
      // The dead sender's late outcome no longer counts.
      expect(await finishDelivery(s.ctx, { id: abandoned.id, holder: 'a', now: NOW + 1000 + CLAIM_MS + 1 }, { status: 'failed', httpStatus: null, answer: 'late' })).toBe(false);
      expect((await s.q<{ status: string }>('SELECT status FROM alert_deliveries WHERE id = @id', { id: abandoned.id }))[0].status).toBe('delivered');
      expect(hook.received).toHaveLength(3);
    } finally {
      await other.close();
    }
  });

  it('sends a test message at once, paused or not, and never retries it', async () => {
    const s = await setup();
    let status = 200;
    const hook = await receiver(() => ({ status, body: status === 200 ? 'ok' : 'no_team' }));
    const { id } = await addAlertDestination(OPERATOR, 'acme', { url: hook.url, secret: SECRET }, s.ctx, NOW - DAY_MS);
    await setAlertDestinationPaused(OPERATOR, id, true, s.ctx);
    const ok = await sendTestAlert(OPERATOR, id, s.ctx, { baseUrl: BASE, now: NOW });
    expect(ok.result).toEqual({ status: 'delivered', httpStatus: 200, answer: 'HTTP 200: ok' });
    expect(hook.received).toHaveLength(1);
    const body = hook.bodies()[0];
    expect(body).toMatchObject({ team: 'acme', test: true, flag: null, url: `${BASE}/teams/acme/settings`, id: ok.deliveryId });
    expect(body.text).toBe(`[Loopscope] Test alert for Acme (acme): this destination receives Loopscope alerts. ${BASE}/teams/acme/settings`);
    expect(hook.received[0].headers['x-loopscope-signature-256']).toBe(signature(hook.received[0].body));

    status = 404;
    const bad = await sendTestAlert(OPERATOR, id, s.ctx, { baseUrl: BASE, now: NOW + 1000 });
    expect(bad.result).toEqual({ status: 'failed', httpStatus: 404, answer: 'HTTP 404: no_team' });
    await setAlertDestinationPaused(OPERATOR, id, false, s.ctx);
    status = 200;
    expect(await s.sender().round(NOW + DAY_MS)).toMatchObject({ queued: 0, delivered: 0, retrying: 0 });
    expect(hook.received).toHaveLength(2);
    const listed = (await listAlertDestinations(OPERATOR, 'acme', s.db))![0];
    expect(listed.recent.map((d) => [d.kind, d.status, d.lastAnswer])).toEqual([
      ['test', 'failed', 'HTTP 404: no_team'],
      ['test', 'delivered', 'HTTP 200: ok'],
    ]);
    // A member may not test, pause or remove anything.
    const member = { kind: 'user', userId: 9, email: 'm@example.com', role: 'member', teamIds: [s.team.id] } as const;
    await expect(sendTestAlert(member, id, s.ctx, { baseUrl: BASE })).rejects.toThrow('only an admin can manage alerts');
  });
});

describe('weekly digest', () => {
  /** Monday 2026-06-15 08:00 UTC: the digest of the week 2026-06-08 … 06-14. */
  const MONDAY_8 = Date.UTC(2026, 5, 15, 8);
  const WEEK = { from: Date.UTC(2026, 5, 8), to: Date.UTC(2026, 5, 15), asOf: MONDAY_8 };
  const BEFORE = { from: Date.UTC(2026, 5, 1), to: Date.UTC(2026, 5, 8), asOf: MONDAY_8 };

  /** Runs, merges, tokens and a defect spread over the three weeks before the digest. */
  function history(ev: Awaited<ReturnType<typeof setup>>['ev']) {
    const events: object[] = [];
    for (let day = 0; day < 21; day++) {
      const t = Date.UTC(2026, 4, 25) + day * DAY_MS + 9 * HOUR_MS;
      const run = `r${day}`;
      events.push(
        ev('run.started', t, { run, repo: 'acme/api', branch: `b${day}`, agent: day % 2 ? 'codex' : 'claude-code', model: 'gpt-5' }),
        ev('llm.call', t + HOUR_MS, { run, model: 'gpt-5', input_tokens: 10_000 + day * 1000, output_tokens: 2000 + day * 10 }),
        ev('run.ended', t + 2 * HOUR_MS, { run, status: day % 3 ? 'succeeded' : 'failed' }),
      );
      if (day % 3) {
        const change = `acme/api#${day}`;
        events.push(
          ev('change.opened', t + 2 * HOUR_MS, { change, repo: 'acme/api', branch: `b${day}` }),
          ev('change.merged', t + 5 * HOUR_MS, { change }),
        );
        if (day % 5 === 0) events.push(ev('change.reverted', t + 2 * DAY_MS, { change }));
      }
    }
    events.push(ev('defect.opened', Date.UTC(2026, 5, 9, 10), { defect: 'BUG-1', changes: ['acme/api#7'] }), ev('defect.fixed', Date.UTC(2026, 5, 10, 16), { defect: 'BUG-1' }));
    return events;
  }

  it("shows exactly getKpis' figures for the last whole ISO week against the week before, with the week's flags, once", async () => {
    const s = await setup();
    const hook = await receiver();
    await s.send(history(s.ev));
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url, kinds: [], digest: true }, s.ctx, Date.UTC(2026, 5, 1));
    const sender = s.sender();
    // Not before the digest time.
    expect(await sender.round(MONDAY_8 - 60_000)).toMatchObject({ queued: 0 });
    expect(await sender.round(MONDAY_8 + 30_000)).toMatchObject({ queued: 1, delivered: 1 });
    expect(hook.received).toHaveLength(1);
    const body = hook.bodies()[0];
    const kpis = (await getKpis(OPERATOR, ['acme'], WEEK, { db: s.db }))!;
    const previous = (await getKpis(OPERATOR, ['acme'], BEFORE, { db: s.db }))!;
    expect(kpis.mergedChanges).toBeGreaterThan(0);
    expect(kpis.tokens.total).not.toBe(previous.tokens.total);
    expect(body.kpis).toEqual(JSON.parse(JSON.stringify(kpis)));
    expect(body.previous).toEqual(JSON.parse(JSON.stringify(previous)));
    expect(body.flags).toEqual(JSON.parse(JSON.stringify((await getFlags(OPERATOR, ['acme'], WEEK, { db: s.db }))!.flags)));
    expect(body.digest).toEqual({ week: '2026-06-08', from: '2026-06-08T00:00:00.000Z', to: '2026-06-15T00:00:00.000Z', asOf: '2026-06-15T08:00:00.000Z' });
    expect(body.url).toBe(`${BASE}/teams/acme?from=2026-06-08&to=2026-06-14&asOf=2026-06-15T08%3A00%3A00.000Z`);
    const text = String(body.text);
    expect(text.split('\n')[0]).toBe('[Loopscope] Weekly digest for Acme (acme), 2026-06-08 to 2026-06-14 (UTC), against the week before:');
    expect(text).toContain(`• Merged changes: ${kpis.mergedChanges} (`);
    expect(text).toContain(`${kpis.tokens.total.toLocaleString('en-US')} tokens`);
    expect(text).toContain('• Run convergence:');

    // Once a week: not again that week, and the next one at the next Monday 08:00.
    expect(await sender.round(MONDAY_8 + HOUR_MS)).toMatchObject({ queued: 0 });
    expect(await sender.round(MONDAY_8 + 7 * DAY_MS - 1)).toMatchObject({ queued: 0 });
    expect(await sender.round(MONDAY_8 + 7 * DAY_MS)).toMatchObject({ queued: 1, delivered: 1 });
    expect((hook.bodies()[1].digest as { week: string }).week).toBe('2026-06-15');
  });

  it('skips a destination that did not want it or did not exist at digest time, and a digest more than a day late', async () => {
    const s = await setup();
    const hook = await receiver();
    await s.send(history(s.ev));
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url, kinds: ['stalled'] }, s.ctx, Date.UTC(2026, 5, 1));
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url, kinds: [], digest: true }, s.ctx, MONDAY_8 + 1);
    expect(await s.sender().round(MONDAY_8 + 60_000)).toMatchObject({ queued: 0 });
    const late = await setup();
    await late.send(history(late.ev));
    await addAlertDestination(OPERATOR, 'acme', { url: hook.url, kinds: [], digest: true }, late.ctx, Date.UTC(2026, 5, 1));
    expect(await late.sender().round(MONDAY_8 + DAY_MS)).toMatchObject({ queued: 0 });
    expect(hook.received).toHaveLength(0);
  });
});
