'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { WeeklyPoint } from '@/lib/dashboard/weekly-points';

/** Week-survival and defect rate by week of merge; gaps where nothing is eligible yet. */
export function WeeklyRatesChart({ data }: { data: WeeklyPoint[] }) {
  return (
    <div style={{ width: '100%', height: 260 }} aria-hidden="true">
      <ResponsiveContainer>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="label" tick={{ fill: 'var(--muted)', fontSize: 12 }} interval="preserveStartEnd" />
          <YAxis domain={[0, 100]} tick={{ fill: 'var(--muted)', fontSize: 12 }} tickFormatter={(v: number) => `${v}%`} width={44} />
          <Tooltip
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
            labelFormatter={(_, items) => {
              const p = items?.[0]?.payload as WeeklyPoint | undefined;
              return p ? `Merged in the week of ${p.weekStart}${p.partial ? ' (partial)' : ''}` : '';
            }}
            formatter={(v) => (v === null || v === undefined ? 'not old enough yet' : `${Number(v).toFixed(1)}%`)}
          />
          <Legend />
          <Line dataKey="survival" name="Week-survival" stroke="var(--good)" strokeWidth={2} dot={{ r: 2 }} connectNulls={false} />
          <Line dataKey="defects" name="Defect rate" stroke="var(--bad)" strokeWidth={2} dot={{ r: 2 }} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
