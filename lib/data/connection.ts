/**
 * This process's database, opened and migrated on first use: PostgreSQL when DATABASE_URL names
 * a server, else the SQLite file of DATABASE_PATH. On SQLite, the web server's request thread only
 * reads through it: every write goes through the ingest worker (lib/ingest/queue.ts), so a long
 * upload never blocks a request; PostgreSQL takes writes from anywhere (lib/data/context.ts).
 */
import { openDatabase, type SqliteConnection } from '@/db/client';
import { openPostgres } from '@/db/postgres';
import type { SqliteSql, Sql } from '@/db/sql';
import { databasePath, databaseUrl } from '@/lib/config';

// The rest of lib/ names the connection's types and limits through here, never db/ itself.
export type { SqliteConnection } from '@/db/client';
export type { Dialect, OpenTransaction, Sql, SqlParams } from '@/db/sql';
export { WAL_SIZE_LIMIT_BYTES } from '@/db/client';

interface Open {
  /** DATABASE_URL, or the resolved DATABASE_PATH. */
  target: string;
  db: Promise<Sql>;
  /** The same once open, so that closing on exit needs no await. */
  opened?: Sql;
}

const globalForDb = globalThis as unknown as { loopscopeDb?: Open };

function open(target: string, postgres: boolean): Promise<Sql> {
  return postgres ? openPostgres(target) : Promise.resolve(openDatabase(target));
}

export function getDb(): Promise<Sql> {
  const url = databaseUrl();
  const target = url ?? databasePath();
  const cached = globalForDb.loopscopeDb;
  if (cached && cached.target === target) return cached.db;
  if (cached) void cached.db.then((old) => old.close(), () => {});
  const db = open(target, url !== null);
  const entry: Open = { target, db };
  globalForDb.loopscopeDb = entry;
  db.then((sql) => (entry.opened = sql), () => {});
  // A failed open (a migration refused, a server down) is tried again on the next call.
  db.catch(() => {
    if (globalForDb.loopscopeDb?.db === db) globalForDb.loopscopeDb = undefined;
  });
  return db;
}

/**
 * The better-sqlite3 connection under a SQLite database (backup, the ingest store, the read
 * cache); null on PostgreSQL. Told by the dialect, not `instanceof`: the server's bundles each
 * hold their own copy of db/sql.ts, and the connection one of them opened is shared by all.
 */
export function sqliteClient(db: Sql): SqliteConnection | null {
  return db.dialect === 'sqlite' ? (db as SqliteSql).client : null;
}

/** Closes this process's connection (shutdown; the ingest worker after storage trouble); the next getDb() reopens. */
export async function closeDb(): Promise<void> {
  const cached = globalForDb.loopscopeDb;
  globalForDb.loopscopeDb = undefined;
  if (!cached) return;
  // SQLite closes at once (this may run in a process 'exit' handler, where nothing is awaited).
  if (cached.opened) await cached.opened.close();
  else await cached.db.then((db) => db.close(), () => {});
}

/** What lib/data functions take as their database: one given (tests, the CLI, the worker), or this process's (getDb()). */
export type DbArg = Sql | Promise<Sql>;
