/**
 * The ingest worker: one thread, one connection, one job at a time. Parsing a large upload takes
 * seconds of CPU (and better-sqlite3 writes synchronously), so doing it here keeps the request
 * thread free; SQLite's WAL lets that thread go on reading while this one writes. On PostgreSQL
 * the worker stores uploads the same way, through a pool of its own.
 *
 * Storage trouble (disk full, read-only file, I/O error) fails the job with its code, which the
 * request thread turns into a 503 (storage-errors.ts); the transaction has rolled back, and the
 * connection is closed so that the next job opens a fresh one (the disk may have room again).
 * On shutdown, an `abort` rolls back the upload in progress and refuses the queued ones.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { closeDb, getDb, sqliteClient, WAL_SIZE_LIMIT_BYTES, type SqliteConnection } from '@/lib/data/connection';
import { applyWrite } from '@/lib/data/writes';
import { ingestFile } from './ingest';
import type { WorkerJob, WorkerReply } from './messages';
import { errorCode, isStorageErrorCode, SHUTDOWN_CODE } from './storage-errors';

// Pages stay responsive during a large upload: on Linux a thread has a nice value of its own
// (setpriority of thread id 0 is the calling thread), so the request thread keeps its share of
// the CPU while this one parses. Elsewhere this lowers the whole process, or is refused.
try {
  os.setPriority(10);
} catch {
  // not allowed here: run at the normal priority
}

const port = parentPort!;
const post = (reply: WorkerReply) => port.postMessage(reply);
let queue: Promise<void> = Promise.resolve();
const abort = new AbortController();

port.on('message', (job: WorkerJob) => {
  if (job.kind === 'abort') {
    abort.abort();
    post({ kind: 'done', jobId: job.jobId, result: null });
    return;
  }
  queue = queue.then(() => run(job));
});

/** WAL size past which the worker checkpoints after an upload (half of journal_size_limit). */
const CHECKPOINT_AT_BYTES = WAL_SIZE_LIMIT_BYTES / 2;

/**
 * SQLite's automatic checkpoints are passive: while readers keep reading (dashboards under load)
 * they may never get to reset the WAL, which then grows without bound (checkpoint starvation).
 * After an upload, when the WAL has grown past CHECKPOINT_AT_BYTES, the worker (the only writer)
 * checkpoints with TRUNCATE, waiting at most 2 s for readers; if they do not let it, the next
 * upload tries again.
 */
function checkpointIfLarge(client: SqliteConnection): void {
  let size = 0;
  try {
    size = fs.statSync(`${client.name}-wal`).size;
  } catch {
    return;
  }
  if (size < CHECKPOINT_AT_BYTES) return;
  try {
    client.pragma('busy_timeout = 2000');
    client.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // busy or failing: the next upload tries again
  } finally {
    client.pragma('busy_timeout = 10000');
  }
}

async function run(job: WorkerJob): Promise<void> {
  try {
    if (job.kind === 'close') {
      await closeDb();
      post({ kind: 'done', jobId: job.jobId, result: null });
      return;
    }
    if (job.kind === 'abort') return;
    if (abort.signal.aborted && job.kind === 'ingest') {
      if (job.deleteAfter) fs.rm(job.file, { force: true }, () => {});
      post({ kind: 'failed', jobId: job.jobId, message: 'the server is shutting down', code: SHUTDOWN_CODE });
      return;
    }
    const db = await getDb();
    if (job.kind === 'write') {
      const result = await applyWrite(db, job.operation);
      post({ kind: 'done', jobId: job.jobId, result: result ?? null });
      return;
    }
    try {
      // A zip archive is read as the files it holds (lib/importers/sources.ts).
      const result = await ingestFile(
        db,
        job.file,
        job.request,
        (progress) => post({ kind: 'progress', jobId: job.jobId, progress }),
        Date.now,
        abort.signal,
      );
      post({ kind: 'done', jobId: job.jobId, result });
      const client = sqliteClient(db);
      if (client) checkpointIfLarge(client);
    } finally {
      if (job.deleteAfter) fs.rm(job.file, { force: true }, () => {});
    }
  } catch (err) {
    const code = errorCode(err);
    if (isStorageErrorCode(code) && code !== SHUTDOWN_CODE) {
      // Start over with a fresh connection on the next job: after a full disk or an I/O error
      // the old one may hold a stale state; reopening also re-checks the file is writable.
      try {
        await closeDb();
      } catch {
        // closing a broken connection may fail too; it is dropped either way
      }
    }
    post({ kind: 'failed', jobId: job.jobId, message: (err as Error).message, code });
  }
}
