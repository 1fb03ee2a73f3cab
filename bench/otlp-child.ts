/**
 * Benchmark child: one large OTLP export through `ingest()` (as the receiver's worker reads a
 * spooled body), for its peak RSS.
 *
 *   node --conditions=react-server --import tsx bench/otlp-child.ts <body> <db> <team> <json|protobuf>
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ingest } from '@/lib/ingest/ingest';
import { freshDatabase, peakRssMb, report, rssMb } from './common';

async function main(): Promise<void> {
  const [file, dbFile, teamSlug, encoding] = process.argv.slice(2);
  if (!file || !dbFile || !teamSlug || (encoding !== 'json' && encoding !== 'protobuf')) throw new Error('usage: otlp-child.ts <body> <db> <team> <json|protobuf>');
  const { db, team } = await freshDatabase(dbFile, teamSlug);
  const rssBefore = rssMb();
  const t0 = performance.now();
  const result = await ingest(db, fs.createReadStream(file, { highWaterMark: 1 << 20 }), {
    format: 'otlp', team, partial: true, source: 'otlp', totalBytes: fs.statSync(file).size, options: { otlp: { signal: 'traces', encoding } },
  });
  const seconds = (performance.now() - t0) / 1000;
  db.client.close();
  report({ ok: result.ok, accepted: result.accepted, rejected: result.rejectedCount, seconds, rssBeforeMb: rssBefore, peakRssMb: peakRssMb() });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
