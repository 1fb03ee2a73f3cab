/**
 * Where lib/data reads and writes. Reads use this process's connection. On the SQLite server,
 * writes go through the ingest worker, so a request never waits on an upload's write lock
 * (queue.ts); on PostgreSQL, which locks rows rather than the file, and in the CLI and tests
 * (`useDirectWrites`), they go straight to the database.
 */
import type { WriteOperation, WriteResult } from '@/lib/ingest/messages';
import { writeInWorker } from '@/lib/ingest/queue';
import { databaseUrl } from '@/lib/config';
import { getDb, type DbArg } from './connection';
import { applyWrite } from './writes';

export type Writer = <O extends WriteOperation>(operation: O) => Promise<WriteResult<O>>;

export interface DataContext {
  db: DbArg;
  write: Writer;
}

/** Applies writes at once on `db` (the CLI, tests, PostgreSQL). */
export function directWriter(db: DbArg): Writer {
  return async (operation) => applyWrite(await db, operation);
}

const mode = globalThis as unknown as { loopscopeDirectWrites?: boolean };

/** The CLI: there is no server and no worker, so write straight to the database. */
export function useDirectWrites(): void {
  mode.loopscopeDirectWrites = true;
}

export function dataContext(): DataContext {
  const db = getDb();
  return { db, write: mode.loopscopeDirectWrites || databaseUrl() !== null ? directWriter(db) : writeInWorker };
}

/** A context on an explicit database with direct writes (tests). */
export function directContext(db: DbArg): DataContext {
  return { db, write: directWriter(db) };
}
