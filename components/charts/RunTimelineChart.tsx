'use client';

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { IterationSummary } from '@/lib/data/runs';

/** The loop turn by turn: tokens and test failures per iteration, and messages against tool calls. */
export function RunTimelineChart({ iterations }: { iterations: IterationSummary[] }) {
  const data = iterations.map((i) => ({ ...i, label: i.n === 0 ? 'setup' : `#${i.n}` }));
  const tip = { background: 'var(--surface)', border: '1px solid var(--border)' };
  const tick = { fill: 'var(--muted)', fontSize: 12 };
  return (
    <div aria-hidden="true">
      <div style={{ width: '100%', height: 240 }}>
        <ResponsiveContainer>
          <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="label" tick={tick} />
            <YAxis yAxisId="tokens" tick={tick} tickFormatter={(v: number) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(v)} />
            <YAxis yAxisId="tests" orientation="right" allowDecimals={false} tick={tick} />
            <Tooltip contentStyle={tip} />
            <Legend />
            <Bar yAxisId="tokens" dataKey="tokens" name="Tokens" fill="var(--warn)" opacity={0.6} />
            <Line yAxisId="tests" dataKey="testsFailed" name="Tests failing" stroke="var(--bad)" strokeWidth={2} connectNulls />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <div style={{ width: '100%', height: 200 }}>
        <ResponsiveContainer>
          <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="label" tick={tick} />
            <YAxis allowDecimals={false} tick={tick} />
            <Tooltip contentStyle={tip} />
            <Legend />
            <Bar dataKey="messages" name="Agent messages" stackId="a" fill="var(--bad)" opacity={0.7} />
            <Bar dataKey="toolCalls" name="Tool calls" stackId="a" fill="var(--accent)" opacity={0.7} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
