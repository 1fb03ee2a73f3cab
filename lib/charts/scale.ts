/**
 * Axes for the charts drawn as static SVG on the server (the overview's verdict chart, the shared
 * report's weekly charts): a domain rounded out to "nice" ticks, and linear or logarithmic
 * scales onto pixels. Pure.
 */

export interface Axis {
  /** Value → pixel. */
  at(value: number): number;
  ticks: number[];
  /** The domain actually drawn: [first tick, last tick]. */
  domain: [number, number];
}

/** 1, 2 or 5 × a power of ten: the step of about `count` intervals over [min, max]. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

/** Ticks from ≤ min to ≥ max in nice steps, about `count` intervals; [0, 1] when empty. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) {
    if (max === min && max !== 0) return niceTicks(Math.min(0, min), Math.max(0, max), count);
    return [0, 1];
  }
  const step = niceStep(max - min, count);
  const first = Math.floor(min / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v < max + step - 1e-9 * step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A linear axis over nice ticks spanning [min, max], onto [from, to] pixels. */
export function linearAxis(min: number, max: number, from: number, to: number, count = 5): Axis {
  const ticks = niceTicks(min, max, count);
  const lo = ticks[0];
  const hi = ticks[ticks.length - 1];
  return { ticks, domain: [lo, hi], at: (v) => from + ((v - lo) / (hi - lo)) * (to - from) };
}

/** A log axis from the power of ten ≤ min to the one ≥ max, ticks at 1, 2 and 5 × each (1 and 3 when it spans many). */
export function logAxis(min: number, max: number, from: number, to: number): Axis {
  const lo = 10 ** Math.floor(Math.log10(min));
  let hi = 10 ** Math.ceil(Math.log10(max));
  if (hi <= lo) hi = lo * 10;
  const decades = Math.round(Math.log10(hi / lo));
  const steps = decades > 3 ? [1, 3] : [1, 2, 5];
  const ticks: number[] = [];
  for (let p = lo; p < hi * 1.0001; p *= 10) for (const s of steps) if (p * s <= hi * 1.0001) ticks.push(Number((p * s).toPrecision(12)));
  const span = Math.log10(hi) - Math.log10(lo);
  return { ticks, domain: [lo, hi], at: (v) => from + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span) * (to - from) };
}
