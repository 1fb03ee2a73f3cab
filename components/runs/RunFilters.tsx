import { RUN_STATUS_FILTERS } from '@/lib/data/run-query';
import type { SearchParams } from '@/lib/dashboard/search-params';

function first(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/**
 * The runs table's own filters (status, flagged) as a plain GET form: they narrow the table
 * only, and keep the range and the view's filters.
 */
export function RunFilters({ params, anchor }: { params: SearchParams; /** The id the answer returns to (see RunsTable). */ anchor?: string }) {
  const keep = ['range', 'from', 'to', 'asOf', 'agent', 'model', 'repo', 'sort', 'dir'].filter((k) => first(params[k]));
  return (
    <form method="get" action={anchor ? `#${anchor}` : undefined} className="form-row" aria-label="Runs table filters" data-testid="filters">
      {keep.map((k) => (
        <input key={k} type="hidden" name={k} value={first(params[k])} />
      ))}
      <div>
        <label htmlFor="filter-status">Run status</label>
        <select id="filter-status" name="status" defaultValue={first(params.status)}>
          <option value="">Any status</option>
          {RUN_STATUS_FILTERS.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-flagged">Flagged</label>
        <select id="filter-flagged" name="flagged" defaultValue={first(params.flagged)}>
          <option value="">All runs</option>
          <option value="yes">Flagged only</option>
          <option value="no">Not flagged</option>
        </select>
      </div>
      <button type="submit" className="secondary">
        Show runs
      </button>
    </form>
  );
}
