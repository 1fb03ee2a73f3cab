/**
 * The one way to open the SQLite database: pragmas, migrations (PostgreSQL: db/postgres.ts).
 *
 * Pragmas, in this order: busy_timeout before WAL (so the switch itself waits for other
 * connections instead of failing), WAL so readers never wait for the writer,
 * synchronous=FULL so an upload answered "accepted" survives a power cut, not just a
 * process crash, and foreign keys on.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { SqliteSql } from './sql';

export type SqliteConnection = Database.Database;

/** The WAL file is kept under this size between uploads (journal_size_limit; the ingest worker's checkpoints). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');

/** Opens (creating if needed) and migrates the database file. */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): SqliteSql {
  if (!options.readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
  const client = new Database(file, { readonly: options.readonly ?? false });
  client.pragma('busy_timeout = 10000');
  if (!options.readonly) client.pragma('journal_mode = WAL');
  client.pragma('synchronous = FULL');
  client.pragma('foreign_keys = ON');
  // A bigger page cache keeps large upload transactions from spilling to the WAL early.
  client.pragma('cache_size = -65536');
  // After a checkpoint has reset the WAL, truncate its file to at most this size (a large upload
  // grows it in one transaction; without a limit the file would keep that size for ever).
  if (!options.readonly) client.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  if (!options.readonly) migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
  return new SqliteSql(client);
}
