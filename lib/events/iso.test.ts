import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoUtc } from './iso';

describe('isoUtc', () => {
  it('writes what toISOString writes, at the edges of days, years and its range', () => {
    const edges = [
      0, -1, 1, 86_399_999, 86_400_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999), -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, -8.64e15,
    ];
    for (const ms of edges) expect(isoUtc(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('agrees with toISOString on any time, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), fc.integer({ min: -8.64e15, max: 8.64e15 })), { maxLength: 50 }),
        fc.integer({ min: 0, max: 86_400_000 }),
        (times, step) => {
          // Also a run of close times, as events mostly come: the date part is kept between calls.
          for (let i = 0; i < 10; i++) times.push((times[0] ?? 0) + i * step);
          for (const ms of times) if (Math.abs(ms) <= 8.64e15) expect(isoUtc(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { numRuns: 500 },
    );
  });
});
