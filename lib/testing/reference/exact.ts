/**
 * Exact arithmetic for the comparisons the spec states as ratios (70 %, 50 %, nearest-rank p,
 * the Kaplan–Meier "falls to 0.5"): done over integers (BigInt) so that 14 of 20 messages is 70 %
 * and a survival of exactly 1/2 is "0.5 or below", whatever binary floating point would say.
 * A threshold setting such as 0.7 is read as the decimal it is written as (7/10).
 */

/** A non-negative finite number as the exact fraction of its shortest decimal writing. */
export function decimalFraction(x: number): { num: bigint; den: bigint } {
  if (!Number.isFinite(x) || x < 0) throw new Error(`reference: ${x} is not a finite number >= 0`);
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new Error(`reference: cannot read ${x} as a decimal`);
  const digits = m[1] + (m[2] ?? '');
  const exp = (m[3] ? Number(m[3]) : 0) - (m[2]?.length ?? 0);
  let num = BigInt(digits);
  let den = 1n;
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den = 10n ** BigInt(-exp);
  return { num, den };
}

/** a ≥ share × b, exactly (a, b integers). */
export function atLeastShareOf(a: number, share: number, b: number): boolean {
  const { num, den } = decimalFraction(share);
  return BigInt(a) * den >= num * BigInt(b);
}

/** later ≥ earlier × (1 + growth), i.e. "grew by ≥ growth", exactly (integers). */
export function grewByAtLeast(later: number, growth: number, earlier: number): boolean {
  const { num, den } = decimalFraction(growth);
  return BigInt(later - earlier) * den >= num * BigInt(earlier);
}

/** tokens ≥ multiplier × median, exactly (integers). */
export function atLeastTimes(tokens: number, multiplier: number, median: number): boolean {
  const { num, den } = decimalFraction(multiplier);
  return BigInt(tokens) * den >= num * BigInt(median);
}

/**
 * "Percentiles are nearest-rank: for sorted values `v[0..n-1]`, the p-quantile is
 * `v[ceil(p*n)-1]`", with p a decimal (0.5, 0.9) and ceil taken exactly.
 */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const { num, den } = decimalFraction(p);
  const product = num * BigInt(sorted.length);
  const ceil = (product + den - 1n) / den;
  return sorted[Math.max(0, Number(ceil) - 1)];
}

/**
 * kpis-v1 `kmP50Hours`: "the Kaplan–Meier median that counts open defects as censored at asOf,
 * the smallest fix duration at which the estimate falls to 0.5 or below (fixes tied with a
 * censoring at the same duration count first; null where it never falls that far)".
 * Walking the distinct fix durations ascending, at each the estimate is multiplied by
 * (at risk − fixed there) ÷ at risk, "at risk" being the observations (fixed or censored) whose
 * duration is not below it. Durations in ms; the answer in ms.
 */
export function kaplanMeierMedian(fixed: readonly number[], censored: readonly number[]): number | null {
  let sNum = 1n;
  let sDen = 1n;
  const times = [...new Set(fixed)].sort((a, b) => a - b);
  for (const t of times) {
    const atRisk = BigInt(fixed.filter((d) => d >= t).length + censored.filter((d) => d >= t).length);
    const fixedHere = BigInt(fixed.filter((d) => d === t).length);
    sNum *= atRisk - fixedHere;
    sDen *= atRisk;
    if (2n * sNum <= sDen) return t;
  }
  return null;
}
