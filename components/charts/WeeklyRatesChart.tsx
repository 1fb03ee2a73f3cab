'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface WeeklyRatePoint {
  week: string;
  /** Percentages, or null where the week has no eligible change yet. */
  survival: number | null;
  defects: number | null;
}

/** Week-survival and defect rate by week of merge; gaps where nothing is eligible yet. */
export function WeeklyRatesChart({ data }: { data: WeeklyRatePoint[] }) {
  return (
    <div style={{ width: '100%', height: 260 }} aria-hidden="true">
      <ResponsiveContainer>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="week" tick={{ fill: 'var(--muted)', fontSize: 12 }} />
          <YAxis domain={[0, 100]} tick={{ fill: 'var(--muted)', fontSize: 12 }} tickFormatter={(v: number) => `${v}%`} />
          <Tooltip
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
            formatter={(v) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(1)}%`)}
          />
          <Legend />
          <Line dataKey="survival" name="Week-survival" stroke="var(--good)" strokeWidth={2} connectNulls={false} />
          <Line dataKey="defects" name="Defect rate" stroke="var(--bad)" strokeWidth={2} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
