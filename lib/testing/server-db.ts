/**
 * The server's own database for in-process route-handler tests: this process's connection
 * (DATABASE_PATH / DATABASE_URL) pointed at a fresh test database (the real connection and ingest
 * worker then use it) with team `acme` (id 1); `close` stops the worker, closes the connection,
 * restores the environment and removes the database.
 */
import { closeDb, getDb } from '@/lib/data/connection';
import { ensureTeams } from '@/lib/data/teams';
import { stopIngestWorker } from '@/lib/ingest/queue';
import { pointServerAt, tempDatabase } from './db';

export async function serverDatabase() {
  const t = await tempDatabase();
  const restore = pointServerAt(t);
  const db = await getDb();
  await ensureTeams([{ slug: 'acme', name: 'Acme' }], db);
  const close = async () => {
    await stopIngestWorker();
    await closeDb();
    restore();
    await t.cleanup();
  };
  return { dir: t.dir, db, close };
}
