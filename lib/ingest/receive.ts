/**
 * Receiving an upload over HTTP, shared by POST /api/v1/events and the upload page:
 * size check, spool to disk, ingest in the worker. Storage failures (disk full, read-only
 * database) come back as 503, never as a 500 or as "bad input".
 */
import 'server-only';
import { maxUploadBytes, spoolDirectory } from '@/lib/config';
import type { IngestProgress, IngestRequest, IngestResult } from './ingest';
import { ingestFileInWorker, StorageError } from './queue';
import { spoolBody } from './spool';

export type ReceiveOutcome =
  | { ok: true; result: IngestResult }
  | { ok: false; status: number; message: string };

export async function receiveUpload(
  request: Request,
  job: {
    team: { id: number; slug: string };
    format: IngestRequest['format'];
    partial: boolean;
    source: IngestRequest['source'];
    filename?: string | null;
    options?: IngestRequest['options'];
  },
  onProgress?: (p: IngestProgress & { phase: 'receiving' | 'processing' }) => void,
): Promise<ReceiveOutcome> {
  const limit = maxUploadBytes();
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    return { ok: false, status: 413, message: `upload is larger than the limit of ${limit} bytes` };
  }
  const spooled = await spoolBody(request.body, {
    directory: spoolDirectory(),
    limitBytes: limit,
    contentEncoding: request.headers.get('content-encoding'),
  });
  if (!spooled.ok) return spooled;
  try {
    const result = await ingestFileInWorker(
      spooled.file,
      { ...job, totalBytes: spooled.bytes },
      { deleteAfter: true, onProgress: onProgress && ((p) => onProgress({ ...p, phase: 'processing' })) },
    );
    return { ok: true, result };
  } catch (err) {
    if (err instanceof StorageError) {
      return { ok: false, status: 503, message: `the database cannot take this upload right now (${err.code ?? 'error'}: ${err.message}); nothing was stored` };
    }
    throw err;
  }
}
