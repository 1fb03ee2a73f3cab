'use client';

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface WeeklyOutputPoint {
  week: string;
  costUsd: number;
  merged: number;
  survived: number;
}

/** The electricity bill against the factory's output: weekly token cost next to merged and surviving changes. */
export function WeeklyOutputChart({ data }: { data: WeeklyOutputPoint[] }) {
  return (
    <div style={{ width: '100%', height: 280 }} aria-hidden="true">
      <ResponsiveContainer>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="week" tick={{ fill: 'var(--muted)', fontSize: 12 }} />
          <YAxis yAxisId="cost" tick={{ fill: 'var(--muted)', fontSize: 12 }} tickFormatter={(v: number) => `$${v}`} />
          <YAxis yAxisId="count" orientation="right" allowDecimals={false} tick={{ fill: 'var(--muted)', fontSize: 12 }} />
          <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }} />
          <Legend />
          <Bar yAxisId="cost" dataKey="costUsd" name="Token cost (USD)" fill="var(--warn)" opacity={0.6} />
          <Line yAxisId="count" dataKey="merged" name="Merged changes" stroke="var(--accent)" strokeWidth={2} dot={false} />
          <Line yAxisId="count" dataKey="survived" name="Survived a week" stroke="var(--good)" strokeWidth={2} dot={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
