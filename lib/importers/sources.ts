/**
 * Multi-file sources (Node only): a directory, or a zip of one, read as a sequence of named
 * inputs that `ingest()` takes as ONE upload (one transaction). Files are read in path order
 * (as ccusage reads Claude Code projects, so de-duplication keeps the same entry), each
 * streamed, never whole.
 *
 * Zip archives are read with yauzl from the central directory, entries streamed and inflated
 * one at a time, under limits on the number of entries and on the total decompressed size (a
 * zip bomb is refused before it fills memory or disk): yauzl checks each entry's inflated size
 * against the size its header declares, and the declared sizes are summed against the limit
 * before anything is inflated.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Sql } from '@/lib/data/connection';
import { acceptsFile } from './index';
import type { ImportFormat } from './types';

export interface NamedInput {
  /** Path inside the directory or archive, with `/` separators. */
  name: string;
  /** Bytes, when known. */
  size: number;
  /** The number of the first line read (a file read from where an earlier import stopped); 1 when absent. */
  firstLine?: number;
  chunks: () => AsyncIterable<Uint8Array>;
}

/** A multi-file input: ingest() reads each file in turn, all in one transaction. */
export interface MultiFileInput {
  files: NamedInput[];
  /** Total bytes of the files (after decompression). */
  totalBytes: number;
  /** Releases the archive (call when done). */
  close(): void;
  /** Records what was read, inside the upload's transaction, just before it commits. */
  onCommit?: (sql: Sql, uploadId: number) => Promise<void>;
}

/** Bad input found while opening a source (a broken zip, a zip over the limits): the upload is refused, naming it. */
export class SourceError extends Error {}

export const MAX_ZIP_ENTRIES = 50_000;
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024;

export const HIGH_WATER = 1 << 20;

/** A file of a directory: its path inside it (`/` separators) and on disk. */
export interface DirectoryFile {
  name: string;
  abs: string;
  stats: fs.Stats;
}

/** Every file under `dir` that the format reads, in path order. */
export function listDirectory(dir: string, format: ImportFormat | 'auto'): DirectoryFile[] {
  const files: DirectoryFile[] = [];
  const walk = (abs: string, rel: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const a = path.join(abs, entry.name);
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) walk(a, r);
      } else if (entry.isFile() && acceptsFile(format, r)) files.push({ name: r, abs: a, stats: fs.statSync(a) });
    }
  };
  walk(dir, '');
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every file under `dir` that the format reads, in path order, each read whole. */
export function directorySource(dir: string, format: ImportFormat | 'auto'): MultiFileInput {
  const files: NamedInput[] = listDirectory(dir, format).map((f) => ({
    name: f.name,
    size: f.stats.size,
    chunks: () => fs.createReadStream(f.abs, { highWaterMark: HIGH_WATER }),
  }));
  return { files, totalBytes: files.reduce((n, f) => n + f.size, 0), close: () => {} };
}

/**
 * The files of a zip archive that the format reads, in path order. Refuses archives with more
 * than `maxEntries` entries or whose accepted files declare more than `maxBytes` in total.
 */
export async function zipSource(
  file: string,
  format: ImportFormat | 'auto',
  limits: { maxEntries?: number; maxBytes?: number } = {},
): Promise<MultiFileInput> {
  const maxEntries = limits.maxEntries ?? MAX_ZIP_ENTRIES;
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, z) =>
        err ? reject(err) : resolve(z),
      ),
    );
  } catch (err) {
    throw new SourceError(`not a readable zip archive: ${(err as Error).message}`);
  }
  try {
    if (zip.entryCount > maxEntries) {
      throw new SourceError(`the zip archive has ${zip.entryCount} entries, more than the limit of ${maxEntries}`);
    }
    const entries = await new Promise<yauzl.Entry[]>((resolve, reject) => {
      const list: yauzl.Entry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        list.push(entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve(list));
      zip.on('error', reject);
      zip.readEntry();
    }).catch((err: Error) => {
      throw err instanceof SourceError ? err : new SourceError(`broken zip archive: ${err.message}`);
    });
    const accepted = entries.filter((e) => !e.fileName.endsWith('/') && acceptsFile(format, e.fileName));
    accepted.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
    let total = 0;
    for (const e of accepted) total += e.uncompressedSize;
    if (total > maxBytes) {
      throw new SourceError(`the zip archive's files decompress to ${total} bytes, more than the limit of ${maxBytes}`);
    }
    const files: NamedInput[] = accepted.map((entry) => ({
      name: entry.fileName,
      size: entry.uncompressedSize,
      chunks: () => entryChunks(zip, entry),
    }));
    return { files, totalBytes: total, close: () => zip.close() };
  } catch (err) {
    zip.close();
    throw err;
  }
}

async function* entryChunks(zip: yauzl.ZipFile, entry: yauzl.Entry): AsyncGenerator<Uint8Array> {
  let stream: Readable;
  try {
    stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
  } catch (err) {
    throw new SourceError(`${entry.fileName}: cannot be read from the zip archive: ${(err as Error).message}`);
  }
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (err) {
    throw new SourceError(`${entry.fileName}: broken zip entry: ${(err as Error).message}`);
  }
}

/** What a file is by its first bytes: a zip archive, a gzip stream, or anything else (read as it is). */
export function fileKind(file: string): 'zip' | 'gzip' | 'plain' {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const n = fs.readSync(fd, head, 0, 4, 0);
    if (n === 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
    return n >= 2 && head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : 'plain';
  } finally {
    fs.closeSync(fd);
  }
}
