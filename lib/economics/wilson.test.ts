import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson';

describe('wilsonInterval (z = 1.959964)', () => {
  it('8 of 10: the textbook [0.4902, 0.9433]', () => {
    // p = 0.8, z² = 3.841459; centre = (0.8 + 0.192073) / 1.384146 = 0.716740,
    // half = 1.959964 / 1.384146 × √(0.016 + 0.009604) = 0.226578.
    const [low, high] = wilsonInterval(8, 10)!;
    expect(low).toBeCloseTo(0.490162, 6);
    expect(high).toBeCloseTo(0.943318, 6);
  });
  it('5 of 10 is symmetric around 0.5', () => {
    const [low, high] = wilsonInterval(5, 10)!;
    expect(low).toBeCloseTo(0.236593, 6);
    expect(high).toBeCloseTo(0.763407, 6);
  });
  it('0 of 10 starts at 0 and 10 of 10 ends at 1 (never outside [0, 1])', () => {
    expect(wilsonInterval(0, 10)![0]).toBe(0);
    expect(wilsonInterval(0, 10)![1]).toBeCloseTo(0.277533, 6);
    expect(wilsonInterval(10, 10)![0]).toBeCloseTo(0.722467, 6);
    expect(wilsonInterval(10, 10)![1]).toBe(1);
    expect(wilsonInterval(0, 3)![0]).toBe(0);
    expect(wilsonInterval(1, 1)![1]).toBe(1);
  });
  it('is null without any run', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});
