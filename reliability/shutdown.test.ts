/**
 * 5. Graceful shutdown on SIGTERM: the server stops within 10 s; the upload in flight either
 * finishes (its client gets 200 and every event is stored) or rolls back (503 or a closed
 * connection, and none is stored); never a 500, never part of an upload; integrity_check ok.
 *
 * Cases: idle; during a large upload that can finish in the grace period; during one that
 * cannot (LOOPSCOPE_SHUTDOWN_GRACE_MS=300: rolled back); while a slow client is still sending
 * its body; then SIGTERMs at random moments of uploads.
 */
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { benchText, idRange, withIdPrefix, writeText } from './events';
import { fmt, integrityCheck, makeFixtures, openSqlite, request, Server, sleep, SOAK, workDir, writeRow } from './harness';

const EVENTS = 200_000;
const RANDOM_ROUNDS = SOAK ? 15 : 4;
const TEAM = 'stop';

let server: Server | null = null;
afterAll(async () => server?.kill());

interface Case {
  name: string;
  exitMs: number | null;
  status: number | 'connection error' | null;
  stored: number;
  expected: number;
  integrity: string;
}

it('stops within 10 s on SIGTERM; the upload in flight finishes or rolls back whole', async () => {
  const t0 = Date.now();
  const dir = workDir('shutdown');
  const dbPath = path.join(dir, 'db', 'loopscope.db');
  const logFile = path.join(dir, 'server.log');
  const template = benchText(TEAM, EVENTS);
  const file = path.join(dir, 'upload.ndjson');
  const cases: Case[] = [];
  server = await Server.start({ dbPath, logFile });
  const fx = makeFixtures(dbPath, { teams: [{ slug: TEAM, tokens: [['ingest', 'read']] }] });
  const token = fx.tokens[TEAM][0];
  const teamId = fx.teamIds[TEAM];
  const count = (prefix: string) => {
    const db = openSqlite(dbPath, true);
    try {
      const [lo, hi] = idRange(prefix);
      return (db.prepare('SELECT count(*) AS n FROM events WHERE team_id = ? AND id >= ? AND id < ?').get(teamId, lo, hi) as { n: number }).n;
    } finally {
      db.close();
    }
  };

  /** Starts the server if needed, sends an upload, SIGTERMs when `when` resolves, checks everything. */
  async function run(name: string, opts: { env?: Record<string, string>; when: (sent: Promise<void>) => Promise<unknown>; slow?: boolean; upload?: boolean }) {
    if (!server?.running) server = await Server.start({ dbPath, logFile, env: opts.env });
    const prefix = `s${cases.length}-`;
    const bytes = writeText(file, withIdPrefix(template, TEAM, prefix));
    let markSent!: () => void;
    const sent = new Promise<void>((r) => (markSent = r));
    let answer: Promise<Awaited<ReturnType<typeof request>> | null> = Promise.resolve(null);
    if (opts.upload !== false) {
      const text = withIdPrefix(template, TEAM, prefix);
      const body = opts.slow
        ? (async function* () {
            // 64 KiB every 50 ms: about 1.3 MB/s, so 30 MB would take 25 s.
            const buf = Buffer.from(text);
            for (let i = 0; i < buf.length; i += 65536) {
              yield buf.subarray(i, i + 65536);
              await sleep(50);
            }
          })()
        : { file };
      answer = request(`${server.base}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'content-length': bytes },
        body,
        timeoutMs: 120_000,
        onSent: markSent,
      }).catch(() => null);
    }
    await opts.when(sent);
    server.signal('SIGTERM');
    const exitMs = await server.waitExit(15_000);
    if (exitMs === null) await server.kill();
    const a = await answer;
    const integrity = integrityCheck(dbPath);
    const stored = opts.upload === false ? 0 : count(prefix);
    const status = opts.upload === false ? null : (a?.status ?? 'connection error');
    const c: Case = { name, exitMs, status, stored, expected: EVENTS, integrity };
    cases.push(c);
    expect(exitMs, `${name}: exit after SIGTERM`).not.toBeNull();
    expect(exitMs!, `${name}: exit after SIGTERM`).toBeLessThanOrEqual(10_000);
    expect(integrity, name).toBe('ok');
    if (opts.upload !== false) {
      expect([0, EVENTS], `${name}: ${stored} stored`).toContain(stored);
      expect([200, 503, 'connection error'], `${name}: answered ${status} ${a?.body.slice(0, 300)}`).toContain(status);
      if (status === 200) expect(stored).toBe(EVENTS);
      if (status === 503) {
        expect(stored).toBe(0);
        expect(JSON.parse(a!.body).error).toMatch(/shutting down|nothing was stored/);
      }
    }
    return c;
  }

  await run('idle server', { upload: false, when: async () => {} });
  // Processing takes ~1.5 s here, well within the 6 s grace: it must finish and answer 200.
  const finishing = await run('SIGTERM while storing, within the grace period', { when: (sent) => sent.then(() => sleep(300)) });
  expect(finishing.status).toBe(200);
  // A grace period shorter than the upload: the worker rolls it back and its client gets 503.
  const rolledBack = await run('SIGTERM while storing, grace 300 ms (rolled back)', {
    env: { LOOPSCOPE_SHUTDOWN_GRACE_MS: '300' },
    when: (sent) => sent.then(() => sleep(100)),
  });
  expect(rolledBack.status).toBe(503);
  expect(rolledBack.stored).toBe(0);
  await run('SIGTERM while a slow client is still sending', { slow: true, when: () => sleep(2_000) });
  for (let i = 0; i < RANDOM_ROUNDS; i++) {
    await run(`SIGTERM at a random moment (${i + 1})`, { when: () => sleep(Math.random() * 2_500) });
  }
  const log = server.log();
  expect(log).not.toMatch(/SQLITE_(BUSY|CORRUPT)/);
  await server.kill();

  const withUpload = cases.filter((c) => c.status !== null);
  const partial = withUpload.filter((c) => c.stored !== 0 && c.stored !== c.expected).length;
  const lost = withUpload.filter((c) => c.status === 200 && c.stored !== c.expected).length;
  const worstExit = Math.max(...cases.map((c) => c.exitMs ?? Infinity));
  writeRow('05-shutdown', {
    order: 5,
    test: 'Graceful shutdown (SIGTERM)',
    load: `${withUpload.length} uploads of ${fmt(EVENTS)} events in flight (one sent slowly), 1 idle`,
    faults: `${cases.length} SIGTERMs: idle, while storing (grace 6 s and 300 ms), while receiving, ${RANDOM_ROUNDS} at random moments`,
    inputs: `${fmt(withUpload.length * EVENTS)} events sent`,
    result: `stopped in ≤ ${fmt(worstExit)} ms (limit 10,000); answers: ${withUpload.map((c) => c.status).join(', ')}; integrity ok ${cases.filter((c) => c.integrity === 'ok').length}/${cases.length}; ${withUpload.filter((c) => c.stored === c.expected).length} uploads complete, ${withUpload.filter((c) => c.stored === 0).length} absent, ${partial} partial`,
    lost: `${lost} acknowledged, ${partial} partial`,
    passed: lost === 0 && partial === 0 && worstExit <= 10_000,
    details: Object.fromEntries(cases.map((c) => [`exit ms: ${c.name}`, c.exitMs ?? 'timeout'])),
    seconds: Math.round((Date.now() - t0) / 1000),
  });
});
