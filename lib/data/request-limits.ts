/**
 * Token buckets that limit requests: per API token (LOOPSCOPE_RATE_LIMIT_PER_MINUTE) and per
 * client address for unknown share tokens. Each key may burst up to its capacity, then gets
 * `perMinute` a minute, refilled continuously; a refused request learns how long to wait.
 *
 * Where the buckets live depends on the backend. A SQLite installation is one process, and a
 * write per request would queue behind an upload's write lock: its buckets stay in this process's
 * memory (lib/http/rate-limit.ts). Several instances share one PostgreSQL database and must share
 * their limits too: there each bucket is a row of `request_limits`, taken with one atomic UPDATE.
 */
import 'server-only';
import { TokenBucket } from '@/lib/http/rate-limit';
import { getDb, type DbArg, type Sql } from './connection';

export interface BucketSpec {
  /** Sustained requests a minute (> 0). */
  perMinute: number;
  /** The burst a rested key may spend at once (default: one minute's worth). */
  capacity?: number;
}

const memory = globalThis as unknown as { loopscopeBuckets?: Map<string, TokenBucket> };

/** This process's bucket set for a spec (SQLite). */
function memoryBuckets(spec: BucketSpec): TokenBucket {
  memory.loopscopeBuckets ??= new Map();
  const id = `${spec.perMinute}/${spec.capacity ?? spec.perMinute}`;
  let buckets = memory.loopscopeBuckets.get(id);
  if (!buckets) memory.loopscopeBuckets.set(id, (buckets = new TokenBucket(spec.perMinute, spec.capacity)));
  return buckets;
}

/** `tokens` refilled up to `now` (PostgreSQL, over the row's columns; typed, since nothing else tells the parameters' types). */
const REFILLED = 'least(@capacity::float8, tokens + greatest(0, @now::bigint - updated_at) * @ratePerMs::float8)';

function waitSeconds(tokens: number, ratePerMs: number): number {
  return Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000));
}

/** Takes one request from `key`'s bucket: null when it may go on, else the whole seconds to wait. */
export async function takeRequest(key: string, spec: BucketSpec, now: number = Date.now(), dbArg: DbArg = getDb()): Promise<number | null> {
  const db = await dbArg;
  if (db.dialect === 'sqlite') {
    const decision = memoryBuckets(spec).take(key, now);
    return decision.ok ? null : decision.retryAfterSeconds;
  }
  const params = { key, now, capacity: spec.capacity ?? spec.perMinute, ratePerMs: spec.perMinute / 60_000 };
  const taken = await db.run(
    `UPDATE request_limits SET tokens = ${REFILLED} - 1, updated_at = greatest(updated_at, @now::bigint)
     WHERE key = @key AND ${REFILLED} >= 1`,
    params,
  );
  if (taken === 1) return null;
  const fresh = await db.run(
    `INSERT INTO request_limits (key, tokens, updated_at) VALUES (@key, @capacity::float8 - 1, @now) ON CONFLICT (key) DO NOTHING`,
    params,
  );
  if (fresh === 1) return null;
  return waitSeconds(await refilled(db, params), params.ratePerMs);
}

/** Whether `key`'s bucket is empty now, without taking from it. */
export async function bucketEmpty(key: string, spec: BucketSpec, now: number = Date.now(), dbArg: DbArg = getDb()): Promise<boolean> {
  const db = await dbArg;
  if (db.dialect === 'sqlite') return memoryBuckets(spec).empty(key, now);
  return (await refilled(db, { key, now, capacity: spec.capacity ?? spec.perMinute, ratePerMs: spec.perMinute / 60_000 })) < 1;
}

async function refilled(db: Sql, params: { key: string; now: number; capacity: number; ratePerMs: number }): Promise<number> {
  const row = await db.get<{ tokens: number }>(`SELECT ${REFILLED} AS tokens FROM request_limits WHERE key = @key`, params);
  return row ? Number(row.tokens) : params.capacity;
}
