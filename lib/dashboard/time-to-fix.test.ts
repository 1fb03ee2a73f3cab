import { describe, expect, it } from 'vitest';
import { bucketFixHours } from './time-to-fix';

describe('bucketFixHours', () => {
  it('puts each duration in the first bucket it is under, edges going up', () => {
    const counts = bucketFixHours([0, 3.9, 4, 11.9, 24, 47.99, 96, 167, 168, 1000, -1]);
    expect(counts.map((c) => c.defects)).toEqual([3, 2, 0, 2, 0, 2, 2]);
  });
});
