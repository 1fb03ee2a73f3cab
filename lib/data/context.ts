/**
 * Where lib/data reads and writes. Reads use this process's connection; writes go through the
 * ingest worker on the server, so a request never waits on an upload's write lock (queue.ts),
 * and straight to the database in the CLI and in tests (`directWrites`).
 */
import type { Db } from '@/db/client';
import type { WriteOperation, WriteResult } from '@/lib/ingest/messages';
import { writeInWorker } from '@/lib/ingest/queue';
import { getDb } from './connection';
import { applyWrite } from './writes';

export type Writer = <O extends WriteOperation>(operation: O) => Promise<WriteResult<O>>;

export interface DataContext {
  db: Db;
  write: Writer;
}

/** Applies writes at once on `db` (the CLI, tests). */
export function directWriter(db: Db): Writer {
  return async (operation) => applyWrite(db, operation);
}

const mode = globalThis as unknown as { loopscopeDirectWrites?: boolean };

/** The CLI: there is no server and no worker, so write straight to the database. */
export function useDirectWrites(): void {
  mode.loopscopeDirectWrites = true;
}

export function dataContext(): DataContext {
  const db = getDb();
  return { db, write: mode.loopscopeDirectWrites ? directWriter(db) : writeInWorker };
}

/** A context on an explicit database with direct writes (tests). */
export function directContext(db: Db): DataContext {
  return { db, write: directWriter(db) };
}
