/**
 * Benchmark child: the limit. The same rows the ingestion path stores (team_id, id, type, ts in
 * epoch ms, run, upload_id, payload = the JSON line), written into a fresh database with the same
 * schema and pragmas (openDatabase) by a bare better-sqlite3 prepared statement — the events
 * INSERT of lib/data/ingest-store.ts — in one IMMEDIATE transaction.
 *
 * The file is read and parsed into memory first; only the inserts and the COMMIT are timed.
 *
 *   node --conditions=react-server --import tsx bench/limit-child.ts <file.ndjson> <db> <team>
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { freshDatabase, peakRssMb, report } from './common';

async function main(): Promise<void> {
  const [file, dbFile, teamSlug] = process.argv.slice(2);
  if (!file || !dbFile || !teamSlug) throw new Error('usage: limit-child.ts <file> <db> <team>');
  const { db, team } = await freshDatabase(dbFile, teamSlug);
  const client = db.client;

  // Pre-load (untimed): the row values, parsed once.
  const tLoad = performance.now();
  const ids: string[] = [];
  const types: string[] = [];
  const tss: number[] = [];
  const runs: (string | null)[] = [];
  const payloads: string[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const e = JSON.parse(line) as { id: string; type: string; ts: string; run?: string };
    ids.push(e.id);
    types.push(e.type);
    tss.push(Date.parse(e.ts));
    runs.push(e.run ?? null);
    payloads.push(line);
  }
  const loadSeconds = (performance.now() - tLoad) / 1000;

  const insert = client.prepare(
    `INSERT INTO events (team_id, id, type, ts, run, upload_id, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, id) DO NOTHING`,
  );
  const n = ids.length;

  const t0 = performance.now();
  client.exec('BEGIN IMMEDIATE');
  const uploadId = Number(
    client
      .prepare(
        `INSERT INTO uploads (team_id, source, filename, format, bytes, accepted, duplicates, rejected, created_at)
         VALUES (?, 'cli', 'limit', 'ndjson', 0, 0, 0, 0, ?)`,
      )
      .run(team.id, Date.now()).lastInsertRowid,
  );
  let inserted = 0;
  for (let i = 0; i < n; i++) {
    inserted += insert.run(team.id, ids[i], types[i], tss[i], runs[i], uploadId, payloads[i]).changes;
  }
  client.exec('COMMIT');
  const seconds = (performance.now() - t0) / 1000;

  const stored = (client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  client.close();
  report({ rows: n, inserted, stored, seconds, eventsPerSecond: inserted / seconds, loadSeconds, peakRssMb: peakRssMb() });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
