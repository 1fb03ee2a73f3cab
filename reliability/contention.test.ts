/**
 * 2. Contention: 8 uploaders (each its own team and token, small files) and 50 dashboard
 * readers (signed-in team pages and /api/v1/kpis with read tokens) at once on 127.0.0.1 for a
 * bounded time. No request fails (no 5xx, no connection error, no SQLITE_BUSY in the server's
 * log), every accepted event is stored exactly once (per team: accepted = sent = rows), and the
 * WAL file, sampled all along, stays under 64 MB.
 */
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { idRange, smallEvents } from './events';
import { fileSize, fmt, makeFixtures, mb, openSqlite, percentile, Server, sleep, SOAK, workDir, writeRow } from './harness';

const SECONDS = SOAK ? 600 : 30;
const UPLOADERS = 8;
const READERS = 50;
const EVENTS_PER_UPLOAD = 2_000;
const UPLOAD_PAUSE_MS = SOAK ? 2_000 : 250;
const WAL_LIMIT = 64 * 2 ** 20;

let server: Server | null = null;
afterAll(async () => server?.kill());

it(`${UPLOADERS} uploaders and ${READERS} readers for ${SECONDS} s: no failure, no loss, bounded WAL`, async () => {
  const t0 = Date.now();
  const dir = workDir('contention');
  const dbPath = path.join(dir, 'db', 'loopscope.db');
  // No rate limit here: this test is about the database (rate-limit.test.ts tests the limit).
  server = await Server.start({ dbPath, logFile: path.join(dir, 'server.log'), env: { LOOPSCOPE_RATE_LIMIT_PER_MINUTE: '0' } });
  const teams = Array.from({ length: UPLOADERS }, (_, i) => `load-${i}`);
  const fx = makeFixtures(dbPath, {
    teams: teams.map((slug) => ({ slug, tokens: [['ingest'], ['read']] })),
    users: [{ email: 'reader@reliability.test', password: 'contention-reader-pw-77', role: 'admin', sessions: 1 }],
  });
  const cookie = `loopscope_session=${fx.sessions['reader@reliability.test'][0]}`;
  const base = server.base;
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
      const r = await timed('upload', `${base}/api/v1/events`, {
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
    while (Date.now() < deadline) {
      if (j % 2 === 0) await timed('page', `${base}/teams/${team}`, { headers: { cookie } });
      else await timed('api', `${base}/api/v1/kpis`, { headers: { authorization: `Bearer ${fx.tokens[team][1]}` } });
    }
  };
  const walSampler = async () => {
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

  const db = openSqlite(dbPath, true);
  const stored = teams.map((slug, i) => {
    const [lo, hi] = idRange(`u${i}-`);
    return (db.prepare('SELECT count(*) AS n FROM events WHERE team_id = ? AND id >= ? AND id < ?').get(fx.teamIds[slug], lo, hi) as { n: number }).n;
  });
  const totalRows = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  db.close();
  const log = server.log();
  await server.stop();
  const busyInLog = (log.match(/SQLITE_BUSY/g) ?? []).length;
  const sumSent = sent.reduce((a, b) => a + b, 0);
  const sumAccepted = accepted.reduce((a, b) => a + b, 0);
  const lost = stored.reduce((s, n, i) => s + Math.max(0, accepted[i] - n), 0);
  const doubled = stored.reduce((s, n, i) => s + Math.max(0, n - accepted[i]), 0);
  const requests = Object.values(latency).reduce((s, l) => s + l.length, 0);
  const p95 = (k: string) => fmt(percentile(latency[k], 95));

  writeRow('02-contention', {
    order: 2,
    test: 'Contention (8 writers + 50 readers)',
    load: `${UPLOADERS} uploaders × ${fmt(EVENTS_PER_UPLOAD)}-event files, ${READERS} readers (${READERS / 2} team pages signed in, ${READERS / 2} /api/v1/kpis) for ${SECONDS} s`,
    faults: 'none but the load (one writer at a time, readers on WAL snapshots)',
    inputs: `${fmt(requests)} requests: ${fmt(latency.upload.length)} uploads (${fmt(sumSent)} events), ${fmt(latency.page.length)} pages, ${fmt(latency.api.length)} API reads`,
    result: `${failures.length} failed requests, 0 × 5xx expected; SQLITE_BUSY in log: ${busyInLog}; WAL max ${mb(walMax)} (limit 64 MB); p95 upload ${p95('upload')} ms, page ${p95('page')} ms, API ${p95('api')} ms`,
    lost: `${lost} lost, ${doubled} doubled (${fmt(sumAccepted)} accepted = ${fmt(stored.reduce((a, b) => a + b, 0))} stored)`,
    passed: failures.length === 0 && busyInLog === 0 && lost === 0 && doubled === 0 && walMax < WAL_LIMIT,
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
});
