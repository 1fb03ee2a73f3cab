/** The Wilson score interval of a proportion (economics-v1 `convergenceCi95`). */

/** The two-sided 95 % normal quantile economics-v1 names. */
export const Z_95 = 1.959964;

/**
 * The Wilson score interval of `successes` out of `n` at `z`: centre (p + z²/2n) ÷ (1 + z²/n),
 * half-width z ÷ (1 + z²/n) × √(p(1 − p)/n + z²/4n²). Null when n = 0. The interval starts at 0
 * exactly when there is no success and ends at 1 when all are (rounding would leave a hair's
 * breadth), and is clamped to [0, 1] otherwise for the same reason.
 */
export function wilsonInterval(successes: number, n: number, z: number = Z_95): [low: number, high: number] | null {
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [successes === 0 ? 0 : Math.max(0, centre - half), successes === n ? 1 : Math.min(1, centre + half)];
}
