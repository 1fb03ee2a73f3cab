import { describe, expect, it } from 'vitest';
import { digestWindows, latestDigestAt, nextAttemptAt, retryDelayMs } from './schedule';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('retries', () => {
  it('wait 1 min, 2, 4 … capped at an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 30].map(retryDelayMs)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60].map((m) => m * MIN));
  });

  it('stop once the next one would be more than 24 h after the alert was made', () => {
    expect(nextAttemptAt(0, 1, 0)).toBe(MIN);
    expect(nextAttemptAt(0, 20, 23 * HOUR)).toBe(24 * HOUR);
    expect(nextAttemptAt(0, 20, 23 * HOUR + 1)).toBeNull();
  });
});

describe('digest time', () => {
  const monday8 = Date.UTC(2026, 5, 15, 8);
  it('is the latest scheduled weekday and hour at or before now', () => {
    const schedule = { weekday: 1, hourUtc: 8 };
    expect(latestDigestAt(monday8, schedule)).toBe(monday8);
    expect(latestDigestAt(monday8 - 1, schedule)).toBe(monday8 - 7 * 24 * HOUR);
    expect(latestDigestAt(Date.UTC(2026, 5, 20, 23), schedule)).toBe(monday8);
    expect(latestDigestAt(Date.UTC(2026, 5, 20, 23), { weekday: 5, hourUtc: 17 })).toBe(Date.UTC(2026, 5, 19, 17));
    expect(latestDigestAt(Date.UTC(2026, 5, 15, 0), { weekday: 7, hourUtc: 0 })).toBe(Date.UTC(2026, 5, 14, 0));
  });

  it('covers the last whole ISO week before its own week, and the week before that', () => {
    expect(digestWindows(monday8)).toEqual({
      week: { from: Date.UTC(2026, 5, 8), to: Date.UTC(2026, 5, 15), asOf: monday8 },
      previous: { from: Date.UTC(2026, 5, 1), to: Date.UTC(2026, 5, 8), asOf: monday8 },
    });
    // A Sunday digest is about the week before the one that is ending.
    expect(digestWindows(Date.UTC(2026, 5, 14, 8)).week.from).toBe(Date.UTC(2026, 5, 1));
  });
});
