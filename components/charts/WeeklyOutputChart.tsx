'use client';

import { Bar, CartesianGrid, Cell, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { WeeklyPoint } from '@/lib/dashboard/weekly-points';

const tick = { fill: 'var(--muted)', fontSize: 12 };

/**
 * The electricity bill against the factory's output: weekly token cost next to merged and
 * surviving changes. A week whose survivors are not known yet is a gap; partial weeks are paler.
 */
export function WeeklyOutputChart({ data }: { data: WeeklyPoint[] }) {
  return (
    <div style={{ width: '100%', height: 280 }} aria-hidden="true">
      <ResponsiveContainer>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="label" tick={tick} interval="preserveStartEnd" />
          <YAxis yAxisId="cost" tick={tick} tickFormatter={(v: number) => `$${v}`} width={48} />
          <YAxis yAxisId="count" orientation="right" allowDecimals={false} tick={tick} width={32} />
          <Tooltip
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
            labelFormatter={(_, items) => {
              const p = items?.[0]?.payload as WeeklyPoint | undefined;
              return p ? `Week of ${p.weekStart}${p.partial ? ' (partial)' : ''}` : '';
            }}
            formatter={(v, name) => (v === null || v === undefined ? ['not known yet', name] : [name === 'Token cost (USD)' ? `$${v}` : v, name])}
          />
          <Legend />
          <Bar yAxisId="cost" dataKey="costUsd" name="Token cost (USD)" fill="var(--warn)" opacity={0.6}>
            {data.map((p) => (
              <Cell key={p.weekStart} fillOpacity={p.partial ? 0.45 : 1} />
            ))}
          </Bar>
          <Line yAxisId="count" dataKey="merged" name="Merged changes" stroke="var(--accent)" strokeWidth={2} dot={{ r: 2 }} />
          <Line yAxisId="count" dataKey="survived" name="Survived a week" stroke="var(--good)" strokeWidth={2} dot={{ r: 2 }} connectNulls={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
