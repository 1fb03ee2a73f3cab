import Link from 'next/link';
import { withParams, type SearchParams, type SliceFilters } from '@/lib/dashboard/search-params';
import type { RunList } from '@/lib/data/run-list';

function first(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** The query keys that describe the view itself (range, pin, sort) and survive a filter change. */
const KEPT = ['range', 'from', 'to', 'asOf', 'sort', 'dir', 'status', 'flagged'];

const LABELS: Record<keyof SliceFilters, string> = { agent: 'agent', model: 'model', repo: 'repository' };

/**
 * The filters that change every figure of the dashboard (agent, model, repository), as a plain
 * GET form: the choice lands in the URL, works without JavaScript, and keeps the range.
 */
export function ViewFilters({ params, facets }: { params: SearchParams; facets: RunList['facets'] }) {
  const keep = KEPT.filter((k) => first(params[k]));
  const select = (name: keyof SliceFilters, label: string, options: readonly string[], all: string) => {
    const chosen = first(params[name]);
    // A value the window's runs no longer have stays choosable: the URL asked for it.
    const values = chosen && !options.includes(chosen) ? [chosen, ...options] : options;
    return (
      <div>
        <label htmlFor={`view-${name}`}>{label}</label>
        <select id={`view-${name}`} name={name} defaultValue={chosen}>
          <option value="">{all}</option>
          {values.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
    );
  };
  return (
    <form method="get" className="view-filters" aria-label="Filters for every figure" data-testid="view-filters">
      {keep.map((k) => (
        <input key={k} type="hidden" name={k} value={first(params[k])} />
      ))}
      {select('agent', 'Agent', facets.agents, 'All agents')}
      {select('model', 'Model', facets.models, 'All models')}
      {select('repo', 'Repository', facets.repos, 'All repositories')}
      <button type="submit">Apply</button>
    </form>
  );
}

/** "Filtered: agent codex · model gpt-5", with a reset to the whole team (same range). */
export function FilteredBar({ basePath, params, filters }: { basePath: string; params: SearchParams; filters: SliceFilters }) {
  const chosen = (Object.keys(LABELS) as (keyof SliceFilters)[]).filter((k) => filters[k] !== undefined);
  if (chosen.length === 0) return null;
  const reset = `${basePath}${withParams(params, { agent: undefined, model: undefined, repo: undefined, page: undefined })}`;
  return (
    <div className="filtered-bar" role="status" data-testid="filtered-bar">
      <span>
        Filtered:{' '}
        {chosen.map((k, i) => (
          <span key={k}>
            {i > 0 && ' · '}
            {LABELS[k]} <strong>{filters[k]}</strong>
          </span>
        ))}
        <span className="muted"> — every figure below counts only these runs, their changes and their tokens.</span>
      </span>
      <Link href={reset} className="button secondary" data-testid="reset-filters">
        Reset filters
      </Link>
    </div>
  );
}
