'use client';

import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { KmCurvePoint } from '@/lib/dashboard/time-to-fix';

export interface TimeToFixBucket {
  label: string;
  defects: number;
}

const tick = { fill: 'var(--muted)', fontSize: 11 };
const tip = { background: 'var(--surface)', border: '1px solid var(--border)' };

/** How long fixes took (the fixed defects), and the Kaplan–Meier curve that also counts the open ones. */
export function TimeToFixCharts({ buckets, kmCurve }: { buckets: TimeToFixBucket[]; kmCurve: readonly KmCurvePoint[] }) {
  const curve = kmCurve.map((p) => ({ hours: Math.round(p.hours * 10) / 10, open: Math.round(p.survival * 1000) / 10 }));
  return (
    <div className="grid-2" aria-hidden="true">
      <div style={{ width: '100%', height: 240 }}>
        <ResponsiveContainer>
          <BarChart data={buckets} margin={{ top: 8, right: 8, bottom: 16, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis
              dataKey="label"
              tick={tick}
              interval={0}
              angle={-35}
              textAnchor="end"
              height={44}
              label={{ value: 'fixed within', position: 'insideBottom', offset: -12, fill: 'var(--muted)', fontSize: 11 }}
            />
            <YAxis allowDecimals={false} tick={tick} width={32} />
            <Tooltip contentStyle={tip} />
            <Bar dataKey="defects" name="Fixed defects" fill="var(--accent)" />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div style={{ width: '100%', height: 240 }}>
        <ResponsiveContainer>
          <LineChart data={curve} margin={{ top: 8, right: 8, bottom: 16, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis
              dataKey="hours"
              type="number"
              tick={tick}
              tickFormatter={(h: number) => `${h} h`}
              height={44}
              label={{ value: 'hours after opening', position: 'insideBottom', offset: -4, fill: 'var(--muted)', fontSize: 11 }}
            />
            <YAxis domain={[0, 100]} tick={tick} tickFormatter={(v: number) => `${v}%`} width={40} />
            <Tooltip contentStyle={tip} formatter={(v) => `${v}% still open`} labelFormatter={(h) => `after ${h} h`} />
            <Line type="stepAfter" dataKey="open" name="Still open (Kaplan–Meier)" stroke="var(--bad)" strokeWidth={2} dot={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
