import { RANGE_PRESETS, type DashboardRange } from '@/lib/dashboard/search-params';

/** Range presets as links, so the choice lives in the URL. */
export function RangePicker({ basePath, range }: { basePath: string; range: DashboardRange }) {
  return (
    <nav className="range-picker" aria-label="Date range">
      {RANGE_PRESETS.map((p) => (
        <a key={p.id} href={p.id === '4w' ? basePath : `${basePath}?range=${p.id}`} aria-current={range.preset === p.id}>
          {p.label}
        </a>
      ))}
      {range.preset === 'custom' && (
        <a href={`${basePath}?${new URLSearchParams(range.query)}`} aria-current>
          {range.query.from} → {range.query.to}
        </a>
      )}
    </nav>
  );
}
