/**
 * 3. Backup under load: `npm run cli -- backup <path>` while the server takes ~100 events a
 * second through the API. The copy passes integrity_check and holds every event acknowledged
 * (answered 200) before the backup began; then it is restored as the README says (stop the
 * server, put the file in place of DATABASE_PATH, no -wal/-shm beside it) and served.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { benchText, smallEvents } from './events';
import { cliAsync, fmt, integrityCheck, makeFixtures, mb, openSqlite, request, Server, sleep, SOAK, workDir, writeRow } from './harness';

const PRELOAD = SOAK ? 1_000_000 : 200_000;
const TEAM = 'bk';

let server: Server | null = null;
afterAll(async () => server?.kill());

it('a backup taken during writes is consistent, holds every event acknowledged before it, and restores', async () => {
  const t0 = Date.now();
  const dir = workDir('backup');
  const dbPath = path.join(dir, 'db', 'loopscope.db');
  const logFile = path.join(dir, 'server.log');
  server = await Server.start({ dbPath, logFile, env: { LOOPSCOPE_RATE_LIMIT_PER_MINUTE: '0' } });
  const fx = makeFixtures(dbPath, { teams: [{ slug: TEAM, tokens: [['ingest', 'read']] }] });
  const token = fx.tokens[TEAM][0];
  const teamId = fx.teamIds[TEAM];
  // A database of some size, so the backup takes a while.
  const pre = await request(`${server.base}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body: benchText(TEAM, PRELOAD),
  });
  expect(pre.status).toBe(200);

  // ~100 events a second: 20 requests a second of 5 events each, acknowledged ids timed.
  const acked: { id: string; at: number }[] = [];
  let writing = true;
  let k = 0;
  let failed = 0;
  const writer = (async () => {
    while (writing) {
      const prefix = `w${k++}-`;
      const t = Date.now();
      try {
        const res = await fetch(`${server!.base}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
          body: smallEvents(prefix, 5),
        });
        await res.text();
        if (res.status === 200) for (let i = 0; i < 5; i++) acked.push({ id: `${prefix}${i}`, at: Date.now() });
        else failed++;
      } catch {
        failed++;
      }
      await sleep(Math.max(0, 50 - (Date.now() - t)));
    }
  })();
  await sleep(2_000);
  const backupFile = path.join(dir, 'backups', 'loopscope-backup.db');
  const began = Date.now();
  const backup = await cliAsync(dbPath, ['backup', backupFile]);
  const backupMs = Date.now() - began;
  await sleep(1_000);
  writing = false;
  await writer;
  expect(backup.status, backup.stderr).toBe(0);

  const integrity = integrityCheck(backupFile);
  expect(integrity).toBe('ok');
  const before = acked.filter((a) => a.at < began);
  const after = acked.filter((a) => a.at >= began + backupMs);
  const copy = openSqlite(backupFile, true);
  const has = copy.prepare('SELECT 1 FROM events WHERE team_id = ? AND id = ?');
  const missing = before.filter((a) => !has.get(teamId, a.id));
  const copyRows = (copy.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  copy.close();
  expect(missing.map((m) => m.id)).toEqual([]);
  const live = openSqlite(dbPath, true);
  const liveRows = (live.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  live.close();

  // Restore (README, Admin CLI): stop the server, put the copy in place, start it again.
  await server.stop();
  const restoredPath = path.join(dir, 'restored', 'loopscope.db');
  fs.mkdirSync(path.dirname(restoredPath), { recursive: true });
  fs.copyFileSync(backupFile, restoredPath);
  server = await Server.start({ dbPath: restoredPath, logFile });
  const kpis = await request(`${server.base}/api/v1/kpis`, { headers: { authorization: `Bearer ${token}` } });
  expect(kpis.status).toBe(200);
  const again = await request(`${server.base}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body: smallEvents('after-restore-', 10),
  });
  expect(again.status).toBe(200);
  await server.stop();
  const restored = openSqlite(restoredPath, true);
  const restoredRows = (restored.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  restored.close();
  expect(restoredRows).toBe(copyRows + 10);
  expect(integrityCheck(restoredPath)).toBe('ok');

  writeRow('03-backup', {
    order: 3,
    test: 'Backup under load',
    load: `${fmt(PRELOAD)} events stored first (${mb(fs.statSync(backupFile).size)} copy), then ~100 events/s: ${fmt(acked.length)} events in ${k} requests of 5 at 20 req/s around the backup`,
    faults: `\`npm run cli -- backup\` (${fmt(backupMs)} ms) while writes go on; restore of the copy`,
    inputs: `${fmt(before.length)} events acknowledged before the backup began, ${fmt(after.length)} after it ended`,
    result: `integrity_check ${integrity}; all ${fmt(before.length)} acknowledged-before events in the copy (${fmt(copyRows)} rows; live ${fmt(liveRows)}); restored copy served and took writes (${fmt(restoredRows)} rows); ${failed} failed writes`,
    lost: `${missing.length}`,
    passed: missing.length === 0 && integrity === 'ok' && failed === 0,
    seconds: Math.round((Date.now() - t0) / 1000),
  });
  expect(failed).toBe(0);
});
