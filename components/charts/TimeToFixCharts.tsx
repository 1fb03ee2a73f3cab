'use client';

import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface TimeToFixBucket {
  label: string;
  defects: number;
}

/** How long fixes took (the fixed defects), and the Kaplan–Meier curve that also counts the open ones. */
export function TimeToFixCharts({ buckets, kmCurve }: { buckets: TimeToFixBucket[]; kmCurve: { hours: number; survival: number }[] }) {
  const tick = { fill: 'var(--muted)', fontSize: 12 };
  const tip = { background: 'var(--surface)', border: '1px solid var(--border)' };
  const curve = kmCurve.map((p) => ({ hours: Math.round(p.hours * 10) / 10, open: Math.round(p.survival * 1000) / 10 }));
  return (
    <div className="grid-2" aria-hidden="true">
      <div style={{ width: '100%', height: 220 }}>
        <ResponsiveContainer>
          <BarChart data={buckets} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="label" tick={tick} />
            <YAxis allowDecimals={false} tick={tick} />
            <Tooltip contentStyle={tip} />
            <Bar dataKey="defects" name="Fixed defects" fill="var(--accent)" />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div style={{ width: '100%', height: 220 }}>
        <ResponsiveContainer>
          <LineChart data={curve} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="hours" type="number" tick={tick} tickFormatter={(h: number) => `${h} h`} />
            <YAxis domain={[0, 100]} tick={tick} tickFormatter={(v: number) => `${v}%`} />
            <Tooltip contentStyle={tip} formatter={(v) => `${v}% still open`} labelFormatter={(h) => `after ${h} h`} />
            <Line type="stepAfter" dataKey="open" name="Still open (Kaplan–Meier)" stroke="var(--bad)" strokeWidth={2} dot={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
