/**
 * Every setting read from the environment, in one place (api-v1.md, Configuration; the
 * README lists them). Read on each call so tests can set variables before use.
 */
import path from 'node:path';

export const DEFAULT_DATABASE_PATH = './data/loopscope.db';
export const DEFAULT_MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

export function databasePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(/*turbopackIgnore: true*/ env.DATABASE_PATH || DEFAULT_DATABASE_PATH);
}

/** Where request bodies are spooled before the ingest worker reads them: beside the database. */
export function spoolDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(databasePath(env)), 'tmp');
}

/** Largest accepted upload, after decompression (`LOOPSCOPE_MAX_UPLOAD_BYTES`, default 256 MiB). */
export function maxUploadBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LOOPSCOPE_MAX_UPLOAD_BYTES;
  if (!raw) return DEFAULT_MAX_UPLOAD_BYTES;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new Error(`LOOPSCOPE_MAX_UPLOAD_BYTES must be a positive integer (bytes), got '${raw}'`);
  }
  return n;
}

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

/**
 * Requests a minute each API token may make (`LOOPSCOPE_RATE_LIMIT_PER_MINUTE`, default 600;
 * `0` turns the limit off). A token may spend a minute's worth at once, then refills steadily.
 */
export function rateLimitPerMinute(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LOOPSCOPE_RATE_LIMIT_PER_MINUTE;
  if (raw === undefined || raw.trim() === '') return DEFAULT_RATE_LIMIT_PER_MINUTE;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new Error(`LOOPSCOPE_RATE_LIMIT_PER_MINUTE must be a whole number of requests (0: no limit), got '${raw}'`);
  }
  return n;
}

/** `LOOPSCOPE_DEMO=off` keeps an empty database empty. */
export function demoEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.LOOPSCOPE_DEMO ?? 'on').toLowerCase() !== 'off';
}

/**
 * The admin to make at start when no account has this e-mail yet (`LOOPSCOPE_ADMIN_EMAIL` and
 * `LOOPSCOPE_ADMIN_PASSWORD`, both or neither); null when unset.
 */
export function adminFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): { email: string; password: string } | null {
  const email = env.LOOPSCOPE_ADMIN_EMAIL?.trim();
  const password = env.LOOPSCOPE_ADMIN_PASSWORD;
  if (!email && !password) return null;
  if (!email || !password) throw new Error('set both LOOPSCOPE_ADMIN_EMAIL and LOOPSCOPE_ADMIN_PASSWORD, or neither');
  return { email, password };
}

/** The address the server's start-up messages name (`HOSTNAME` and `PORT`, as `npm start` uses them). */
export function localBaseUrl(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const host = env.HOSTNAME && !['0.0.0.0', '::', '[::]'].includes(env.HOSTNAME) ? env.HOSTNAME : 'localhost';
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT || 3000}`;
}

export const DEFAULT_OTLP_GRPC_PORT = 4317;

/** Port of the OTLP/gRPC receiver (`LOOPSCOPE_OTLP_GRPC_PORT`, default 4317, OTLP's own); 0: off. */
export function otlpGrpcPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LOOPSCOPE_OTLP_GRPC_PORT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_OTLP_GRPC_PORT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`LOOPSCOPE_OTLP_GRPC_PORT must be a port number (0: no OTLP/gRPC receiver), got '${raw}'`);
  }
  return n;
}
