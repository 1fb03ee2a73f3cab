/**
 * 1. Crash during ingest: SIGKILL the server (its whole process group) at random moments of a
 * large upload — while the body is sent, while the worker stores it, after the answer — then
 * restart it. Each time: the database's structure checks out (SQLite `PRAGMA integrity_check`;
 * PostgreSQL amcheck of every index), and every upload made so far on that database is entirely
 * present or entirely absent (its ids counted), and present when it had been answered 200
 * (acknowledged means durable).
 *
 * On PostgreSQL a second instance shares the database (reliability/backends.ts): it must go on
 * answering while the first is killed, and it sees exactly what the killed one committed.
 *
 * Rounds share a database in groups of GROUP, so a crash is also checked against the uploads
 * committed before it; a new group starts on a fresh database to keep the checks quick.
 */
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { testBackend } from './backends';
import { benchText, idRange, withIdPrefix, writeText } from './events';
import { fmt, makeFixtures, mb, request, Server, SOAK, workDir, writeRow, type TestDb } from './harness';

const backend = testBackend();
/**
 * The quick settings (CI) kill two groups of uploads on SQLite and one on PostgreSQL, whose rounds
 * cost about three SQLite ones (a second instance, amcheck of every index); LOOPSCOPE_SOAK=1 kills 50.
 */
const ROUNDS = SOAK ? 50 : backend.name === 'PostgreSQL' ? 5 : 10;
const EVENTS = SOAK ? 1_000_000 : 100_000;
const GROUP = 5;
const TEAM = 'crash';

let server: Server | null = null;
/** The other instances on the same database (PostgreSQL), never killed. */
let others: Server[] = [];
afterAll(async () => {
  await server?.kill();
  for (const o of others) await o.kill();
});

interface Round {
  n: number;
  prefix: string;
  killAtMs: number;
  phase: 'sending' | 'processing' | 'answered' | 'not killed';
  status: number | 'connection error';
  stored: number;
  integrity: string;
}

it(`${backend.name}: survives ${ROUNDS} SIGKILLs during ${fmt(EVENTS)}-event uploads: integrity ok, each upload all or nothing`, async () => {
  const t0 = Date.now();
  const dir = workDir(`crash-${backend.name.toLowerCase()}`);
  const template = benchText(TEAM, EVENTS);
  const file = path.join(dir, 'upload.ndjson');
  const rounds: Round[] = [];
  let db: TestDb = { dbPath: '' };
  let token = '';
  /** Health checks of the other instances while the first one was down, and how many failed. */
  let otherChecks = 0;
  let otherFailures = 0;
  let teamId = 0;
  let groupRounds: Round[] = [];
  let calibrationMs = 0;
  let bytes = 0;

  for (let n = 0; n <= ROUNDS; n++) {
    if (n % GROUP === 0 || !server) {
      await server?.kill();
      for (const o of others) await o.kill();
      db = await backend.fresh(dir, `group-${n / GROUP}`);
      server = await Server.start({ ...db, logFile: path.join(dir, 'server.log') });
      others = [];
      for (let i = 1; i < backend.instances; i++) others.push(await Server.start({ ...db, logFile: path.join(dir, `server-${i}.log`) }));
      const fx = makeFixtures(db, { teams: [{ slug: TEAM, tokens: [['ingest', 'read']] }] });
      token = fx.tokens[TEAM][0];
      teamId = fx.teamIds[TEAM];
      groupRounds = [];
    } else if (!server.running) {
      server = await Server.start({ ...db, logFile: path.join(dir, 'server.log') });
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
    for (const o of others) {
      otherChecks++;
      const health = await request(`${o.base}/api/health`).catch(() => null);
      if (health?.status !== 200) otherFailures++;
    }
    const integrity = await backend.integrity(db);
    const round: Round = { n, prefix, killAtMs: n === 0 ? 0 : killAtMs, phase, status, stored: 0, integrity };
    groupRounds.push(round);
    rounds.push(round);
    for (const r of groupRounds) {
      const [lo, hi] = idRange(r.prefix);
      r.stored = await backend.count(
        db,
        {
          sqlite: 'SELECT count(*) AS n FROM events WHERE team_id = ? AND id >= ? AND id < ?',
          postgres: 'SELECT count(*) AS n FROM events WHERE team_id = $1 AND id >= $2 AND id < $3',
        },
        [teamId, lo, hi],
      );
    }
    expect(otherFailures, 'the other instance answered while the first was killed').toBe(0);
    expect(integrity, `round ${n}`).toBe('ok');
    for (const r of groupRounds) {
      expect([0, EVENTS], `round ${r.n} (checked after round ${n}): ${r.stored} of ${EVENTS} stored`).toContain(r.stored);
      if (r.status === 200) expect(r.stored, `round ${r.n} was answered 200`).toBe(EVENTS);
    }
  }
  await server?.kill();
  for (const o of others) await o.kill();

  const killed = rounds.filter((r) => r.n > 0);
  const byPhase = (p: Round['phase']) => killed.filter((r) => r.phase === p).length;
  const complete = killed.filter((r) => r.stored === EVENTS).length;
  const partial = rounds.filter((r) => r.stored !== 0 && r.stored !== EVENTS).length;
  const acknowledgedLost = rounds.filter((r) => r.status === 200 && r.stored !== EVENTS).length;
  const check = backend.name === 'SQLite' ? 'integrity_check' : 'amcheck of every index';
  const second = backend.instances > 1 ? `; the second instance answered ${otherChecks - otherFailures}/${otherChecks} health checks while the first was down` : '';
  writeRow(backend.name === 'SQLite' ? '01-crash' : '01b-crash-postgres', {
    order: backend.name === 'SQLite' ? 1 : 1.5,
    test: `Crash during ingest (SIGKILL), ${backend.name}${backend.instances > 1 ? `, ${backend.instances} instances` : ''}`,
    load: `${ROUNDS} uploads of ${fmt(EVENTS)} events (${mb(bytes)}) each, + 1 calibration`,
    faults: `${killed.length} SIGKILLs of the server's process group at random moments (${byPhase('sending')} while sending, ${byPhase('processing')} while storing, ${byPhase('answered')} after the answer), each followed by a restart`,
    inputs: `${fmt(killed.length * EVENTS)} events sent`,
    result: `${check} ok ${rounds.filter((r) => r.integrity === 'ok').length}/${rounds.length}; uploads complete ${complete}, absent ${killed.length - complete}, partial ${partial}${second}`,
    lost: `${acknowledgedLost} acknowledged uploads, ${partial} partial`,
    passed: partial === 0 && acknowledgedLost === 0 && otherFailures === 0 && rounds.every((r) => r.integrity === 'ok'),
    details: { 'upload time without kill (ms)': calibrationMs },
    seconds: Math.round((Date.now() - t0) / 1000),
  });
});
