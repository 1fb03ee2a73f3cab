/**
 * The demo organisation: made on first start when the database is empty (unless
 * LOOPSCOPE_DEMO=off) and rebuilt by `npm run demo`, through the same ingestion path as
 * any upload.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { demoEnabled, spoolDirectory } from '@/lib/config';
import type { Sql } from '@/lib/data/connection';
import { dataContext } from '@/lib/data/context';
import { countTeams, deleteTeams, ensureTeams } from '@/lib/data/teams';
import { ingest } from '@/lib/ingest/ingest';
import { ingestFileInWorker } from '@/lib/ingest/queue';
import { generateDemoEvents } from './generate';
import { DEMO_TEAMS } from './teams';
import { toNdjsonLines } from './wire';

const DEMO_WEEKS = 10;
const demoTeamList = () => DEMO_TEAMS.map((t) => ({ slug: t.slug, name: t.name }));

/** The demo as NDJSON text chunks, ending at `asOf`. */
export async function* demoNdjson(asOf: number): AsyncGenerator<string> {
  let chunk: string[] = [];
  for (const line of toNdjsonLines(generateDemoEvents({ asOf, weeks: DEMO_WEEKS }))) {
    chunk.push(line);
    if (chunk.length === 2000) {
      yield chunk.join('');
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

/** Replaces the demo teams with a fresh demo ending now (CLI: `npm run demo`). */
export async function rebuildDemo(db: Sql, asOf = Date.now()): Promise<{ teams: number; events: number }> {
  const slugs = DEMO_TEAMS.map((t) => t.slug);
  await deleteTeams(slugs, db);
  await ensureTeams(demoTeamList(), db);
  const result = await ingest(db, demoNdjson(asOf), { format: 'ndjson', partial: false, source: 'demo' });
  if (!result.ok) throw new Error(`demo data failed validation: ${JSON.stringify(result.problems.slice(0, 3))}`);
  return { teams: slugs.length, events: result.accepted };
}

/** On server start: fills an empty database with the demo, in the ingest worker. */
export async function seedDemoIfEmpty(db: Sql, asOf = Date.now()): Promise<{ seeded: boolean; events: number }> {
  if (!demoEnabled() || (await countTeams(db)) > 0) return { seeded: false, events: 0 };
  await dataContext().write({ name: 'ensureTeams', teams: demoTeamList() });
  const dir = spoolDirectory();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `demo-${asOf}.ndjson`);
  await pipeline(Readable.from(demoNdjson(asOf)), fs.createWriteStream(file));
  const result = await ingestFileInWorker(file, { format: 'ndjson', partial: false, source: 'demo' }, { deleteAfter: true });
  return { seeded: true, events: result.accepted };
}
