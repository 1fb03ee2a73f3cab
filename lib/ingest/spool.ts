/**
 * Streams a request body to a temporary file beside the database, enforcing the size limit
 * on the decompressed bytes (so a small gzip bomb is refused like a large body) without ever
 * holding the body in memory.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import zlib from 'node:zlib';

export type SpoolResult =
  | { ok: true; file: string; bytes: number }
  | { ok: false; status: 413 | 415 | 400; message: string };

class TooLarge extends Error {}

export async function spoolBody(
  body: ReadableStream<Uint8Array> | null,
  options: { directory: string; limitBytes: number; contentEncoding?: string | null },
): Promise<SpoolResult> {
  const encoding = (options.contentEncoding ?? 'identity').trim().toLowerCase();
  if (!['identity', 'gzip', ''].includes(encoding)) {
    return { ok: false, status: 415, message: `unsupported Content-Encoding '${encoding}' (use gzip or none)` };
  }
  fs.mkdirSync(options.directory, { recursive: true });
  const file = path.join(options.directory, `upload-${Date.now()}-${randomBytes(8).toString('hex')}`);
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > options.limitBytes) return done(new TooLarge());
      done(null, chunk);
    },
  });
  const source = body ? Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
  try {
    if (encoding === 'gzip') await pipeline(source, zlib.createGunzip(), limit, fs.createWriteStream(file));
    else await pipeline(source, limit, fs.createWriteStream(file));
    return { ok: true, file, bytes };
  } catch (err) {
    fs.rmSync(file, { force: true });
    if (err instanceof TooLarge) {
      return { ok: false, status: 413, message: `upload is larger than the limit of ${options.limitBytes} bytes` };
    }
    if ((err as { code?: string }).code?.startsWith('Z_')) {
      return { ok: false, status: 400, message: `body is not valid gzip: ${(err as Error).message}` };
    }
    throw err;
  }
}
