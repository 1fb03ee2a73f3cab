/**
 * A directory import that reads only what is new since the team's last one (Claude Code
 * transcripts are appended to, never rewritten): a file whose size and mtime are unchanged and
 * whose fingerprint still matches is skipped; a file whose first `readTo` bytes still match is
 * read from there, its lines numbered on from where they stopped; any other file is read whole.
 * Events of a re-read line keep their ids, so they come back as duplicates, never twice.
 *
 * The fingerprint hashes the file's first 4 KiB (its first line: session id, uuids, times), the
 * 4 KiB before `readTo`, and `readTo`: hashing whole files would cost as much as reading them,
 * which is what skipping saves. A file rewritten in its middle with its size, mtime, head and
 * tail kept is not noticed.
 *
 * What a skipped or resumed part held is not read again, so de-duplication across files sees
 * only this import's lines: a new sub-agent file replaying a message of a file read before under
 * a new request id counts it again (ccusage would drop the replay).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { NL } from '@/lib/events/parse-common';
import { HIGH_WATER, listDirectory, type MultiFileInput, type NamedInput } from './sources';
import type { ImportFormat } from './types';

const HEAD = 4 * 1024;
const TAIL = 4 * 1024;

/** What an import read of one file (stored in `imported_files`). */
export interface FileMark {
  size: number;
  mtimeMs: number;
  hash: string;
  /** The end of the last whole line read. */
  readTo: number;
  /** Lines up to `readTo`. */
  lines: number;
}

export interface ResumableSource extends MultiFileInput {
  /** Files left out as unchanged, and files read from where the last import stopped. */
  skipped: number;
  resumed: number;
  /** What this import read, by absolute path, filled in as the files are read. */
  marks: Map<string, FileMark>;
}

/** Hash of the first 4 KiB of `file` and the 4 KiB before `to`. */
export function fingerprint(file: string, to: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    return fingerprintOf(fd, to);
  } finally {
    fs.closeSync(fd);
  }
}

function fingerprintOf(fd: number, to: number): string {
  const head = Buffer.allocUnsafe(Math.min(HEAD, to));
  const tail = Buffer.allocUnsafe(Math.min(TAIL, to));
  const h = fs.readSync(fd, head, 0, head.length, 0);
  const t = fs.readSync(fd, tail, 0, tail.length, to - tail.length);
  return createHash('sha256').update(head.subarray(0, h)).update(tail.subarray(0, t)).update(String(to)).digest('base64url');
}

/** The files under `dir` with what is new in them since `previous` (by absolute path). */
export function resumableDirectorySource(dir: string, format: ImportFormat | 'auto', previous: ReadonlyMap<string, FileMark>): ResumableSource {
  const source: ResumableSource = { files: [], totalBytes: 0, close: () => {}, skipped: 0, resumed: 0, marks: new Map() };
  /** One buffer for every file's chunks: files are read one at a time, and the line splitter copies what it keeps. */
  let buffer: Buffer | null = null;
  const chunkBuffer = () => (buffer ??= Buffer.allocUnsafe(HIGH_WATER));
  for (const f of listDirectory(dir, format)) {
    const { size } = f.stats;
    const mtimeMs = Math.trunc(f.stats.mtimeMs); // stored as an integer
    const prev = previous.get(f.abs);
    const kept = prev !== undefined && prev.readTo <= size && fingerprint(f.abs, prev.readTo) === prev.hash;
    if (kept && ((size === prev.size && mtimeMs === prev.mtimeMs) || size === prev.readTo)) {
      source.skipped++;
      continue;
    }
    if (kept) source.resumed++;
    const start = kept ? prev.readTo : 0;
    const firstLine = kept ? prev.lines + 1 : 1;
    const input: NamedInput = {
      name: f.name,
      size: size - start,
      firstLine,
      chunks: () => readMarking(f.abs, chunkBuffer(), start, firstLine, { size, mtimeMs }, source.marks),
    };
    source.files.push(input);
    source.totalBytes += input.size;
  }
  return source;
}

/**
 * The file's chunks from `start`, read synchronously into `buffer` (valid until the next chunk is
 * asked for). Transcripts are read from a warm page cache, where a synchronous read is a copy:
 * reading them through the thread pool (open, read and close each a round trip) cost more than
 * the copies themselves. Only the CLI reads a directory this way, and its thread has nothing else
 * to do meanwhile. At the end, what was read goes into `marks`.
 */
async function* readMarking(
  file: string,
  buffer: Buffer,
  start: number,
  firstLine: number,
  stat: { size: number; mtimeMs: number },
  marks: Map<string, FileMark>,
): AsyncGenerator<Uint8Array> {
  let pos = start;
  let readTo = start;
  let lines = firstLine - 1;
  const fd = fs.openSync(file, 'r');
  try {
    // Up to the size listed: what a transcript still being written gains is the next import's.
    while (pos < stat.size) {
      const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, stat.size - pos), pos);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      for (let nl = chunk.indexOf(NL); nl >= 0; nl = chunk.indexOf(NL, nl + 1)) {
        lines++;
        readTo = pos + nl + 1;
      }
      pos += n;
      yield chunk;
    }
    marks.set(file, { ...stat, hash: fingerprintOf(fd, readTo), readTo, lines });
  } finally {
    fs.closeSync(fd);
  }
}
