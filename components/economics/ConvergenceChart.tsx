'use client';

import { Bar, BarChart, CartesianGrid, ErrorBar, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** One bar: a group's convergence rate (percent) and how far its 95 % interval reaches below and above. */
export interface ConvergencePoint {
  key: string;
  rate: number;
  /** [rate − low, high − rate], in percentage points. */
  ci: [number, number];
  low: number;
  high: number;
}

/** Convergence rate per group with its 95 % Wilson interval as an error bar. */
export function ConvergenceChart({ data }: { data: ConvergencePoint[] }) {
  return (
    <div style={{ width: '100%', height: 48 + 32 * data.length }} aria-hidden="true" data-testid="convergence-chart">
      <ResponsiveContainer>
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" horizontal={false} />
          <XAxis type="number" domain={[0, 100]} tick={{ fill: 'var(--muted)', fontSize: 12 }} tickFormatter={(v: number) => `${v}%`} />
          <YAxis type="category" dataKey="key" tick={{ fill: 'var(--muted)', fontSize: 12 }} width={140} />
          <Tooltip
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
            formatter={(_, __, item) => {
              const p = item?.payload as ConvergencePoint | undefined;
              return p ? `${p.rate.toFixed(1)}% (95% interval ${p.low.toFixed(1)}–${p.high.toFixed(1)}%)` : '';
            }}
          />
          <Bar dataKey="rate" name="Convergence" fill="var(--accent)" barSize={14} isAnimationActive={false}>
            <ErrorBar dataKey="ci" direction="x" width={6} stroke="var(--text)" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
