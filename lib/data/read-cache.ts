/**
 * Page reads remembered while the database stays as it was (the overview and team
 * pages at 1M events), on SQLite only. What was read is valid as long as the connection sees the
 * same database: `PRAGMA data_version` changes when any other connection (this process's ingest
 * worker, another instance on the same file) commits, and `total_changes()` when this one
 * writes. So the token is exact across instances, and nothing needs telling when data changes.
 * On PostgreSQL nothing is remembered: instances share no such counter (each read goes to the
 * database as before).
 *
 * Entries hold only what pages ask with `pageNow()`-rounded windows (the API keeps its
 * "now"), keyed by the caller with the viewer; a hit is a copy, so a caller may change it.
 */
import 'server-only';
import type { SqliteConnection } from '@/db/client';
import { getDb, sqliteClient, type DbArg, type Sql } from './connection';

const MAX_ENTRIES = 64;
const MINUTE = 60_000;

const entries = new Map<string, { token: string; value: unknown }>();
/** Per connection: a number of its own (tokens of two databases never meet) and its total_changes(). */
const connections = new WeakMap<SqliteConnection, { id: number; changes: () => number }>();
let connectionCount = 0;

/**
 * The time pages read at: now, rounded up to the minute, so that their reads can be remembered
 * for that minute. Up, so that what was just stored (its time now) is in the window at once.
 */
export function pageNow(now = Date.now()): number {
  return Math.ceil(now / MINUTE) * MINUTE;
}

/** The state the connection sees, or null when reads cannot be remembered (PostgreSQL, a transaction open). */
function stateToken(db: Sql): string | null {
  const client = sqliteClient(db);
  if (!client || client.inTransaction) return null; // inside a transaction: changes not yet committed
  let c = connections.get(client);
  if (!c) {
    const statement = client.prepare('SELECT total_changes()').pluck();
    c = { id: ++connectionCount, changes: () => statement.get() as number };
    connections.set(client, c);
  }
  return `${c.id}:${client.pragma('data_version', { simple: true })}:${c.changes()}`;
}

/** `read()`, or what it gave last for `key` while the database has not changed since. */
export async function cachedRead<T>(key: string, read: () => Promise<T>, dbArg: DbArg = getDb()): Promise<T> {
  const db = await dbArg;
  const token = stateToken(db);
  if (token === null) return read();
  const hit = entries.get(key);
  if (hit?.token === token) {
    entries.delete(key); // most recently used last
    entries.set(key, hit);
    return structuredClone(hit.value) as T;
  }
  const value = await read();
  if (stateToken(db) !== token) return value; // changed while reading: no one state to remember it for
  entries.delete(key);
  entries.set(key, { token, value: structuredClone(value) });
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  return value;
}
