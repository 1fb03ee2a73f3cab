/**
 * The server's own database for in-process route-handler tests: this process's connection
 * (DATABASE_PATH / DATABASE_URL) pointed at a fresh test database (the real connection and ingest
 * worker then use it) with team `acme` (id 1); `close` stops the worker, closes the connection,
 * restores the environment and removes the database.
 */
import { closeDb, getDb } from '@/lib/data/connection';
import { ensureTeams } from '@/lib/data/teams';
import { stopIngestWorker } from '@/lib/ingest/queue';
import { tempDatabase } from './db';

export async function serverDatabase() {
  const t = await tempDatabase();
  const saved = { DATABASE_PATH: process.env.DATABASE_PATH, DATABASE_URL: process.env.DATABASE_URL };
  process.env.DATABASE_PATH = t.env.DATABASE_PATH;
  if (t.env.DATABASE_URL) process.env.DATABASE_URL = t.env.DATABASE_URL;
  else delete process.env.DATABASE_URL;
  const db = await getDb();
  await ensureTeams([{ slug: 'acme', name: 'Acme' }], db);
  const close = async () => {
    await stopIngestWorker();
    await closeDb();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await t.db.close().catch(() => {});
    await t.cleanup();
  };
  return { dir: t.dir, db, close };
}
