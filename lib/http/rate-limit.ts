/**
 * Request limits kept in this process's memory (no database write per request):
 *
 * - `RateLimit`: a fixed-window counter per key, enough to answer 429 to someone guessing share
 *   tokens (which cannot succeed anyway: 256 bits).
 * - `TokenBucket`: a token bucket per key, for API tokens (lib/auth/request.ts): each key may
 *   burst up to its capacity, then gets `perMinute` requests a minute, refilled continuously;
 *   a refused request learns how long to wait (`Retry-After`).
 *
 * Both forget idle keys once they hold more than MAX_KEYS, so memory stays bounded.
 */
const MAX_KEYS = 10_000;

export class RateLimit {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit for `key`; false once over the limit in the current window. */
  hit(key: string, now: number = Date.now()): boolean {
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > MAX_KEYS) this.prune(now);
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= this.limit;
  }

  /** Whether `key` is over the limit now, without counting. */
  blocked(key: string, now: number = Date.now()): boolean {
    const w = this.windows.get(key);
    return !!w && now - w.start < this.windowMs && w.count >= this.limit;
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}

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
