/**
 * This process's connection to the database named by DATABASE_PATH, opened and migrated on
 * first use. The web server's request thread only reads through it: every write goes through
 * the ingest worker (lib/ingest/queue.ts), so a long upload never blocks a request.
 */
import { openDatabase, type Db } from '@/db/client';
import { databasePath } from '@/lib/config';

// The rest of lib/ names the connection's types and limits through here, never db/ itself.
export type { Db, SqliteConnection } from '@/db/client';
export { WAL_SIZE_LIMIT_BYTES } from '@/db/client';

const globalForDb = globalThis as unknown as { loopscopeDb?: { file: string; db: Db } };

export function getDb(): Db {
  const file = databasePath();
  const cached = globalForDb.loopscopeDb;
  if (cached && cached.file === file) return cached.db;
  cached?.db.$client.close();
  const db = openDatabase(file);
  globalForDb.loopscopeDb = { file, db };
  return db;
}

/** Closes this process's connection (shutdown; the ingest worker after storage trouble); the next getDb() reopens. */
export function closeDb(): void {
  const cached = globalForDb.loopscopeDb;
  globalForDb.loopscopeDb = undefined;
  cached?.db.$client.close();
}
