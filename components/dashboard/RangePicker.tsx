import { RANGE_PRESETS, withParams, type DashboardRange, type SearchParams } from '@/lib/dashboard/search-params';
import { RangeNotice } from './RangeNotice';

/**
 * Range presets as links and a custom range as a GET form, so the choice lives in the URL;
 * the other view settings (filters, a pinned asOf) are kept. A range the URL asked for but
 * cannot have (too long, malformed) is named in a notice (RangeNotice).
 */
export function RangePicker({ basePath, range, params = {} }: { basePath: string; range: DashboardRange; params?: SearchParams }) {
  const carried = (changes: Record<string, string | undefined>) =>
    `${basePath}${withParams(params, { range: undefined, from: undefined, to: undefined, page: undefined, ...changes })}`;
  const keep = Object.entries(params).filter(([k, v]) => typeof v === 'string' && !['range', 'from', 'to', 'page'].includes(k));
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return (
    <>
      <div className="range-row">
        <nav className="range-picker" aria-label="Date range">
          {RANGE_PRESETS.map((p) => (
            <a key={p.id} href={carried({ range: p.id === '4w' ? undefined : p.id })} aria-current={range.preset === p.id}>
              {p.label}
            </a>
          ))}
        </nav>
        <form method="get" action={basePath} className="range-custom" aria-label="Custom range">
          {keep.map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v as string} />
          ))}
          <label>
            From <input type="date" name="from" required defaultValue={day(range.window.from)} />
          </label>
          <label>
            to <input type="date" name="to" required defaultValue={day(range.window.to - 1)} />
          </label>
          <button type="submit" className={range.preset === 'custom' ? '' : 'secondary'}>
            Show
          </button>
        </form>
      </div>
      <RangeNotice range={range} />
    </>
  );
}
