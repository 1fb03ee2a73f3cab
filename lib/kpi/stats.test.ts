import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atLeastTimes, exactSum, grewBy, kaplanMeierCurve, kaplanMeierMedian, nearestRank, nearestRankMedian } from './stats';

describe('nearestRank', () => {
  it('is null on no values', () => {
    expect(nearestRank([], 0.5)).toBeNull();
  });
  it('n=1', () => {
    expect(nearestRank([7], 0.5)).toBe(7);
    expect(nearestRank([7], 0.9)).toBe(7);
  });
  it('n=2: p50 = v[0], p90 = v[1]', () => {
    expect(nearestRank([1, 2], 0.5)).toBe(1);
    expect(nearestRank([1, 2], 0.9)).toBe(2);
  });
  it('n=3: p50 = v[1], p90 = v[2]', () => {
    expect(nearestRank([1, 2, 3], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3], 0.9)).toBe(3);
  });
  it('n=4: p50 = v[1], p90 = v[3]', () => {
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 0.9)).toBe(4);
  });
  it('n=5: p50 = v[2], p90 = v[4]', () => {
    expect(nearestRank([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(nearestRank([1, 2, 3, 4, 5], 0.9)).toBe(5);
  });
  it('n=10: p50 = v[4], p90 = v[8]', () => {
    const v = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(nearestRank(v, 0.5)).toBe(50);
    expect(nearestRank(v, 0.9)).toBe(90);
    expect(nearestRank(v, 1)).toBe(100);
  });
  it('does not let float noise in p*n move the rank (0.7 × 90 = 63)', () => {
    const v = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(nearestRank(v, 0.7)).toBe(70);
    expect(0.7 * 90).not.toBe(63); // the trap: 63.00000000000001
    const v90 = Array.from({ length: 90 }, (_, i) => i);
    expect(nearestRank(v90, 0.7)).toBe(62); // v[ceil(63) - 1]
  });
  it('nearestRankMedian sorts first and takes the lower middle on even counts', () => {
    expect(nearestRankMedian([40, 10, 30, 20])).toBe(20);
    expect(nearestRankMedian([3, 1, 2])).toBe(2);
    expect(nearestRankMedian([])).toBeNull();
  });
});

const fix = (duration: number) => ({ duration, fixed: true });
const cens = (duration: number) => ({ duration, fixed: false });

describe('kaplanMeierMedian', () => {
  it('is null with no observations', () => {
    expect(kaplanMeierMedian([])).toBeNull();
  });
  it('all fixed: the first duration where the share still open is ≤ 0.5', () => {
    expect(kaplanMeierMedian([fix(5)])).toBe(5); // S = 0
    expect(kaplanMeierMedian([fix(4), fix(1), fix(3), fix(2)])).toBe(2); // 3/4, then 2/4 = 0.5
    expect(kaplanMeierMedian([fix(1), fix(2), fix(3)])).toBe(2); // 2/3, then 1/3
  });
  it('reaches exactly 0.5 through a product (5/6 × 3/5)', () => {
    expect(kaplanMeierMedian([fix(1), fix(2), fix(2), fix(9), fix(9), fix(9)])).toBe(2);
  });
  it('never reaching 0.5 is null', () => {
    // S = 2/3 after t=1; nobody else is fixed
    expect(kaplanMeierMedian([fix(1), cens(2), cens(3)])).toBeNull();
    expect(kaplanMeierMedian([cens(1), cens(2)])).toBeNull();
  });
  it('censoring lowers the risk set for later fixes', () => {
    // t=1: 4 at risk, S = 3/4; censor at 2 leaves 2 at risk; t=3: S = 3/4 × 1/2 = 3/8
    expect(kaplanMeierMedian([fix(1), cens(2), fix(3), cens(10)])).toBe(3);
  });
  it('fixes tied with censoring at the same duration count first', () => {
    // 5 subjects. t=1: 2 fixed, 1 censored. Fixes first: S = 1 - 2/5 = 0.6 (> 0.5);
    // (censored first would give 1 - 2/4 = 0.5 and answer 1). t=3: 2 at risk, both fixed: S = 0.
    expect(kaplanMeierMedian([fix(1), fix(1), cens(1), fix(3), fix(3)])).toBe(3);
  });
  it('ignores input order', () => {
    expect(kaplanMeierMedian([fix(3), cens(10), fix(1), cens(2)])).toBe(3);
  });
  it('equals the plain nearest-rank median when nothing is censored (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 40 }), (ds) => {
        const sorted = [...ds].sort((a, b) => a - b);
        // S(t) = (n - #≤t)/n ≤ 0.5 ⇔ #≤t ≥ n/2: the smallest such t is v[ceil(n/2) - 1].
        expect(kaplanMeierMedian(ds.map(fix))).toBe(nearestRank(sorted, 0.5));
      }),
      { numRuns: 200 },
    );
  });
});

