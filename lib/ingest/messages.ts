/** Messages between the request thread (queue.ts) and the ingest worker (worker.ts). */
import type { IngestProgress, IngestRequest, IngestResult } from './ingest';

export type WorkerJob =
  | { kind: 'ingest'; jobId: number; file: string; deleteAfter: boolean; request: IngestRequest }
  | { kind: 'write'; jobId: number; operation: WriteOperation };

/** Small writes that must not race the upload transaction: they queue behind it. */
export type WriteOperation =
  | { name: 'touchToken'; tokenId: number; at: number }
  | { name: 'deleteTeams'; slugs: string[] }
  | { name: 'ensureTeams'; teams: { slug: string; name: string }[] };

export type WorkerReply =
  | { kind: 'progress'; jobId: number; progress: IngestProgress }
  | { kind: 'done'; jobId: number; result: IngestResult | null }
  | { kind: 'failed'; jobId: number; message: string; code: string | null };
