/** Percentiles, the Kaplan–Meier median, exact float sums and exact threshold comparisons. */

/**
 * The nearest-rank p-quantile of ascending `sorted`: `v[ceil(p*n) - 1]`; null when empty.
 * `p*n` is taken as the exact product (so `0.7 * 10` is 7, not 7.000000000000001); the rank is
 * clamped to `[1, n]` (p <= 0 gives the minimum).
 */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const x = p * n;
  const nearest = Math.round(x);
  // Float noise in p*n (e.g. 0.7*10 = 7.000000000000001) must not push the rank up by one.
  const rank = Math.abs(x - nearest) <= 1e-9 * Math.max(1, Math.abs(x)) ? nearest : Math.ceil(x);
  return sorted[Math.min(n, Math.max(1, rank)) - 1];
}

/** Nearest-rank median (p = 0.5) of unsorted values; null when empty. */
export function nearestRankMedian(values: readonly number[]): number | null {
  return nearestRank([...values].sort((a, b) => a - b), 0.5);
}

/** One subject for Kaplan–Meier: `fixed` true is an event at `duration`, false is censored there. */
export interface KmObservation {
  duration: number;
  fixed: boolean;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/** One step of the Kaplan–Meier estimate: at a fix duration, the survival as an exact fraction. */
interface KmStep {
  duration: number;
  num: bigint;
  den: bigint;
}

/**
 * The Kaplan–Meier estimate, one step per distinct fix duration, ascending: at each, the
 * survival so far is multiplied by (at risk − fixed there) ÷ at risk, where "at risk" counts the
 * subjects not fixed nor censored at an earlier duration — so censored subjects tied with fixes
 * at the same duration are still at risk there (fixes count first). Exact fractions, reduced.
 * The one definition behind kaplanMeierMedian and kaplanMeierCurve.
 */
function* kaplanMeierSteps(observations: readonly KmObservation[]): Generator<KmStep> {
  const sorted = [...observations].sort((a, b) => a.duration - b.duration);
  let atRisk = sorted.length;
  let num = 1n;
  let den = 1n;
  let i = 0;
  while (i < sorted.length) {
    const t = sorted[i].duration;
    let fixes = 0;
    let censored = 0;
    for (; i < sorted.length && sorted[i].duration === t; i++) {
      if (sorted[i].fixed) fixes++;
      else censored++;
    }
    if (fixes > 0) {
      num *= BigInt(atRisk - fixes);
      den *= BigInt(atRisk);
      const g = gcd(num, den);
      if (g > 1n) {
        num /= g;
        den /= g;
      }
      yield { duration: t, num, den };
    }
    atRisk -= fixes + censored;
  }
}

/**
 * The Kaplan–Meier median: the smallest event (fix) duration at which the survival estimate
 * falls to 0.5 or below; null where it never does. Censored subjects tied with events at the
 * same duration are still at risk at that duration (events count first). The estimate is kept
 * as an exact fraction, so "exactly 0.5" is exact.
 */
export function kaplanMeierMedian(observations: readonly KmObservation[]): number | null {
  for (const step of kaplanMeierSteps(observations)) if (2n * step.num <= step.den) return step.duration;
  return null;
}

/** One point of a Kaplan–Meier curve: the share still unfixed from `duration` on. */
export interface KmPoint {
  duration: number;
  survival: number;
}

/** `num / den` as the nearest-ish double, also when both are too large for a double. */
function ratio(num: bigint, den: bigint): number {
  const shift = BigInt(Math.max(0, den.toString(2).length - 64));
  return Number(num >> shift) / Number(den >> shift);
}

/**
 * The Kaplan–Meier survival curve as a step function: `{duration: 0, survival: 1}` first (or at
 * the smallest duration, when a fix is stamped before its opening and so negative), then one
 * point per distinct fix duration, ascending, with the estimate from that duration on — the same
 * steps as kaplanMeierMedian (fixes tied with a censoring count first). Censorings make no point
 * of their own; they only shrink the risk set of later steps.
 */
export function kaplanMeierCurve(observations: readonly KmObservation[]): KmPoint[] {
  let start = 0;
  for (const o of observations) if (o.duration < start) start = o.duration;
  const points: KmPoint[] = [{ duration: start, survival: 1 }];
  for (const step of kaplanMeierSteps(observations)) points.push({ duration: step.duration, survival: ratio(step.num, step.den) });
  return points;
}

/**
 * The correctly rounded sum of `values` (Shewchuk / Python `math.fsum`): independent of the
 * order of the values, so a figure does not depend on the order the query layer returns rows in.
 */
export function exactSum(values: Iterable<number>): number {
  const partials: number[] = [];
  for (let x of values) {
    let i = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j];
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n];
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // Round half-even correctly when the remaining partials push past a tie.
  if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}

/** A finite non-negative decimal number as an exact fraction (`0.7` → 7/10, `1e-3` → 1/1000). */
function decimalFraction(x: number): { num: bigint; den: bigint } | null {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) return null;
  const frac = m[2] ?? '';
  let num = BigInt(m[1] + frac);
  let den = 10n ** BigInt(frac.length);
  const exp = m[3] ? Number(m[3]) : 0;
  if (exp > 0) num *= 10n ** BigInt(exp);
  else if (exp < 0) den *= 10n ** BigInt(-exp);
  return { num, den };
}

/**
 * `a >= factor * b`, exactly for integer `a`, `b` and a decimal `factor` as written (so
 * `14 >= 0.7 * 20` and `150 >= 1.5 * 100` hold); falls back to float arithmetic otherwise.
 */
export function atLeastTimes(a: number, factor: number, b: number): boolean {
  const f = Number.isInteger(a) && Number.isInteger(b) ? decimalFraction(factor) : null;
  if (!f) return a >= factor * b;
  return BigInt(a) * f.den >= f.num * BigInt(b);
}

/** `a >= (1 + growth) * b`, exactly for integer `a`, `b` and a decimal `growth` as written. */
export function grewBy(a: number, growth: number, b: number): boolean {
  const f = Number.isInteger(a) && Number.isInteger(b) ? decimalFraction(growth) : null;
  if (!f) return a - b >= growth * b;
  return BigInt(a) * f.den >= (f.den + f.num) * BigInt(b);
}
