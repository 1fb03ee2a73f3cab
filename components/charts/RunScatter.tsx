'use client';

import { useRouter } from 'next/navigation';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis, type TooltipContentProps } from 'recharts';
import { logAxis } from '@/lib/charts/scale';
import type { RunPoint } from '@/lib/data/run-list';

export type LinkedRunPoint = RunPoint & { href: string };

const SERIES = [
  { key: 'merged', name: 'Merged a change', color: 'var(--good)', shape: 'circle' },
  { key: 'no-merge', name: 'Ended without a merge', color: 'var(--muted)', shape: 'circle' },
  { key: 'running', name: 'Still running', color: 'var(--accent)', shape: 'circle' },
  { key: 'flagged', name: 'Flagged', color: 'var(--bad)', shape: 'cross' },
] as const;

const OUTCOME = { merged: 'merged a change', 'no-merge': 'ended without a merge', running: 'still running' } as const;
const tick = { fill: 'var(--muted)', fontSize: 12 };
const compact = new Intl.NumberFormat('en-US', { notation: 'compact' });
const whole = new Intl.NumberFormat('en-US');

function RunTip({ active, payload }: TooltipContentProps) {
  const p = active ? (payload?.[0]?.payload as LinkedRunPoint | undefined) : undefined;
  if (!p) return null;
  return (
    <div className="chart-tip">
      <strong>{p.run}</strong>
      <div>
        {whole.format(p.tokens)} tokens · {whole.format(p.iterations)} iterations
      </div>
      <div>
        {OUTCOME[p.outcome]}
        {p.flagged ? ' · flagged' : ''}
      </div>
      <div className="muted">Click to open the run</div>
    </div>
  );
}

/**
 * Runs by tokens burned against iterations, coloured by what they shipped, flagged runs marked; a
 * point opens its run. Mouse only: the runs table below lists the same runs as links.
 */
export function RunScatter({ points }: { points: LinkedRunPoint[] }) {
  const router = useRouter();
  const series = SERIES.map((s) => ({
    ...s,
    data: points.filter((p) => (s.key === 'flagged' ? p.flagged : !p.flagged && p.outcome === s.key)).map((p) => ({ ...p, tokens: Math.max(p.tokens, 1) })),
  }));
  const tokens = points.map((p) => Math.max(p.tokens, 1));
  const axis = tokens.length ? logAxis(Math.min(...tokens), Math.max(...tokens), 0, 1) : null;
  return (
    <div style={{ width: '100%', height: 320 }} aria-hidden="true" className="run-scatter">
      <ResponsiveContainer>
        <ScatterChart margin={{ top: 8, right: 12, bottom: 16, left: 8 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis
            type="number"
            dataKey="tokens"
            name="Tokens"
            scale="log"
            domain={axis ? axis.domain : ['auto', 'auto']}
            ticks={axis?.ticks}
            tick={tick}
            tickFormatter={(v: number) => compact.format(v)}
            label={{ value: 'Tokens burned (log scale)', position: 'insideBottom', offset: -10, fill: 'var(--muted)', fontSize: 12 }}
          />
          <YAxis
            type="number"
            dataKey="iterations"
            name="Iterations"
            allowDecimals={false}
            tick={tick}
            tickCount={6}
            label={{ value: 'Iterations', angle: -90, position: 'insideLeft', offset: 4, fill: 'var(--muted)', fontSize: 12 }}
          />
          <ZAxis range={[36, 36]} />
          <Tooltip cursor={{ strokeDasharray: '3 3' }} content={RunTip} />
          <Legend verticalAlign="top" />
          {series.map((s) => (
            <Scatter
              key={s.key}
              name={s.name}
              data={s.data}
              fill={s.color}
              shape={s.shape}
              cursor="pointer"
              onClick={(point) => {
                const href = (point as { payload?: LinkedRunPoint }).payload?.href;
                if (href) router.push(href);
              }}
            />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
