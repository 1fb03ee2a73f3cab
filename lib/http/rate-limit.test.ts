import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limit';

describe('TokenBucket', () => {
  it('lets a key burst up to its capacity, then refuses with the seconds until the next token', () => {
    const bucket = new TokenBucket(60); // one a second, burst 60
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(bucket.take('a', t0).ok).toBe(true);
    const refused = bucket.take('a', t0);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 1 });
    // Other keys are not affected.
    expect(bucket.take('b', t0).ok).toBe(true);
  });

  it('refills continuously at perMinute', () => {
    const bucket = new TokenBucket(600, 10); // 10 a second, burst 10
    const t0 = 5_000;
    for (let i = 0; i < 10; i++) expect(bucket.take(1, t0).ok).toBe(true);
    expect(bucket.take(1, t0).ok).toBe(false);
    expect(bucket.take(1, t0 + 100).ok).toBe(true); // 0.1 s = one token
    expect(bucket.take(1, t0 + 100).ok).toBe(false);
    // A long rest refills to the capacity, never beyond.
    let ok = 0;
    for (let i = 0; i < 50; i++) if (bucket.take(1, t0 + 3_600_000).ok) ok++;
    expect(ok).toBe(10);
  });

  it('sustains exactly the configured rate over a minute', () => {
    const bucket = new TokenBucket(120, 1);
    let ok = 0;
    for (let ms = 0; ms < 60_000; ms += 10) if (bucket.take('k', ms).ok) ok++;
    expect(ok).toBeGreaterThanOrEqual(119);
    expect(ok).toBeLessThanOrEqual(121);
  });

  it('answers a Retry-After that is enough to be let through', () => {
    const bucket = new TokenBucket(6, 2); // one every 10 s
    expect(bucket.take('x', 0).ok).toBe(true);
    expect(bucket.take('x', 0).ok).toBe(true);
    const r = bucket.take('x', 0);
    expect(r.ok).toBe(false);
    const wait = (r as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(wait).toBe(10);
    expect(bucket.take('x', wait * 1000 - 1).ok).toBe(false);
    expect(bucket.take('x', wait * 1000).ok).toBe(true);
  });

  it('keeps memory bounded by forgetting rested keys', () => {
    const bucket = new TokenBucket(60);
    for (let i = 0; i < 10_000; i++) bucket.take(i, 0);
    bucket.take('late', 120_000);
    expect(bucket.size).toBeLessThan(10);
  });

  it('rejects nonsense settings', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
    expect(() => new TokenBucket(Number.NaN)).toThrow(RangeError);
    expect(() => new TokenBucket(10, 0)).toThrow(RangeError);
  });
});

describe('TokenBucket.empty', () => {
  it('tells an exhausted key without taking from it, and a refilled one', () => {
    const bucket = new TokenBucket(60, 2); // one a second, burst 2
    expect(bucket.empty('k', 0)).toBe(false);
    bucket.take('k', 0);
    bucket.take('k', 0);
    expect(bucket.empty('k', 0)).toBe(true);
    expect(bucket.empty('k', 999)).toBe(true);
    expect(bucket.empty('k', 1000)).toBe(false);
    expect(bucket.take('k', 1000)).toMatchObject({ ok: true });
  });
});
