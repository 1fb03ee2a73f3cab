/**
 * The one way to open the database: pragmas, migrations, drizzle.
 *
 * Pragmas, in this order: busy_timeout before WAL (so the switch itself waits for other
 * connections instead of failing), WAL so readers never wait for the writer,
 * synchronous=FULL so an upload answered "accepted" survives a power cut, not just a
 * process crash, and foreign keys on.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export type SqliteConnection = Database.Database;

const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');

/** Opens (creating if needed) and migrates the database file. */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  if (!options.readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
  const client = new Database(file, { readonly: options.readonly ?? false });
  client.pragma('busy_timeout = 10000');
  if (!options.readonly) client.pragma('journal_mode = WAL');
  client.pragma('synchronous = FULL');
  client.pragma('foreign_keys = ON');
  // A bigger page cache keeps large upload transactions from spilling to the WAL early.
  client.pragma('cache_size = -65536');
  const db = drizzle({ client, schema }) as Db;
  if (!options.readonly) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db;
}

export { schema };
