/**
 * Figures of an export rounded as the dashboard shows them (a cost to the cent, or to 4 decimals
 * below ten cents; a rate or share to a tenth of a percent; hours and per-week figures to one
 * decimal), so `68.86873949899999` reads `68.87`. Chosen by the figure's name; counts (integers)
 * are left as they are. The API answers the exact values.
 */

const MONEY = /(?:usd|^costPer\w+)$/i;
const SHARE = /^(?:rate|convergenceRate|convergenceCi95|messageShare|minMessageShare|tokenGrowth|minGrowth|utilization)$/;
const ONE_DECIMAL = /(?:Hours|^mergedPerWeek|^idleHours)$/;

const round = (v: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
};

/** One figure by its name: `costUsd`, `rate`, `p50Hours`, … */
export function roundFigure(name: string, value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  if (MONEY.test(name)) return round(value, Math.abs(value) < 0.1 ? 4 : 2);
  if (SHARE.test(name)) return round(value, 3);
  if (ONE_DECIMAL.test(name)) return round(value, 1);
  return value;
}

/** A copy of `value` (objects and arrays of figures) with every number rounded by its name. */
export function roundFigures<T>(value: T, name = ''): T {
  if (typeof value === 'number') return roundFigure(name, value) as T;
  if (Array.isArray(value)) return value.map((v) => roundFigures(v, name)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundFigures(v, k)])) as T;
  }
  return value;
}
