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
