/**
 * The one ingestion path (API, upload page, CLI, demo, importers, webhooks): stream → parse
 * and validate → store, all in one transaction per upload. An event is stored as validated
 * (lib/events/canonical.ts), whatever form it came in (NDJSON, JSON, CSV, an importer's object).
 *
 * Validation and storage share a single pass: events are written as they are checked, and
 * if any event is bad (and `partial` is off) the transaction is rolled back, so nothing is
 * stored; reading the input twice would cost more than the rare rollback.
 *
 * An upload is one input, or several named files (a directory, a zip: lib/importers/sources.ts)
 * read in turn into the same transaction; their problems name the file. Importer formats
 * (lib/importers) parse foreign sources into events-v1 behind the same parser interface.
 */
import fs from 'node:fs';
import type { Sql } from '@/lib/data/connection';
import { findChangeByTitle, findDefect, getImportSettings, recordDelivery } from '@/lib/data/import-settings';
import { openIngestStore, teamIdsBySlug, type TeamEvent } from '@/lib/data/ingest-store';
import type { EventParser, ParsedItem } from '@/lib/events/parse';
import type { Problem } from '@/lib/events/types';
import { createParser, detectImportFormat, isImporterFormat, type ImportFormat, type ImportOptions } from '@/lib/importers';
import { fileKind, SourceError, zipSource, type MultiFileInput } from '@/lib/importers/sources';
import { EntityDeltas } from './deltas';
import { SHUTDOWN_CODE } from './storage-errors';

/** Problems listed in an answer; the rest are only counted. */
export const MAX_LISTED_PROBLEMS = 1000;
/** Events folded in memory before their entity deltas are merged into the tables. */
const DELTA_BATCH = 20_000;
/** Valid events held before they are stored. */
const EVENT_BATCH = 5_000;
/**
 * Batches (and delta merges) sent to the store and not yet answered: while PostgreSQL stores one,
 * this process parses the next (SQLite stores synchronously, so there nothing waits).
 */
const BATCHES_IN_FLIGHT = 2;
/** Times an upload is tried again when PostgreSQL aborted it to break a deadlock with another. */
const DEADLOCK_RETRIES = 3;

/** Options of the importer formats that a request may carry (plain data: it crosses to the worker). */
export type IngestImportOptions = Pick<ImportOptions, 'repoMap' | 'bugLabel' | 'githubEvent' | 'receivedAt' | 'otlp'>;

export interface IngestRequest {
  /** `auto`: told from the first file's name and first bytes (lib/importers/detect.ts). */
  format: ImportFormat | 'auto';
  /** The team the request fixes (API token, upload page, CLI `--team`); else events name theirs. */
  team?: { id: number; slug: string };
  partial: boolean;
  source: 'api' | 'upload' | 'cli' | 'demo' | 'webhook' | 'hook' | 'otlp';
  /** The agent that sent the request (hooks, OTLP), recorded with the upload. */
  agent?: string;
  filename?: string | null;
  /** Size of the input when known, for progress. */
  totalBytes?: number;
  /** Importer options; the team's stored settings (repo mapping, bug label) fill what is absent. */
  options?: IngestImportOptions;
  /** A webhook delivery: recorded in the same transaction, and a second one with the same id stores nothing. */
  delivery?: { id: string; event: string };
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
  /** The format that was read (what `auto` resolved to). */
  format?: ImportFormat;
  /** Files read, for a multi-file upload. */
  files?: number;
  /** The request's webhook delivery had been processed before: nothing was stored this time. */
  duplicateDelivery?: boolean;
  /**
   * Why the input as a whole could not be read (its format, a broken array or archive, a CSV
   * header naming no event field), when that is why it was refused: no event in it is at fault,
   * and storing the valid ones (`partial`) would not help.
   */
  unreadable?: string;
}

type Chunks = AsyncIterable<Uint8Array | string>;

/** One input, or several named files read in turn (a directory, a zip). */
export type IngestInput = Chunks | MultiFileInput;

