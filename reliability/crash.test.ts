/**
 * 1. Crash during ingest: SIGKILL the server (its whole process group) at random moments of a
 * large upload — while the body is sent, while the worker stores it, after the answer — then
 * restart it. Each time: `PRAGMA integrity_check` is ok, and every upload made so far on that
 * database is entirely present or entirely absent (its ids counted in SQLite), and present
 * when it had been answered 200 (synchronous=FULL: acknowledged means durable).
 *
 * Rounds share a database in groups of GROUP, so a crash is also checked against the uploads
 * committed before it; a new group starts on a fresh database to keep integrity_check quick.
 */
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { benchText, idRange, withIdPrefix, writeText } from './events';
import { fmt, integrityCheck, makeFixtures, mb, openSqlite, request, Server, SOAK, workDir, writeRow } from './harness';

const ROUNDS = SOAK ? 50 : 20;
const EVENTS = SOAK ? 1_000_000 : 200_000;
const GROUP = 5;
const TEAM = 'crash';

let server: Server | null = null;
afterAll(async () => server?.kill());

interface Round {
  n: number;
  prefix: string;
  killAtMs: number;
  phase: 'sending' | 'processing' | 'answered' | 'not killed';
  status: number | 'connection error';
  stored: number;
  integrity: string;
}

it(`survives ${ROUNDS} SIGKILLs during ${fmt(EVENTS)}-event uploads: integrity ok, each upload all or nothing`, async () => {
  const t0 = Date.now();
  const dir = workDir('crash');
  const template = benchText(TEAM, EVENTS);
  const file = path.join(dir, 'upload.ndjson');
  const rounds: Round[] = [];
  let dbPath = '';
  let token = '';
  let teamId = 0;
  let groupRounds: Round[] = [];
  let calibrationMs = 0;
  let bytes = 0;

  for (let n = 0; n <= ROUNDS; n++) {
    if (n % GROUP === 0 || !server) {
      await server?.kill();
      dbPath = path.join(dir, `group-${n / GROUP}`, 'loopscope.db');
      server = await Server.start({ dbPath, logFile: path.join(dir, 'server.log') });
      const fx = makeFixtures(dbPath, { teams: [{ slug: TEAM, tokens: [['ingest', 'read']] }] });
      token = fx.tokens[TEAM][0];
      teamId = fx.teamIds[TEAM];
      groupRounds = [];
    } else if (!server.running) {
      server = await Server.start({ dbPath, logFile: path.join(dir, 'server.log') });
    }
    // Round 0 is not killed: it measures how long an upload takes, to spread the kills over it.
    const prefix = `r${String(n).padStart(3, '0')}-`;
    bytes = writeText(file, withIdPrefix(template, TEAM, prefix));
    const killAtMs = n === 0 ? Infinity : Math.round(Math.random() * calibrationMs * 1.25);
    let phase: Round['phase'] = 'sending';
    const started = Date.now();
    const answer = request(`${server.base}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'content-length': bytes },
      body: { file },
      timeoutMs: 600_000,
      onSent: () => {
        if (phase === 'sending') phase = 'processing';
      },
    }).then(
      (a) => {
        phase = 'answered';
        return a;
      },
      () => null,
    );
    let status: Round['status'];
    if (n === 0) {
      const a = await answer;
      calibrationMs = Date.now() - started;
      status = a?.status ?? 'connection error';
      expect(status, a?.body).toBe(200);
      phase = 'not killed';
    } else {
      await Promise.race([answer, new Promise((r) => setTimeout(r, killAtMs))]);
      if ((phase as Round['phase']) === 'answered') await new Promise((r) => setTimeout(r, Math.max(0, killAtMs - (Date.now() - started))));
      const killedIn = phase;
      await server.kill();
      const a = await answer;
      status = a?.status ?? 'connection error';
      phase = killedIn;
    }
    await server.kill();
    const integrity = integrityCheck(dbPath);
    const round: Round = { n, prefix, killAtMs: n === 0 ? 0 : killAtMs, phase, status, stored: 0, integrity };
    groupRounds.push(round);
    rounds.push(round);
    const db = openSqlite(dbPath, true);
    try {
      for (const r of groupRounds) {
        const [lo, hi] = idRange(r.prefix);
        r.stored = (db.prepare('SELECT count(*) AS n FROM events WHERE team_id = ? AND id >= ? AND id < ?').get(teamId, lo, hi) as { n: number }).n;
      }
    } finally {
      db.close();
    }
    expect(integrity, `round ${n}`).toBe('ok');
    for (const r of groupRounds) {
      expect([0, EVENTS], `round ${r.n} (checked after round ${n}): ${r.stored} of ${EVENTS} stored`).toContain(r.stored);
      if (r.status === 200) expect(r.stored, `round ${r.n} was answered 200`).toBe(EVENTS);
    }
  }
  await server?.kill();

  const killed = rounds.filter((r) => r.n > 0);
  const byPhase = (p: Round['phase']) => killed.filter((r) => r.phase === p).length;
  const complete = killed.filter((r) => r.stored === EVENTS).length;
  const partial = rounds.filter((r) => r.stored !== 0 && r.stored !== EVENTS).length;
  const acknowledgedLost = rounds.filter((r) => r.status === 200 && r.stored !== EVENTS).length;
  writeRow('01-crash', {
    order: 1,
    test: 'Crash during ingest (SIGKILL)',
    load: `${ROUNDS} uploads of ${fmt(EVENTS)} events (${mb(bytes)}) each, + 1 calibration`,
    faults: `${killed.length} SIGKILLs of the server's process group at random moments (${byPhase('sending')} while sending, ${byPhase('processing')} while storing, ${byPhase('answered')} after the answer), each followed by a restart`,
    inputs: `${fmt(killed.length * EVENTS)} events sent`,
    result: `integrity_check ok ${rounds.filter((r) => r.integrity === 'ok').length}/${rounds.length}; uploads complete ${complete}, absent ${killed.length - complete}, partial ${partial}`,
    lost: `${acknowledgedLost} acknowledged uploads, ${partial} partial`,
    passed: partial === 0 && acknowledgedLost === 0,
    details: { 'upload time without kill (ms)': calibrationMs },
    seconds: Math.round((Date.now() - t0) / 1000),
  });
});
