/**
 * `npm run cli -- backup <path>`: a consistent copy of the live SQLite database. A PostgreSQL
 * database is backed up with PostgreSQL's own tools (pg_dump), which Loopscope does not wrap.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { getDb, sqliteClient } from './connection';
import { DataError } from './errors';

/** Copies the database to `target` (a new file) and checks the copy; returns its absolute path. */
export async function backupDatabase(target: string): Promise<string> {
  const client = sqliteClient(await getDb());
  if (!client) {
    throw new DataError('the database is PostgreSQL (DATABASE_URL): back it up with pg_dump, e.g. pg_dump --format=custom --file=loopscope.dump "$DATABASE_URL"');
  }
  if (fs.existsSync(target)) throw new DataError(`${target} already exists; choose a new path`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  // The online backup API, copying every page in one step: one read transaction, so the copy
  // is the database as of that moment (every commit before it, none after) while the server
  // goes on writing. In smaller steps, each write by the server would restart the copy.
  await client.backup(target, { progress: () => 0x7fffffff });
  const check = new Database(target);
  try {
    const verdict = check.pragma('integrity_check', { simple: true });
    if (verdict !== 'ok') throw new Error(`the copy at ${target} fails integrity_check: ${String(verdict)}`);
  } finally {
    check.close();
  }
  return path.resolve(target);
}
