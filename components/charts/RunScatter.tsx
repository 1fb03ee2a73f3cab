'use client';

import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import type { RunPoint } from '@/lib/data/runs';

const SERIES = [
  { key: 'merged', name: 'Merged a change', color: 'var(--good)', shape: 'circle' },
  { key: 'no-merge', name: 'Ended without a merge', color: 'var(--muted)', shape: 'circle' },
  { key: 'running', name: 'Still running', color: 'var(--accent)', shape: 'circle' },
  { key: 'flagged', name: 'Flagged', color: 'var(--bad)', shape: 'cross' },
] as const;

/** Runs by tokens burned against iterations, coloured by what they shipped; flagged runs marked. */
export function RunScatter({ points }: { points: RunPoint[] }) {
  const series = SERIES.map((s) => ({
    ...s,
    data: points.filter((p) => (s.key === 'flagged' ? p.flagged : !p.flagged && p.outcome === s.key)).map((p) => ({ ...p, tokens: Math.max(p.tokens, 1) })),
  }));
  return (
    <div style={{ width: '100%', height: 300 }} aria-hidden="true">
      <ResponsiveContainer>
        <ScatterChart margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis
            type="number"
            dataKey="tokens"
            name="Tokens"
            scale="log"
            domain={['auto', 'auto']}
            tick={{ fill: 'var(--muted)', fontSize: 12 }}
            tickFormatter={(v: number) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(v)}
          />
          <YAxis type="number" dataKey="iterations" name="Iterations" allowDecimals={false} tick={{ fill: 'var(--muted)', fontSize: 12 }} />
          <ZAxis range={[28, 28]} />
          <Tooltip
            cursor={{ strokeDasharray: '3 3' }}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
            formatter={(value) => new Intl.NumberFormat('en-US').format(Number(value))}
          />
          <Legend />
          {series.map((s) => (
            <Scatter key={s.key} name={s.name} data={s.data} fill={s.color} shape={s.shape} />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
