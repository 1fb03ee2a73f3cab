/**
 * Receiving an upload over HTTP, shared by POST /api/v1/events, POST /v1/traces and the upload
 * page: size check, spool to disk, ingest in the worker. Storage failures (disk full, read-only
 * database or filesystem, I/O errors, the server shutting down) come back as 503 with a message
 * that says what happened and that nothing was stored, never as a 500 or as "bad input".
 */
import 'server-only';
import { maxUploadBytes, spoolDirectory } from '@/lib/config';
import type { IngestProgress, IngestRequest, IngestResult } from './ingest';
import { ingestFileInWorker, ingestShuttingDown } from './queue';
import { spoolBody } from './spool';
import { errorCode, isStorageErrorCode, SHUTDOWN_CODE, storageProblem } from './storage-errors';

export type ReceiveOutcome =
  | { ok: true; result: IngestResult }
  | { ok: false; status: number; message: string; retryAfter?: number };

/** Seconds a client is asked to wait after a 503 (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 30;

/** The 503 outcome for storage trouble with `code`, naming the underlying error for the operator. */
export function unavailable(code: string | null, detail?: string): Extract<ReceiveOutcome, { ok: false }> {
  const why = code && code !== SHUTDOWN_CODE ? ` (${code}${detail ? `: ${detail}` : ''})` : '';
  return { ok: false, status: 503, message: `${storageProblem(code)}${why}`, retryAfter: code === SHUTDOWN_CODE ? 5 : RETRY_AFTER_SECONDS };
}

/** Bodies being received, on globalThis: the shutdown handler may live in another server bundle. */
function activeSpools(): Set<AbortController> {
  const g = globalThis as unknown as { loopscopeSpools?: Set<AbortController> };
  g.loopscopeSpools ??= new Set();
  return g.loopscopeSpools;
}

/**
 * Shutdown: stops receiving the bodies still on their way; their requests answer 503 at once
 * (they would be refused at the end anyway), so the server need not wait for slow clients.
 */
export function abortReceiving(): number {
  const active = activeSpools();
  for (const c of active) c.abort();
  return active.size;
}

export async function receiveUpload(
  request: Request,
  job: {
    team: { id: number; slug: string };
    format: IngestRequest['format'];
    partial: boolean;
    source: IngestRequest['source'];
    agent?: string;
    filename?: string | null;
    options?: IngestRequest['options'];
  },
  onProgress?: (p: IngestProgress & { phase: 'receiving' | 'processing' }) => void,
): Promise<ReceiveOutcome> {
  if (ingestShuttingDown()) return unavailable(SHUTDOWN_CODE);
  const limit = maxUploadBytes();
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    return { ok: false, status: 413, message: `upload is larger than the limit of ${limit} bytes` };
  }
  const receiving = new AbortController();
  const active = activeSpools();
  active.add(receiving);
  const spooled = await spoolBody(request.body, {
    directory: spoolDirectory(),
    limitBytes: limit,
    contentEncoding: request.headers.get('content-encoding'),
    signal: receiving.signal,
  }).finally(() => active.delete(receiving));
  if (!spooled.ok) {
    if (spooled.status === 503) return unavailable(spooled.code, spooled.message);
    return spooled;
  }
  try {
    const result = await ingestFileInWorker(
      spooled.file,
      { ...job, totalBytes: spooled.bytes },
      { deleteAfter: true, onProgress: onProgress && ((p) => onProgress({ ...p, phase: 'processing' })) },
    );
    return { ok: true, result };
  } catch (err) {
    // By code, not `instanceof StorageError`: the worker's replies may be turned into errors by
    // the copy of queue.ts in another server bundle (its state lives on globalThis).
    const code = errorCode(err);
    if (isStorageErrorCode(code)) {
      if (code !== SHUTDOWN_CODE) console.error(`Loopscope: upload refused, storage trouble: ${code}: ${(err as Error).message}`);
      return unavailable(code, (err as Error).message);
    }
    throw err;
  }
}
