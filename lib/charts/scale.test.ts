import { describe, expect, it } from 'vitest';
import { linearAxis, logAxis, niceTicks } from './scale';

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 × a power of ten and spans the values', () => {
    expect(niceTicks(0, 9.3)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0, 172.98)).toEqual([0, 50, 100, 150, 200]);
    expect(niceTicks(0, 0.42)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(3, 3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 0)).toEqual([0, 1]);
  });
});

describe('linearAxis', () => {
  it('maps the first and last tick onto the pixel range', () => {
    const a = linearAxis(0, 9.3, 40, 540);
    expect(a.domain).toEqual([0, 10]);
    expect(a.at(0)).toBe(40);
    expect(a.at(10)).toBe(540);
    expect(a.at(5)).toBe(290);
  });

  it('runs downwards for a y axis', () => {
    const a = linearAxis(0, 100, 300, 20);
    expect(a.at(100)).toBe(20);
    expect(a.at(0)).toBe(300);
  });
});

describe('logAxis', () => {
  it('spans whole decades with ticks at 1, 2 and 5 × each', () => {
    const a = logAxis(0.67, 18.1, 300, 0);
    expect(a.domain).toEqual([0.1, 100]);
    expect(a.ticks).toEqual([0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]);
    expect(a.at(0.1)).toBe(300);
    expect(a.at(100)).toBe(0);
    expect(a.at(1)).toBeCloseTo(200, 9);
  });

  it('keeps fewer ticks over many decades, and clamps values below the domain', () => {
    const a = logAxis(0.002, 90, 0, 100);
    expect(a.ticks).toEqual([0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100]);
    expect(a.at(0)).toBe(0);
  });
});
