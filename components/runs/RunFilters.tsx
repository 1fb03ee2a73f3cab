import { RUN_STATUS_FILTERS } from '@/lib/data/run-query';
import type { RunList } from '@/lib/data/runs';
import type { SearchParams } from '@/lib/dashboard/search-params';

function first(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/**
 * The view's filters as a plain GET form: the choice lands in the URL, works without
 * JavaScript, and keeps the date range.
 */
export function RunFilters({ params, facets }: { params: SearchParams; facets: RunList['facets'] }) {
  const keep = ['range', 'from', 'to', 'asOf', 'sort', 'dir'].filter((k) => first(params[k]));
  const select = (name: string, label: string, options: readonly string[], all: string) => (
    <div>
      <label htmlFor={`filter-${name}`}>{label}</label>
      <select id={`filter-${name}`} name={name} defaultValue={first(params[name])}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <form method="get" className="form-row" aria-label="Filters" data-testid="filters">
      {keep.map((k) => (
        <input key={k} type="hidden" name={k} value={first(params[k])} />
      ))}
      {select('agent', 'Agent', facets.agents, 'All agents')}
      {select('model', 'Model', facets.models, 'All models')}
      {select('repo', 'Repository', facets.repos, 'All repositories')}
      {select('status', 'Run status', RUN_STATUS_FILTERS, 'Any status')}
      <div>
        <label htmlFor="filter-flagged">Flagged</label>
        <select id="filter-flagged" name="flagged" defaultValue={first(params.flagged)}>
          <option value="">All runs</option>
          <option value="yes">Flagged only</option>
          <option value="no">Not flagged</option>
        </select>
      </div>
      <button type="submit">Apply</button>
    </form>
  );
}