function isMultiFile(input: IngestInput): input is MultiFileInput {
  return typeof (input as MultiFileInput).files === 'object' && Array.isArray((input as MultiFileInput).files);
}

/**
 * Ingests a file on disk (a spooled upload, a CLI argument): a zip archive is read as the
 * files it holds, anything else as one input.
 */
export async function ingestFile(
  db: Sql,
  file: string,
  request: IngestRequest,
  onProgress?: (p: IngestProgress) => void,
  now: () => number = Date.now,
  signal?: AbortSignal,
): Promise<IngestResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ingestFileOnce(db, file, request, onProgress, now, signal);
    } catch (err) {
      // The upload was rolled back whole: reading the file again stores it as if it came now.
      if (attempt >= DEADLOCK_RETRIES || !isDeadlock(err)) throw err;
    }
  }
}

/** PostgreSQL aborted the transaction to break a deadlock (or a serialization conflict). */
function isDeadlock(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '40P01' || code === '40001';
}

async function ingestFileOnce(
  db: Sql,
  file: string,
  request: IngestRequest,
  onProgress: ((p: IngestProgress) => void) | undefined,
  now: () => number,
  signal: AbortSignal | undefined,
): Promise<IngestResult> {
  if (fileKind(file) !== 'zip') return ingest(db, fs.createReadStream(file, { highWaterMark: 1 << 20 }), request, onProgress, now, signal);
  let source: MultiFileInput;
  try {
    source = await zipSource(file, request.format);
  } catch (err) {
    if (err instanceof SourceError) return refused(err.message, request.filename ?? undefined);
    throw err;
  }
  try {
    return await ingest(db, source, { ...request, totalBytes: source.totalBytes }, onProgress, now, signal);
  } finally {
    source.close();
  }
}

function shutdownError(): Error {
  return Object.assign(new Error('the server is shutting down: the upload was rolled back'), { code: SHUTDOWN_CODE });
}

function refused(message: string, file?: string): IngestResult {
  const problem: Problem = { line: 0, field: '', message };
  if (file) problem.file = file;
  return { ok: false, accepted: 0, duplicates: 0, rejectedCount: 1, problems: [problem], bytes: 0, uploadId: null, unreadable: message };
}

/**
 * `signal`: aborting it (the server shutting down) rolls the upload back at the next chunk and
 * throws an error with code SHUTDOWN_CODE; an upload whose input is all read commits.
 */
