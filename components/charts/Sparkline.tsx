/** A tiny trend line as inline SVG: no client JavaScript, readable by its label. */
export function Sparkline({
  values,
  label,
  width = 96,
  height = 24,
  tone = 'accent',
}: {
  values: number[];
  label: string;
  width?: number;
  height?: number;
  tone?: 'accent' | 'warn';
}) {
  if (values.length < 2) return <span className="muted">—</span>;
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const points = values
    .map((v, i) => `${((i / (values.length - 1)) * (width - 2) + 1).toFixed(1)},${(height - 1 - ((v - min) / span) * (height - 2)).toFixed(1)}`)
    .join(' ');
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke={`var(--${tone})`} strokeWidth="1.5" />
    </svg>
  );
}
