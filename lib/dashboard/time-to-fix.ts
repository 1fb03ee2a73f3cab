/** Buckets of fix durations for the dashboard's histogram (display only: the KPIs use the raw hours). */
export const FIX_BUCKETS: { label: string; upToHours: number }[] = [
  { label: '< 4 h', upToHours: 4 },
  { label: '4–12 h', upToHours: 12 },
  { label: '12–24 h', upToHours: 24 },
  { label: '1–2 d', upToHours: 48 },
  { label: '2–4 d', upToHours: 96 },
  { label: '4–7 d', upToHours: 168 },
  { label: '> 7 d', upToHours: Infinity },
];

export function bucketFixHours(hours: readonly number[]): { label: string; defects: number }[] {
  const counts = FIX_BUCKETS.map((b) => ({ label: b.label, defects: 0 }));
  for (const h of hours) counts[FIX_BUCKETS.findIndex((b) => h < b.upToHours)].defects++;
  return counts;
}

export interface KmCurvePoint {
  hours: number;
  survival: number;
}

/** Where the figures table reads the Kaplan–Meier curve: the histogram's bucket edges (4 h … 7 d). */
export const KM_TABLE_HOURS: readonly number[] = FIX_BUCKETS.map((b) => b.upToHours).filter(Number.isFinite);

/** The curve's value at `hours`: that of its last step at or before it (1 before the first). */
export function survivalAt(curve: readonly KmCurvePoint[], hours: number): number {
  let survival = 1;
  for (const p of curve) {
    if (p.hours > hours) break;
    survival = p.survival;
  }
  return survival;
}

/**
 * The curve as the chart draws it: read at `max` even steps from its first point to its last
 * (a 240-pixel chart shows no finer steps), so that its size stays the same whatever the number
 * of defects; a curve of no more points is drawn as it is.
 */
export function chartCurve(curve: readonly KmCurvePoint[], max = 120): readonly KmCurvePoint[] {
  if (curve.length <= max) return curve;
  const first = curve[0].hours;
  const last = curve[curve.length - 1].hours;
  return Array.from({ length: max }, (_, i) => {
    const hours = i === max - 1 ? last : first + ((last - first) * i) / (max - 1);
    return { hours, survival: survivalAt(curve, hours) };
  });
}
