/**
 * Token buckets kept in this process's memory (no database write per request), for a single
 * SQLite instance (lib/data/request-limits.ts): each key may burst up to its capacity, then gets
 * `perMinute` requests a minute, refilled continuously; a refused request learns how long to wait
 * (`Retry-After`). Idle keys are forgotten once more than MAX_KEYS are held, so memory stays bounded.
 */
const MAX_KEYS = 10_000;

export type BucketDecision = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

export class TokenBucket {
  private buckets = new Map<string | number, { tokens: number; at: number }>();
  private readonly ratePerMs: number;

  /**
   * @param perMinute sustained requests a minute per key (> 0)
   * @param capacity  the burst a fresh or rested key may spend at once (default: one minute's worth)
   */
  constructor(
    readonly perMinute: number,
    readonly capacity: number = perMinute,
  ) {
    if (!(perMinute > 0) || !Number.isFinite(perMinute)) throw new RangeError(`perMinute must be a positive number, got ${perMinute}`);
    if (!(capacity >= 1) || !Number.isFinite(capacity)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
    this.ratePerMs = perMinute / 60_000;
  }

  /** Takes one request's token for `key`: ok, or refused with the whole seconds to wait. */
  take(key: string | number, now: number = Date.now()): BucketDecision {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_KEYS) this.prune(now);
      b = { tokens: this.capacity, at: now };
      this.buckets.set(key, b);
    } else if (now > b.at) {
      b.tokens = Math.min(this.capacity, b.tokens + (now - b.at) * this.ratePerMs);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, remaining: Math.floor(b.tokens) };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerMs / 1000)) };
  }

  /** Whether `key` has no whole request left now, without taking one. */
  empty(key: string | number, now: number = Date.now()): boolean {
    const b = this.buckets.get(key);
    return !!b && Math.min(this.capacity, b.tokens + Math.max(0, now - b.at) * this.ratePerMs) < 1;
  }

  /** Drops keys whose bucket has refilled completely (they are as good as new). */
  private prune(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.ratePerMs >= this.capacity) this.buckets.delete(k);
    }
  }

  /** Keys currently held (tests). */
  get size(): number {
    return this.buckets.size;
  }
}
