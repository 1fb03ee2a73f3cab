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
import { HIGH_WATER, listDirectory, type MultiFileInput, type NamedInput } from './sources';
import type { ImportFormat } from './types';

const HEAD = 4 * 1024;
const TAIL = 4 * 1024;
const NL = 0x0a;

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
    const head = Buffer.allocUnsafe(Math.min(HEAD, to));
    const tail = Buffer.allocUnsafe(Math.min(TAIL, to));
    const h = fs.readSync(fd, head, 0, head.length, 0);
    const t = fs.readSync(fd, tail, 0, tail.length, to - tail.length);
    return createHash('sha256').update(head.subarray(0, h)).update(tail.subarray(0, t)).update(String(to)).digest('base64url');
  } finally {
    fs.closeSync(fd);
  }
}

/** The files under `dir` with what is new in them since `previous` (by absolute path). */
export function resumableDirectorySource(dir: string, format: ImportFormat | 'auto', previous: ReadonlyMap<string, FileMark>): ResumableSource {
  const source: ResumableSource = { files: [], totalBytes: 0, close: () => {}, skipped: 0, resumed: 0, marks: new Map() };
  /** The head of the file after the one being read, read meanwhile (most transcripts are one chunk long). */
  let ahead: { index: number; head: Promise<Buffer> } | null = null;
  /** Each file's head read, by index in `source.files`. */
  const heads: (() => Promise<Buffer>)[] = [];
  const headOf = (index: number) => {
    const head = ahead?.index === index ? ahead.head : heads[index]();
    ahead = index + 1 < heads.length ? { index: index + 1, head: heads[index + 1]() } : null;
    return head;
  };
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
    const index = heads.push(() => quiet(readHead(f.abs, start, size))) - 1;
    const input: NamedInput = {
      name: f.name,
      size: size - start,
      firstLine,
      chunks: () => readMarking(f.abs, headOf(index), start, firstLine, { size, mtimeMs }, source.marks),
    };
    source.files.push(input);
    source.totalBytes += input.size;
  }
  return source;
}

/** `p`, with its failure left to whoever awaits it: a read ahead of an import that stops is never awaited. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** Up to HIGH_WATER bytes of `file` from `start` and before `end`, in a buffer of their own. */
async function readHead(file: string, start: number, end: number): Promise<Buffer> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(HIGH_WATER, end - start)));
    const { bytesRead } = await fd.read(buf, 0, buf.length, start);
    return buf.subarray(0, bytesRead);
  } finally {
    await fd.close();
  }
}

/**
 * The file's chunks from `start` (`head` first), each next one read while the consumer parses
 * the last: on a warm page cache the reads cost about as much time as the parse, and done in
 * turn they left the thread idle for a tenth of a Claude Code import. Two buffers take turns (the
 * line splitter copies what it keeps). At the end, what was read goes into `marks`.
 */
async function* readMarking(
  file: string,
  head: Promise<Buffer>,
  start: number,
  firstLine: number,
  stat: { size: number; mtimeMs: number },
  marks: Map<string, FileMark>,
): AsyncGenerator<Uint8Array> {
  let pos = start;
  let readTo = start;
  let lines = firstLine - 1;
  let chunk = await head;
  let fd: fs.promises.FileHandle | null = null;
  const buffers: Buffer[] = [];
  let turn = 0;
  try {
    while (chunk.length > 0) {
      for (let nl = chunk.indexOf(NL); nl >= 0; nl = chunk.indexOf(NL, nl + 1)) {
        lines++;
        readTo = pos + nl + 1;
      }
      pos += chunk.length;
      // Up to the size listed: what a transcript still being written gains is the next import's.
      let next: Promise<Buffer> | null = null;
      if (pos < stat.size) {
        fd ??= await fs.promises.open(file, 'r');
        const buf = (buffers[(turn ^= 1)] ??= Buffer.allocUnsafe(HIGH_WATER));
        next = quiet(fd.read(buf, 0, Math.min(buf.length, stat.size - pos), pos).then(({ bytesRead }) => buf.subarray(0, bytesRead)));
      }
      yield chunk;
      if (next === null) break;
      chunk = await next;
    }
  } finally {
    await fd?.close();
  }
  marks.set(file, { ...stat, hash: fingerprint(file, readTo), readTo, lines });
}
