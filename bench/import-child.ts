/**
 * Benchmark child: the ingestion path. Imports an NDJSON file into a fresh database through
 * `ingest()` reading `fs.createReadStream` of the file, exactly as the CLI `import` does.
 * Timed: the `ingest()` call only (parse, validate, insert, entity/rollup upkeep, commit).
 *
 *   node --conditions=react-server --import tsx bench/import-child.ts <file.ndjson> <db> <team>
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ingest } from '@/lib/ingest/ingest';
import { freshDatabase, peakRssMb, report, rssMb } from './common';

async function main(): Promise<void> {
  const [file, dbFile, teamSlug] = process.argv.slice(2);
  if (!file || !dbFile || !teamSlug) throw new Error('usage: import-child.ts <file> <db> <team>');
  const { db, team } = await freshDatabase(dbFile, teamSlug);
  const totalBytes = fs.statSync(file).size;
  const rssBefore = rssMb();

  const t0 = performance.now();
  const result = await ingest(
    db,
    fs.createReadStream(file, { highWaterMark: 1 << 20 }),
    { format: 'ndjson', team, partial: false, source: 'cli', filename: path.basename(file), totalBytes },
  );
  const seconds = (performance.now() - t0) / 1000;
  const peak = peakRssMb();

  const stored = (db.client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  db.client.close();
  report({
    ok: result.ok,
    accepted: result.accepted,
    duplicates: result.duplicates,
    rejected: result.rejectedCount,
    firstProblems: result.problems.slice(0, 3),
    stored,
    seconds,
    eventsPerSecond: result.accepted / seconds,
    rssBeforeMb: rssBefore,
    peakRssMb: peak,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
