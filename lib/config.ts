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

/** Whether `url` names a PostgreSQL database (`postgres://` or `postgresql://`). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * The PostgreSQL server to use (`DATABASE_URL`, `postgres://user:pass@host:port/db`), or null for
 * the SQLite file of DATABASE_PATH.
 */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return null;
  if (!isPostgresUrl(raw)) throw new Error(`DATABASE_URL must be a postgres:// URL (PostgreSQL), got '${raw.replace(/\/\/[^@/]*@/, '//…@')}'`);
  return raw;
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

/** scrypt's cost (log2 N) for new password hashes: OWASP's minimum. */
export const DEFAULT_PASSWORD_COST = 17;

/**
 * The cost of new password hashes (`LOOPSCOPE_PASSWORD_COST`, 10–20, default 17). Only the unit
 * tests lower it: they make hundreds of accounts, each hash 128 MiB and a few hundred ms at 17. A
 * stored hash carries its own cost, so raising it later keeps every password valid.
 */
export function passwordCost(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.LOOPSCOPE_PASSWORD_COST;
  if (raw === undefined || raw === '') return DEFAULT_PASSWORD_COST;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 10 || n > 20) throw new Error(`LOOPSCOPE_PASSWORD_COST must be an integer from 10 to 20, got '${raw}'`);
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

/**
 * The address agents and GitHub reach this server at (`LOOPSCOPE_PUBLIC_URL`, e.g.
 * `https://loopscope.example.com`), without a trailing slash; null when unset (the request's
 * own origin is used then). A value that is not an http(s) URL is an error naming it.
 */
export function publicUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const raw = env.LOOPSCOPE_PUBLIC_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`LOOPSCOPE_PUBLIC_URL must be an http(s) URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`LOOPSCOPE_PUBLIC_URL must be an http(s) URL, got '${raw}'`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
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

/** Settings read from an environment (tests pass their own). */
type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_ALERT_INTERVAL_S = 60;

/**
 * How often the alert sender evaluates flags and sends what is due (`LOOPSCOPE_ALERT_INTERVAL_S`,
 * seconds, default 60, at least 1), in milliseconds.
 */
export function alertIntervalMs(env: Env = process.env): number {
  const raw = env.LOOPSCOPE_ALERT_INTERVAL_S;
  if (raw === undefined || raw.trim() === '') return DEFAULT_ALERT_INTERVAL_S * 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1) throw new Error(`LOOPSCOPE_ALERT_INTERVAL_S must be a number of seconds, at least 1, got '${raw}'`);
  return Math.round(n * 1000);
}

export interface DigestSchedule {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Hour of that day, UTC (0–23). */
  hourUtc: number;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * When the weekly digest goes out: `LOOPSCOPE_DIGEST_WEEKDAY` (1–7 or mon…sun, default Monday)
 * at `LOOPSCOPE_DIGEST_HOUR_UTC` (0–23, default 8).
 */
export function digestSchedule(env: Env = process.env): DigestSchedule {
  const hourRaw = env.LOOPSCOPE_DIGEST_HOUR_UTC?.trim() || '8';
  const hourUtc = Number(hourRaw);
  if (!Number.isInteger(hourUtc) || hourUtc < 0 || hourUtc > 23) {
    throw new Error(`LOOPSCOPE_DIGEST_HOUR_UTC must be an hour from 0 to 23, got '${hourRaw}'`);
  }
  const dayRaw = env.LOOPSCOPE_DIGEST_WEEKDAY?.trim().toLowerCase() || '1';
  // A number, or a day's name or its start of at least three letters (`mon`, `monday`).
  const weekday = /^[1-7]$/.test(dayRaw) ? Number(dayRaw) : WEEKDAYS.findIndex((d) => dayRaw.length >= 3 && d.startsWith(dayRaw)) + 1;
  if (weekday === 0) throw new Error(`LOOPSCOPE_DIGEST_WEEKDAY must be 1–7 (1 = Monday) or a day name, got '${dayRaw}'`);
  return { weekday, hourUtc };
}

/** Where links in alerts point: LOOPSCOPE_PUBLIC_URL, else this machine's own address. */
export function alertLinkBase(env: Env = process.env): string {
  return publicBaseUrl(env) ?? localBaseUrl(env);
}

/**
 * The address links in alerts start with: `LOOPSCOPE_PUBLIC_URL` (an http(s) URL, no trailing
 * slash), or null when unset (alerts then link to localBaseUrl(), which only this machine can open).
 */
export function publicBaseUrl(env: Env = process.env): string | null {
  const raw = env.LOOPSCOPE_PUBLIC_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`LOOPSCOPE_PUBLIC_URL must be an http(s) URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`LOOPSCOPE_PUBLIC_URL must be an http(s) URL, got '${raw}'`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
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
