/**
 * Benchmark child: the limit, a bare parse-and-insert. The file is read in 1 MiB chunks, split
 * into lines, each JSON.parse'd and written at once by a bare better-sqlite3 prepared statement
 * — the events INSERT of lib/data/ingest-store-sqlite.ts, with the rows the ingestion path stores
 * (team_id, id, type, ts in epoch ms, run, upload_id, payload = the JSON line) — into a fresh
 * database with the same schema and pragmas (openDatabase), in one IMMEDIATE transaction. Timed
 * from the first read to the COMMIT: the work any import of the file does, and nothing more.
 *
 *   node --conditions=react-server --import tsx bench/limit-child.ts <file.ndjson> <db> <team>
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { performance } from 'node:perf_hooks';
import { freshDatabase, peakRssMb, report } from './common';

async function main(): Promise<void> {
  const [file, dbFile, teamSlug] = process.argv.slice(2);
  if (!file || !dbFile || !teamSlug) throw new Error('usage: limit-child.ts <file> <db> <team>');
  const { db, team } = await freshDatabase(dbFile, teamSlug);
  const client = db.client;
  const insert = client.prepare(
    `INSERT INTO events (team_id, id, type, ts, run, upload_id, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, id) DO NOTHING`,
  );

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
  let rows = 0;
  let inserted = 0;
  const put = (line: string) => {
    if (!line) return;
    const e = JSON.parse(line) as { id: string; type: string; ts: string; run?: string };
    rows++;
    inserted += insert.run(team.id, e.id, e.type, Date.parse(e.ts), e.run ?? null, uploadId, line).changes;
  };
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = rest + decoder.write(chunk as Buffer);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      put(text.slice(from, nl));
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  put(rest + decoder.end());
  client.exec('COMMIT');
  const seconds = (performance.now() - t0) / 1000;

  const stored = (client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  client.close();
  report({ rows, inserted, stored, seconds, eventsPerSecond: inserted / seconds, peakRssMb: peakRssMb() });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
