/**
 * The one ingestion path (API, upload page, CLI, demo): stream → parse and validate →
 * store, all in one transaction per upload. An event's payload is its JSON text as sent
 * (CSV rows: the JSON of their validated fields); the `ts` column holds its UTC time.
 *
 * Validation and storage share a single pass: events are written as they are checked, and
 * if any event is bad (and `partial` is off) the transaction is rolled back, so nothing is
 * stored; reading the input twice would cost more than the rare rollback.
 */
import type { SqliteConnection } from '@/db/client';
import { IngestTransaction, teamIdsBySlug } from '@/lib/data/ingest-store';
import { createEventParser, type ParsedItem } from '@/lib/events/parse';
import type { InputFormat, Problem } from '@/lib/events/types';
import { EntityDeltas } from './deltas';

/** Problems listed in an answer; the rest are only counted. */
export const MAX_LISTED_PROBLEMS = 1000;
/** Events folded in memory before their entity deltas are merged into the tables. */
const DELTA_BATCH = 20_000;

export interface IngestRequest {
  format: InputFormat;
  /** The team the request fixes (API token, upload page, CLI `--team`); else events name theirs. */
  team?: { id: number; slug: string };
  partial: boolean;
  source: 'api' | 'upload' | 'cli' | 'demo';
  filename?: string | null;
  /** Size of the input when known, for progress. */
  totalBytes?: number;
}

export interface IngestProgress {
  bytesRead: number;
  totalBytes: number | null;
  events: number;
}

export interface IngestResult {
  /** False when the upload was refused whole (some event bad and `partial` off). */
  ok: boolean;
  accepted: number;
  duplicates: number;
  /** Count of bad events (all of them, even past the listing limit). */
  rejectedCount: number;
  /** The problems, at most MAX_LISTED_PROBLEMS of them. */
  problems: Problem[];
  bytes: number;
  uploadId: number | null;
}

export async function ingest(
  db: SqliteConnection,
  input: AsyncIterable<Uint8Array | string>,
  request: IngestRequest,
  onProgress?: (p: IngestProgress) => void,
  now: () => number = Date.now,
): Promise<IngestResult> {
  const teamIds = request.team ? null : teamIdsBySlug(db);
  const parser = createEventParser(request.format, { fixedTeam: request.team?.slug });
  let bytes = 0;
  const tx = new IngestTransaction(db);
  const deltas = new EntityDeltas();
  const problems: Problem[] = [];
  let rejectedCount = 0;
  let badEvents = 0;
  let accepted = 0;
  let duplicates = 0;
  let seen = 0;
  const reject = (found: Problem[]) => {
    rejectedCount++;
    for (const p of found) if (problems.length < MAX_LISTED_PROBLEMS) problems.push(p);
  };

  tx.begin(
    { teamId: request.team?.id ?? null, source: request.source, filename: request.filename ?? null, format: request.format },
    request.totalBytes ?? 0,
    now(),
  );
  const handle = (item: ParsedItem) => {
    seen++;
    if (item.problems) {
      badEvents++;
      reject(item.problems);
      return;
    }
    const event = item.event!;
    const teamId = request.team?.id ?? teamIds!.get(event.team!);
    if (teamId === undefined) {
      badEvents++;
      reject([{ line: item.line, ...(item.index !== undefined && { index: item.index }), field: 'team', message: `unknown team '${event.team}'` }]);
      return;
    }
    // Once the upload is refused whole, keep validating but stop writing.
    if (badEvents > 0 && !request.partial) return;
    if (tx.addEvent(teamId, event.id, event.type, event.ts, event.run ?? null, item.source ?? JSON.stringify(event))) {
      accepted++;
      deltas.add(teamId, event);
      if (deltas.count >= DELTA_BATCH) tx.applyDeltas(deltas);
    } else {
      duplicates++;
    }
  };
  const progress = () => onProgress?.({ bytesRead: bytes, totalBytes: request.totalBytes ?? null, events: seen });
  try {
    // Each chunk is parsed and stored synchronously: one await per chunk, not per event.
    for await (const chunk of input) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      for (const item of parser.push(chunk)) handle(item);
      progress();
    }
    for (const item of parser.end()) handle(item);
    if (badEvents > 0 && !request.partial) {
      tx.rollback();
      return { ok: false, accepted: 0, duplicates: 0, rejectedCount, problems, bytes, uploadId: null };
    }
    tx.applyDeltas(deltas);
    tx.commit({ accepted, duplicates, rejected: rejectedCount }, bytes);
    progress();
    return { ok: true, accepted, duplicates, rejectedCount, problems, bytes, uploadId: tx.uploadId };
  } catch (err) {
    tx.rollback();
    throw err;
  }
}
