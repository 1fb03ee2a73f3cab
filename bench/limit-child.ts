/**
 * Benchmark child: the limit. The rows the ingestion path stores (team_id, id, type, ts in epoch
 * ms, run, upload_id, payload = the JSON line) written into a fresh database with the same schema
 * and pragmas (openDatabase) by a bare better-sqlite3 prepared statement — the events INSERT of
 * lib/data/ingest-store-sqlite.ts — in one IMMEDIATE transaction, timed to its COMMIT:
 *
 * - `stream`: a bare parse-and-insert. The file is read in 1 MiB chunks, split into lines, and
 *   each line JSON.parse'd and inserted at once; timed from the first read: the work any import
 *   of the file does, and nothing more.
 * - `inserts`: the inserts alone, every line read and parsed into memory first (untimed): a
 *   stricter bound, the one earlier runs of this benchmark measured.
 *
 *   node --conditions=react-server --import tsx bench/limit-child.ts stream|inserts <file.ndjson> <db> <team>
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { performance } from 'node:perf_hooks';
import { freshDatabase, peakRssMb, report } from './common';

/** The file's non-empty lines, in order. */
async function* lines(file: string): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = rest + decoder.write(chunk as Buffer);
    const out: string[] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      if (nl > from) out.push(text.slice(from, nl));
      from = nl + 1;
    }
    rest = text.slice(from);
    yield out;
  }
  rest += decoder.end();
  if (rest) yield [rest];
}

type Row = [id: string, type: string, ts: number, run: string | null, payload: string];
const row = (line: string): Row => {
  const e = JSON.parse(line) as { id: string; type: string; ts: string; run?: string };
  return [e.id, e.type, Date.parse(e.ts), e.run ?? null, line];
};

async function main(): Promise<void> {
  const [mode, file, dbFile, teamSlug] = process.argv.slice(2);
  if ((mode !== 'stream' && mode !== 'inserts') || !file || !dbFile || !teamSlug) {
    throw new Error('usage: limit-child.ts stream|inserts <file> <db> <team>');
  }
  const { db, team } = await freshDatabase(dbFile, teamSlug);
  const client = db.client;
  const insert = client.prepare(
    `INSERT INTO events (team_id, id, type, ts, run, upload_id, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, id) DO NOTHING`,
  );
  const preloaded: Row[] = [];
  if (mode === 'inserts') for await (const batch of lines(file)) for (const line of batch) preloaded.push(row(line));

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
  const put = ([id, type, ts, run, payload]: Row) => {
    rows++;
    inserted += insert.run(team.id, id, type, ts, run, uploadId, payload).changes;
  };
  if (mode === 'stream') for await (const batch of lines(file)) for (const line of batch) put(row(line));
  else for (const r of preloaded) put(r);
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
