/**
 * Work that only one instance may do at a time (making the demo organisation and the first admin
 * at start). A SQLite database has one instance; on PostgreSQL the others wait on a transaction-
 * scoped advisory lock, then find the work done.
 */
import 'server-only';
import { getDb, type DbArg } from './connection';

export async function runExclusively<T>(name: string, fn: () => Promise<T>, dbArg: DbArg = getDb()): Promise<T> {
  const db = await dbArg;
  if (db.dialect === 'sqlite') return fn();
  const lock = await db.begin();
  try {
    await lock.sql.get('SELECT pg_advisory_xact_lock(hashtext(@name)) AS locked', { name });
    const result = await fn();
    await lock.commit();
    return result;
  } finally {
    await lock.rollback();
  }
}