export async function ingest(
  db: Sql,
  input: IngestInput,
  request: IngestRequest,
  onProgress?: (p: IngestProgress) => void,
  now: () => number = Date.now,
  signal?: AbortSignal,
): Promise<IngestResult> {
  const teamIds = request.team ? null : await teamIdsBySlug(db);
  const stored = request.team ? await getImportSettings(request.team.id, db) : null;
  const multi = isMultiFile(input) ? input : null;
  let format: ImportFormat | null = request.format === 'auto' ? null : request.format;
  let options: ImportOptions | null = null;
  let parser: EventParser | null = null;
  /** The file being read (multi-file uploads), named in its problems. */
  let file: string | undefined;
  let bytes = 0;
  const tx = openIngestStore(db);
  /** Valid events not stored yet. */
  let pending: TeamEvent[] = [];
  /** Batches being stored, oldest first; each folds its new events into the deltas when answered. */
  const inFlight: Promise<void>[] = [];
  let deltas = new EntityDeltas();
  const problems: Problem[] = [];
  let rejectedCount = 0;
  let badEvents = 0;
  /** Why the input could not be read (see IngestResult.unreadable): refused even with `partial`. */
  let fatal: string | null = null;
  let accepted = 0;
  let duplicates = 0;
  let seen = 0;
  const reject = (found: Problem[]) => {
    rejectedCount++;
    for (const p of found) {
      if (file !== undefined && p.file === undefined) p.file = file;
      if (problems.length < MAX_LISTED_PROBLEMS) problems.push(p);
    }
  };

  /** The parser for the (first) input, once its format is known. */
  const makeParser = (f: ImportFormat): EventParser => {
    if (options === null) {
      options = { ...request.options, fixedTeam: request.team?.slug };
      if (!multi && request.filename) options.fileName = request.filename;
      if (isImporterFormat(f) && request.team && stored) {
        const teamId = request.team.id;
        options.repoMap ??= stored.repoMap;
        options.bugLabel ??= stored.bugLabel;
        // Inside the upload's transaction: what it stored so far counts too.
        options.findChangeByTitle = (repo, title) => findChangeByTitle(tx.sql, teamId, repo, title);
        options.findDefect = (issue) => findDefect(tx.sql, teamId, issue);
      }
    }
    return createParser(f, options);
  };
  /** Resolves `auto` from a file's name and first bytes; null when it cannot be told. */
  const resolveFormat = (name: string | null | undefined, first: Uint8Array | string | undefined): ImportFormat | null => {
    if (format !== null) return format;
    const firstBytes = typeof first === 'string' ? Buffer.from(first.slice(0, 65536), 'utf8') : first;
    format = detectImportFormat({ filename: name ?? null, firstBytes });
    return format;
  };

  try {
    await tx.begin(
      { teamId: request.team?.id ?? null, source: request.source, agent: request.agent ?? null, filename: request.filename ?? null, format: request.format },
      request.totalBytes ?? 0,
      now(),
    );
  } catch (err) {
    // BEGIN may succeed and the first write fail (a full disk, a read-only file).
    try {
      await tx.rollback();
    } catch {
      // see below
    }
    throw err;
  }
  const handle = (item: ParsedItem) => {
    seen++;
    if (item.problems) {
      if (item.fatal) fatal ??= `${file ? `${file}: ` : ''}${item.problems[0]?.message ?? 'the input cannot be read'}`;
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
    if (refusedWhole()) return;
    pending.push({ teamId, event });
  };
  const refusedWhole = () => fatal !== null || (badEvents > 0 && !request.partial);
  /** Folds the events of a stored batch that were new into the deltas. */
  const fold = (batch: TeamEvent[], fresh: boolean[]) => {
    for (let i = 0; i < batch.length; i++) {
      if (!fresh[i]) {
        duplicates++;
        continue;
      }
      accepted++;
      deltas.add(batch[i].teamId, batch[i].event);
    }
  };
  /** Merges the deltas folded so far into the tables (a batch answered meanwhile folds into fresh ones). */
  const applyDeltas = async () => {
    const full = deltas;
    deltas = new EntityDeltas();
    await tx.applyDeltas(full);
  };
  /** Sends work to the store without waiting for it (an error surfaces when it is awaited). */
  const send = (work: Promise<void>) => {
    work.catch(() => {}); // awaited in store() or settle()
    inFlight.push(work);
  };
  /**
   * Sends the pending events to the store, and the deltas once they are many; waits only when
   * BATCHES_IN_FLIGHT are being stored, so that PostgreSQL has the next statement while this
   * process parses.
   */
  const store = async () => {
    const batch = pending;
    pending = [];
    if (refusedWhole() || batch.length === 0) return;
    send(tx.addEvents(batch).then((fresh) => fold(batch, fresh)));
    if (deltas.count >= DELTA_BATCH) send(applyDeltas());
    while (inFlight.length >= BATCHES_IN_FLIGHT) await inFlight.shift();
  };
  /** Waits for every batch sent to be stored and folded. */
  const settle = async () => {
    while (inFlight.length > 0) await inFlight.shift();
  };
  const handleAll = async (found: ParsedItem[] | Promise<ParsedItem[]>) => {
    const items = await found;
    for (let i = 0; i < items.length; i++) {
      handle(items[i]);
      if (pending.length >= EVENT_BATCH) await store();
    }
    // An importer that looks up what this upload stored so far finds each chunk's events from the
    // next one on; other formats send whole batches, which PostgreSQL stores faster than a
    // chunk's remainder each time.
    if (options?.findChangeByTitle) await store();
  };
  const progress = () => onProgress?.({ bytesRead: bytes, totalBytes: request.totalBytes ?? null, events: seen });
  const fail = (message: string) => {
    fatal ??= message;
    badEvents++;
    reject([{ line: 0, field: '', message }]);
  };
  /** Reads one input (the whole upload, or one file of it) into the current parser. */
  const readInput = async (chunks: Chunks, name: string | undefined, firstLine?: number) => {
    for await (const chunk of chunks) {
      if (signal?.aborted) throw shutdownError();
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (parser === null) {
        const f = resolveFormat(name ?? request.filename, chunk);
        if (f === null) {
          fail(`cannot tell the format of ${name ?? request.filename ?? 'the input'}: choose one`);
          return false;
        }
        if (isImporterFormat(f) && !request.team) {
          fail(`importing ${f} needs a team to import into`);
          return false;
        }
        parser = makeParser(f);
        if (name !== undefined && parser.startFile) await handleAll(parser.startFile(name, firstLine));
      }
      await handleAll(parser.push(chunk));
      progress();
    }
    return true;
  };
  try {
    if (request.delivery && request.team) {
      const delivery = { teamId: request.team.id, id: request.delivery.id, event: request.delivery.event, uploadId: tx.uploadId, at: now() };
      if (!(await recordDelivery(tx.sql, delivery))) {
        await tx.rollback();
        return { ok: true, accepted: 0, duplicates: 0, rejectedCount: 0, problems, bytes, uploadId: null, duplicateDelivery: true };
      }
    }
    if (multi) {
      let files = 0;
      for (const f of multi.files) {
        files++;
        // Parsers that read several files keep state across them (de-duplication, sessions
        // split over files); the others get a fresh parser per file. What ending the previous
        // file completes is still that file's.
        const current = parser as EventParser | null;
        if (current !== null) {
          if (current.startFile) await handleAll(current.startFile(f.name, f.firstLine));
          else {
            await handleAll(current.end());
            // events-v1 files of an `auto` upload may differ in format: each is told on its own.
            if (request.format === 'auto') {
              parser = null;
              format = null;
            } else parser = makeParser(format!);
          }
        }
        file = f.name;
        if (!(await readInput(f.chunks(), f.name, f.firstLine))) break;
      }
      if (files === 0) fail('no file to import in this directory or archive (for this format)');
    } else await readInput(input as Chunks, undefined); // false: the problem is recorded
    // No parser: an empty input (nothing to store, nothing wrong), or one refused above.
    const last = parser as EventParser | null;
    if (last !== null) await handleAll(last.end());
    await store();
    await settle();
    if (refusedWhole()) {
      await tx.rollback();
      return { ok: false, accepted: 0, duplicates: 0, rejectedCount, problems, bytes, uploadId: null, ...(format && { format }), ...(fatal !== null && { unreadable: fatal }) };
    }
    await applyDeltas();
    await multi?.onCommit?.(tx.sql, tx.uploadId);
    await tx.commit({ accepted, duplicates, rejected: rejectedCount }, bytes, last?.agent?.() ?? null);
    progress();
    return {
      ok: true,
      accepted,
      duplicates,
      rejectedCount,
      problems,
      bytes,
      uploadId: tx.uploadId,
      ...(format && { format }),
      ...(multi && { files: multi.files.length }),
    };
  } catch (err) {
    try {
      await tx.rollback();
    } catch {
      // A failed ROLLBACK (e.g. an I/O error) still leaves the transaction uncommitted: SQLite
      // rolls it back when the connection closes or on the next open. The first error is the one to tell.
    }
    if (err instanceof SourceError) {
      return { ...refused(err.message, file), bytes };
    }
    throw err;
  }
}