describe('kaplanMeierCurve', () => {
  const pt = (duration: number, survival: number) => ({ duration, survival });
  it('starts at {0, 1}; with no fix it stays there', () => {
    expect(kaplanMeierCurve([])).toEqual([pt(0, 1)]);
    expect(kaplanMeierCurve([cens(3), cens(1)])).toEqual([pt(0, 1)]);
  });
  it('steps at each fix duration, in order, whatever the input order', () => {
    // 4 at risk: 1 → 3/4, 2 → 2/4, 3 → 1/4, 4 → 0.
    expect(kaplanMeierCurve([fix(4), fix(1), fix(3), fix(2)])).toEqual([pt(0, 1), pt(1, 0.75), pt(2, 0.5), pt(3, 0.25), pt(4, 0)]);
  });
  it('ties between fixes make one step', () => {
    // 6 at risk: t=1 one fix → 5/6; t=2 two fixes of 5 → 5/6 × 3/5 = 1/2; t=9 all three → 0.
    expect(kaplanMeierCurve([fix(1), fix(2), fix(2), fix(9), fix(9), fix(9)])).toEqual([pt(0, 1), pt(1, 5 / 6), pt(2, 0.5), pt(9, 0)]);
  });
  it('censoring shrinks the risk set of later fixes and makes no step', () => {
    // 4 at risk: t=1 → 3/4; censored at 2 leaves 2; t=3 → 3/4 × 1/2 = 3/8; censored at 10: no step.
    expect(kaplanMeierCurve([fix(1), cens(2), fix(3), cens(10)])).toEqual([pt(0, 1), pt(1, 0.75), pt(3, 0.375)]);
  });
  it('fixes tied with a censoring count first', () => {
    // 5 at risk. t=1: 2 fixed, 1 censored, fixes first: 3/5 (not 1 - 2/4). t=3: 2 at risk, both fixed: 0.
    expect(kaplanMeierCurve([fix(1), fix(1), cens(1), fix(3), fix(3)])).toEqual([pt(0, 1), pt(1, 0.6), pt(3, 0)]);
    // The docs' worked example: fixes after 2, 10, 24, 48 h; open for 24 h and 180 h.
    expect(kaplanMeierCurve([fix(2), fix(10), fix(24), fix(48), cens(24), cens(180)])).toEqual([
      pt(0, 1), pt(2, 5 / 6), pt(10, 2 / 3), pt(24, 0.5), pt(48, 0.25),
    ]);
  });
  it('starts at the smallest duration when a fix is negative (stamped before its opening)', () => {
    expect(kaplanMeierCurve([fix(-2), fix(3)])).toEqual([pt(-2, 1), pt(-2, 0.5), pt(3, 0)]);
  });
  it('keeps the estimate exact, also past what a double holds as a fraction', () => {
    // 400 subjects fixed one at a time: the reduced fraction is (400 - k) / 400 at step k.
    const curve = kaplanMeierCurve(Array.from({ length: 400 }, (_, i) => fix(i + 1)));
    expect(curve.map((p) => p.survival)).toEqual([1, ...Array.from({ length: 400 }, (_, i) => (399 - i) / 400)]);
    // Risk sets that share no factor: the denominator outgrows a double, the value does not.
    const obs = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? fix(i + 1) : cens(i + 1)));
    let s = 1;
    let atRisk = 300;
    const expected = [1];
    for (let i = 0; i < 300; i++) {
      if (i % 2 === 0) {
        s *= (atRisk - 1) / atRisk;
        expected.push(s);
      }
      atRisk--;
    }
    kaplanMeierCurve(obs).forEach((p, i) => expect(p.survival).toBeCloseTo(expected[i], 12));
  });
  it('its first step at or below 0.5 is kaplanMeierMedian (property)', () => {
    const obs = fc.array(fc.record({ duration: fc.integer({ min: 0, max: 20 }), fixed: fc.boolean() }), { maxLength: 30 });
    fc.assert(
      fc.property(obs, (o) => {
        const curve = kaplanMeierCurve(o);
        const firstHalf = curve.slice(1).find((p) => p.survival <= 0.5);
        expect(firstHalf?.duration ?? null).toBe(kaplanMeierMedian(o));
        for (let i = 1; i < curve.length; i++) {
          // A fix at 0 steps straight down at the start.
          if (i === 1) expect(curve[1].duration).toBeGreaterThanOrEqual(0);
          else expect(curve[i].duration).toBeGreaterThan(curve[i - 1].duration);
          expect(curve[i].survival).toBeLessThan(curve[i - 1].survival);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('exactSum', () => {
  it('is correctly rounded and order-independent', () => {
    expect(exactSum([])).toBe(0);
    expect(exactSum([0.1, 0.2, 0.3])).toBe(0.6);
    expect(exactSum([0.3, 0.2, 0.1])).toBe(0.6);
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6); // naive left-to-right is not
    expect(exactSum([1e16, 1, -1e16])).toBe(1);
    expect(exactSum([0.25, 3, 1.5, 0.3])).toBe(5.05);
  });
  it('does not depend on order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { maxLength: 30 }), (xs) => {
        expect(exactSum(xs)).toBe(exactSum([...xs].reverse()));
      }),
      { numRuns: 200 },
    );
  });
});

describe('exact threshold comparisons', () => {
  it('atLeastTimes compares against the decimal as written', () => {
    expect(atLeastTimes(14, 0.7, 20)).toBe(true);
    expect(atLeastTimes(21, 0.7, 30)).toBe(true);
    expect(atLeastTimes(20, 0.7, 29)).toBe(false); // 20 < 20.3
    expect(atLeastTimes(1, 1e-3, 1000)).toBe(true);
    expect(atLeastTimes(0, 1e-3, 1000)).toBe(false);
  });
  it('grewBy: a ≥ (1 + growth) × b exactly', () => {
    expect(110 >= 1.1 * 100).toBe(false); // the float trap
    expect(grewBy(110, 0.1, 100)).toBe(true);
    expect(grewBy(109, 0.1, 100)).toBe(false);
    expect(grewBy(150, 0.5, 100)).toBe(true);
    expect(grewBy(149, 0.5, 100)).toBe(false);
    expect(grewBy(0, 0.5, 0)).toBe(true);
  });
});
