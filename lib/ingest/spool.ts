/**
 * Streams a request body to a temporary file beside the database, enforcing the size limit
 * on the decompressed bytes (so a small gzip bomb is refused like a large body) without ever
 * holding the body in memory. A full disk or read-only folder while spooling is storage
 * trouble (503), and the partial file is removed.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import zlib from 'node:zlib';
import { errorCode, isStorageErrorCode, SHUTDOWN_CODE } from './storage-errors';

export type SpoolResult =
  | { ok: true; file: string; bytes: number }
  | { ok: false; status: 413 | 415 | 400; message: string }
  | { ok: false; status: 503; message: string; code: string };

class TooLarge extends Error {}

export async function spoolBody(
  body: ReadableStream<Uint8Array> | null,
  options: { directory: string; limitBytes: number; contentEncoding?: string | null; signal?: AbortSignal },
): Promise<SpoolResult> {
  // x-gzip is gzip's old name, to be read as gzip (RFC 9110 §8.4.1.3).
  const encoding = (options.contentEncoding ?? 'identity').trim().toLowerCase().replace(/^x-gzip$/, 'gzip');
  if (!['identity', 'gzip', ''].includes(encoding)) {
    return { ok: false, status: 415, message: `unsupported Content-Encoding '${encoding}' (use gzip or none)` };
  }
  const file = path.join(options.directory, `upload-${Date.now()}-${randomBytes(8).toString('hex')}`);
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > options.limitBytes) return done(new TooLarge());
      done(null, chunk);
    },
  });
  try {
    fs.mkdirSync(options.directory, { recursive: true });
    const source = body ? Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
    const opts = options.signal ? { signal: options.signal } : {};
    if (encoding === 'gzip') await pipeline(source, zlib.createGunzip(), limit, fs.createWriteStream(file), opts);
    else await pipeline(source, limit, fs.createWriteStream(file), opts);
    return { ok: true, file, bytes };
  } catch (err) {
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // a read-only folder: there is nothing to remove either
    }
    if (err instanceof TooLarge) {
      return { ok: false, status: 413, message: `upload is larger than the limit of ${options.limitBytes} bytes` };
    }
    const code = errorCode(err);
    if (code?.startsWith('Z_')) {
      return { ok: false, status: 400, message: `body is not valid gzip: ${(err as Error).message}` };
    }
    if (isStorageErrorCode(code)) return { ok: false, status: 503, message: (err as Error).message, code: code! };
    if (options.signal?.aborted) return { ok: false, status: 503, message: 'the server is shutting down', code: SHUTDOWN_CODE };
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).name === 'AbortError') {
      return { ok: false, status: 400, message: 'the request body was cut off before its end; nothing was stored' };
    }
    throw err;
  }
}
