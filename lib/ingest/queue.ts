/**
 * The request thread's side of the ingest worker: starts it on first use, hands it jobs,
 * relays progress, and fails pending jobs if the worker dies (it is restarted on the next).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { IngestProgress, IngestRequest, IngestResult } from './ingest';
import { DataError, DATA_ERROR_CODE } from '@/lib/data/errors';
import type { WorkerJob, WorkerReply, WriteOperation, WriteResult } from './messages';
import { isStorageErrorCode, SHUTDOWN_CODE } from './storage-errors';

/**
 * An error the storage layer raised (disk full, read-only database, I/O) or the server
 * shutting down: not bad input, not a bug; answered 503 (storage-errors.ts).
 */
export class StorageError extends Error {
  constructor(message: string, readonly code: string | null) {
    super(message);
  }
}

/** Any other failure in the worker (a bug): answered 500 by the route, never taken for storage trouble. */
export class WorkerError extends Error {
  constructor(message: string, readonly code: string | null) {
    super(message);
  }
}

const WORKER_ENTRY = 'lib/ingest/worker-entry.cjs';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  onProgress?: (p: IngestProgress) => void;
}

const state = globalThis as unknown as {
  loopscopeIngest?: {
    worker: Worker | null;
    pending: Map<number, Pending>;
    nextId: number;
    /** Set by beginIngestShutdown(): new uploads are refused (503). */
    shuttingDown: boolean;
    /** Set by closeIngestWorker() during shutdown: every job is refused, no worker is started again. */
    closed: boolean;
    /** Called each time a job settles (drainIngest). */
    onSettled: Set<() => void>;
  };
};

function ingestState() {
  state.loopscopeIngest ??= { worker: null, pending: new Map(), nextId: 1, shuttingDown: false, closed: false, onSettled: new Set() };
  return state.loopscopeIngest;
}

function worker(): Worker {
  const s = ingestState();
  if (s.worker) return s.worker;
  // Resolved at run time from the project root and hidden from the bundler's static
  // analysis: the worker runs the TypeScript sources through tsx, it is not bundled.
  const entry = path.join(/*turbopackIgnore: true*/ process.cwd(), ...WORKER_ENTRY.split('/'));
  const w = new Worker(entry, { execArgv: ['--conditions=react-server'] });
  w.unref();
  w.on('message', (reply: WorkerReply) => {
    const p = s.pending.get(reply.jobId);
    if (!p) return;
    if (reply.kind === 'progress') return p.onProgress?.(reply.progress);
    s.pending.delete(reply.jobId);
    if (reply.kind === 'done') p.resolve(reply.result);
    else if (reply.code === DATA_ERROR_CODE) p.reject(new DataError(reply.message));
    else if (isStorageErrorCode(reply.code)) p.reject(new StorageError(reply.message, reply.code));
    else p.reject(new WorkerError(reply.message, reply.code));
  });
  const failAll = (err: Error) => {
    s.worker = null;
    for (const p of s.pending.values()) p.reject(err);
    s.pending.clear();
  };
  w.on('error', failAll);
  w.on('exit', (code) => failAll(new StorageError(`ingest worker exited with code ${code}`, null)));
  s.worker = w;
  return w;
}

type JobInput = WorkerJob extends infer J ? (J extends WorkerJob ? Omit<J, 'jobId'> : never) : never;

function submit(job: JobInput, onProgress?: (p: IngestProgress) => void) {
  const s = ingestState();
  const jobId = s.nextId++;
  return new Promise<unknown>((resolve, reject) => {
    if (s.shuttingDown && (job.kind === 'ingest' || s.closed)) {
      reject(new StorageError('the server is shutting down', SHUTDOWN_CODE));
      return;
    }
    s.pending.set(jobId, { resolve, reject, onProgress });
    const w = worker();
    w.ref(); // keep the process alive while jobs are pending
    w.postMessage({ ...job, jobId } as WorkerJob);
  }).finally(() => {
    if (s.pending.size === 0) s.worker?.unref();
    for (const f of s.onSettled) f();
  });
}

/** Whether the server is stopping (new uploads get 503). */
export function ingestShuttingDown(): boolean {
  return ingestState().shuttingDown;
}

/** From now on new uploads are refused with a StorageError (SHUTDOWN_CODE); writes still run. */
export function beginIngestShutdown(): void {
  ingestState().shuttingDown = true;
}

/** Resolves true once no job is pending, or false after `timeoutMs`. */
export function drainIngest(timeoutMs: number): Promise<boolean> {
  const s = ingestState();
  if (s.pending.size === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const check = () => {
      if (s.pending.size > 0) return;
      finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      s.onSettled.delete(check);
      resolve(drained);
    };
    s.onSettled.add(check);
  });
}

/**
 * Rolls back the upload the worker is storing (at its next chunk) and refuses the queued ones:
 * their requests get 503 "shutting down". Small writes still run.
 */
export function abortIngest(): void {
  const s = ingestState();
  if (!s.worker) return;
  s.worker.postMessage({ kind: 'abort', jobId: s.nextId++ } satisfies WorkerJob);
}

/** Closes the worker's connection after its queued jobs, then stops the worker. */
export async function closeIngestWorker(timeoutMs = 2000): Promise<void> {
  const s = ingestState();
  if (!s.worker) {
    if (s.shuttingDown) s.closed = true;
    return;
  }
  const closed = submit({ kind: 'close' }).catch(() => {});
  await Promise.race([closed, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  if (s.shuttingDown) s.closed = true;
  await stopIngestWorker();
}

/** Ingests a spooled file in the worker; the file is deleted afterwards when `deleteAfter`. */
export async function ingestFileInWorker(
  file: string,
  request: IngestRequest,
  options: { deleteAfter: boolean; onProgress?: (p: IngestProgress) => void },
): Promise<IngestResult> {
  const result = await submit({ kind: 'ingest', file, deleteAfter: options.deleteAfter, request }, options.onProgress);
  return result as IngestResult;
}

/**
 * Runs a small write in the worker, after any upload in progress, and answers what it made.
 * A write the data layer refused (a conflict, a vanished row) rejects with a DataError.
 */
export async function writeInWorker<O extends WriteOperation>(operation: O): Promise<WriteResult<O>> {
  return (await submit({ kind: 'write', operation })) as WriteResult<O>;
}

/** Stops the worker (tests, shutdown). Pending jobs fail; their transactions roll back. */
export async function stopIngestWorker(): Promise<void> {
  const s = ingestState();
  const w = s.worker;
  s.worker = null;
  if (w) await w.terminate();
}
