/**
 * 2. Contention: 8 uploaders (each its own team and token, small files) and 50 dashboard
 * readers (signed-in team pages and /api/v1/kpis with read tokens) at once on 127.0.0.1 for a
 * bounded time. No request fails (no 5xx, no connection error, no SQLITE_BUSY in the server's
 * log), every accepted event is stored exactly once (per team: accepted = sent = rows), and on
 * SQLite the WAL file, sampled all along, stays under 64 MB.
 *
 * On PostgreSQL two instances share the database (reliability/backends.ts): uploaders and readers
 * are spread over both, as a load balancer would, and at the end both answer the same figures.
 */
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { testBackend } from './backends';
import { idRange, smallEvents } from './events';
import { fileSize, fmt, makeFixtures, mb, percentile, Server, sleep, SOAK, workDir, writeRow } from './harness';

const SECONDS = SOAK ? 600 : 20;
const UPLOADERS = 8;
const READERS = 50;
const EVENTS_PER_UPLOAD = 2_000;
const UPLOAD_PAUSE_MS = SOAK ? 2_000 : 250;
const WAL_LIMIT = 64 * 2 ** 20;

const backend = testBackend();
let servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await s.kill();
});

it(`${backend.name}: ${UPLOADERS} uploaders and ${READERS} readers for ${SECONDS} s: no failure, no loss${backend.name === 'SQLite' ? ', bounded WAL' : ', same figures on every instance'}`, async () => {
  const t0 = Date.now();
  const dir = workDir(`contention-${backend.name.toLowerCase()}`);
  const db = await backend.fresh(dir, 'db');
  const dbPath = db.dbPath;
  // No rate limit here: this test is about the database (rate-limit.test.ts tests the limit).
  for (let i = 0; i < backend.instances; i++) {
    servers.push(await Server.start({ ...db, logFile: path.join(dir, `server-${i}.log`), env: { LOOPSCOPE_RATE_LIMIT_PER_MINUTE: '0' } }));
  }
  const teams = Array.from({ length: UPLOADERS }, (_, i) => `load-${i}`);
  const fx = makeFixtures(db, {
    teams: teams.map((slug) => ({ slug, tokens: [['ingest'], ['read']] })),
    users: [{ email: 'reader@reliability.test', password: 'contention-reader-pw-77', role: 'admin', sessions: 1 }],
  });
  const cookie = `loopscope_session=${fx.sessions['reader@reliability.test'][0]}`;
  /** The instance the k-th request of a client goes to: round robin, as a load balancer. */
  const base = (k: number) => servers[k % servers.length].base;
  const deadline = Date.now() + SECONDS * 1000;
  const statuses: Record<string, Record<number, number>> = { upload: {}, page: {}, api: {} };
  const latency: Record<string, number[]> = { upload: [], page: [], api: [] };
  const failures: string[] = [];
  const sent: number[] = Array(UPLOADERS).fill(0);
  const accepted: number[] = Array(UPLOADERS).fill(0);
  let walMax = 0;
  const walSamples: number[] = [];

  const timed = async (kind: 'upload' | 'page' | 'api', url: string, init: RequestInit) => {
    const t = performance.now();
    try {
      const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(120_000) });
      const text = await res.text();
      latency[kind].push(performance.now() - t);
      statuses[kind][res.status] = (statuses[kind][res.status] ?? 0) + 1;
      if (res.status >= 500 || /SQLITE_BUSY/.test(text)) failures.push(`${kind} ${url}: ${res.status} ${text.slice(0, 200)}`);
      return { status: res.status, text };
    } catch (err) {
      failures.push(`${kind} ${url}: ${(err as Error).message}`);
      return { status: 0, text: '' };
    }
  };

  const uploader = async (i: number) => {
    for (let k = 0; Date.now() < deadline; k++) {
      const body = smallEvents(`u${i}-${k}-`, EVENTS_PER_UPLOAD);
      sent[i] += EVENTS_PER_UPLOAD;
      const r = await timed('upload', `${base(i + k)}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fx.tokens[teams[i]][0]}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      if (r.status === 200) accepted[i] += JSON.parse(r.text).accepted;
      else sent[i] -= EVENTS_PER_UPLOAD; // counted as a failure above; not expected in the table
      await sleep(UPLOAD_PAUSE_MS);
    }
  };
  const reader = async (j: number) => {
    const team = teams[j % UPLOADERS];
    for (let k = 0; Date.now() < deadline; k++) {
      if (j % 2 === 0) await timed('page', `${base(j + k)}/teams/${team}`, { headers: { cookie } });
      else await timed('api', `${base(j + k)}/api/v1/kpis`, { headers: { authorization: `Bearer ${fx.tokens[team][1]}` } });
    }
  };
  const walSampler = async () => {
    if (backend.name !== 'SQLite') return;
    while (Date.now() < deadline + 1000) {
      const size = fileSize(`${dbPath}-wal`);
      walSamples.push(size);
      walMax = Math.max(walMax, size);
      await sleep(250);
    }
  };
  await Promise.all([
    ...Array.from({ length: UPLOADERS }, (_, i) => uploader(i)),
    ...Array.from({ length: READERS }, (_, j) => reader(j)),
    walSampler(),
  ]);

  const stored: number[] = [];
  for (const [i, slug] of teams.entries()) {
    const [lo, hi] = idRange(`u${i}-`);
    stored.push(
      await backend.count(
        db,
        {
          sqlite: 'SELECT count(*) AS n FROM events WHERE team_id = ? AND id >= ? AND id < ?',
          postgres: 'SELECT count(*) AS n FROM events WHERE team_id = $1 AND id >= $2 AND id < $3',
        },
        [fx.teamIds[slug], lo, hi],
      ),
    );
  }
  const totalRows = await backend.count(db, { sqlite: 'SELECT count(*) AS n FROM events', postgres: 'SELECT count(*) AS n FROM events' }, []);
  // Every instance answers the same figures once the load is over.
  const asOf = encodeURIComponent(new Date().toISOString());
  const answers = await Promise.all(
    servers.map(async (s) =>
      Promise.all(teams.map(async (team) => (await fetch(`${s.base}/api/v1/kpis?asOf=${asOf}&team=${team}`, { headers: { authorization: `Bearer ${fx.tokens[team][1]}` } })).text())),
    ),
  );
  const sameFigures = answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]));
  const log = servers.map((s) => s.log()).join('\n');
  for (const s of servers) await s.stop();
  const busyInLog = (log.match(/SQLITE_BUSY/g) ?? []).length;
  const sumSent = sent.reduce((a, b) => a + b, 0);
  const sumAccepted = accepted.reduce((a, b) => a + b, 0);
  const lost = stored.reduce((s, n, i) => s + Math.max(0, accepted[i] - n), 0);
  const doubled = stored.reduce((s, n, i) => s + Math.max(0, n - accepted[i]), 0);
  const requests = Object.values(latency).reduce((s, l) => s + l.length, 0);
  const p95 = (k: string) => fmt(percentile(latency[k], 95));

  const many = backend.instances > 1;
  writeRow(many ? '02b-contention-postgres' : '02-contention', {
    order: many ? 2.5 : 2,
    test: `Contention (8 writers + 50 readers), ${backend.name}${many ? `, ${backend.instances} instances` : ''}`,
    load: `${UPLOADERS} uploaders × ${fmt(EVENTS_PER_UPLOAD)}-event files, ${READERS} readers (${READERS / 2} team pages signed in, ${READERS / 2} /api/v1/kpis) for ${SECONDS} s${many ? ', spread round robin over the instances' : ''}`,
    faults: many ? 'none but the load (concurrent writers on row locks, each upload one transaction)' : 'none but the load (one writer at a time, readers on WAL snapshots)',
    inputs: `${fmt(requests)} requests: ${fmt(latency.upload.length)} uploads (${fmt(sumSent)} events), ${fmt(latency.page.length)} pages, ${fmt(latency.api.length)} API reads`,
    result: `${failures.length} failed requests, 0 × 5xx expected; ${many ? `same /api/v1/kpis figures on every instance: ${sameFigures ? 'yes' : 'NO'}` : `SQLITE_BUSY in log: ${busyInLog}; WAL max ${mb(walMax)} (limit 64 MB)`}; p95 upload ${p95('upload')} ms, page ${p95('page')} ms, API ${p95('api')} ms`,
    lost: `${lost} lost, ${doubled} doubled (${fmt(sumAccepted)} accepted = ${fmt(stored.reduce((a, b) => a + b, 0))} stored)`,
    passed: failures.length === 0 && busyInLog === 0 && lost === 0 && doubled === 0 && walMax < WAL_LIMIT && sameFigures,
    details: {
      'statuses (upload)': JSON.stringify(statuses.upload),
      'statuses (page)': JSON.stringify(statuses.page),
      'statuses (api)': JSON.stringify(statuses.api),
      'p50 upload / page / API (ms)': `${fmt(percentile(latency.upload, 50))} / ${fmt(percentile(latency.page, 50))} / ${fmt(percentile(latency.api, 50))}`,
      'rows in events': totalRows,
    },
    seconds: Math.round((Date.now() - t0) / 1000),
  });
  expect(failures.slice(0, 10)).toEqual([]);
  expect(busyInLog).toBe(0);
  for (let i = 0; i < UPLOADERS; i++) {
    expect(accepted[i], `uploader ${i}`).toBe(sent[i]);
    expect(stored[i], `uploader ${i}: rows = accepted`).toBe(accepted[i]);
  }
  expect(walMax).toBeLessThan(WAL_LIMIT);
  expect(sameFigures, 'every instance answers the same figures').toBe(true);
});
