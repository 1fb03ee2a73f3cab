import Link from 'next/link';
import { TableScroll } from '@/components/TableScroll';
import { NO_MODEL, UNKNOWN_AGENT } from '@/lib/economics/compare';
import type { CompareAnswer, CompareGroup } from '@/lib/economics/types';
import { convergencePoints, formatInterval, MIN_RANKED_RUNS, rankGroups, type EconomicsView, type GroupSortKey } from '@/lib/economics/view';
import { withParams, type SearchParams } from '@/lib/dashboard/search-params';
import { formatInt, formatRate, formatUsd } from '@/lib/format';
import { ConvergenceChart } from './ConvergenceChart';

const COLUMNS: { key: GroupSortKey; label: string }[] = [
  { key: 'runs', label: 'Ended runs' },
  { key: 'convergenceRate', label: 'Convergence (95% interval)' },
  { key: 'weekSurvival', label: 'Week-survival' },
  { key: 'costPerSurvivingChange', label: 'Cost per surviving change' },
  { key: 'medianTokensPerConvergedRun', label: 'Median tokens per converged run' },
];

/**
 * The Agents & models section: one row per agent (or main model) of the runs ended in the window;
 * groups with fewer than MIN_RANKED_RUNS ended runs are listed apart, unranked. `runsHref` links
 * a group to the runs table narrowed to it (null where no filter can: unknown agent, no model).
 */
export function AgentsModels({
  compare,
  view,
  params,
  runsHref,
}: {
  compare: CompareAnswer;
  view: EconomicsView;
  params: SearchParams;
  runsHref: (key: string) => string | null;
}) {
  const { ranked, tooFew } = rankGroups(compare.groups, view.sort, view.desc);
  const noun = view.by === 'agent' ? 'agent' : 'model';
  const row = (g: CompareGroup, rankedRow: boolean) => {
    const href = g.key === UNKNOWN_AGENT || g.key === NO_MODEL ? null : runsHref(g.key);
    return (
      <tr key={g.key} data-key={g.key} data-ranked={rankedRow ? 'yes' : 'no'}>
        <th scope="row">
          <code>{g.key}</code>
          {href && (
            <div className="small">
              <Link href={href}>its runs →</Link>
            </div>
          )}
        </th>
        <td className="num" data-figure="runs">{formatInt(g.runs)}</td>
        {rankedRow ? (
          <>
            <td className="num" data-figure="convergence">
              {formatRate(g.convergenceRate)} <span className="muted">({formatInterval(g.convergenceCi95)})</span>
            </td>
            <td className="num" data-figure="survival">
              {formatRate(g.weekSurvival.rate)} <span className="muted">of {formatInt(g.weekSurvival.eligible)}</span>
            </td>
            <td className="num" data-figure="cost-per-surviving">{formatUsd(g.costPerSurvivingChange)}</td>
            <td className="num" data-figure="median-tokens">{g.medianTokensPerConvergedRun === null ? '—' : formatInt(g.medianTokensPerConvergedRun)}</td>
          </>
        ) : (
          <td colSpan={4} className="muted" data-figure="too-few">
            too few runs to tell
          </td>
        )}
      </tr>
    );
  };
  return (
    <section className="card" aria-labelledby="econ-heading" data-testid="agents-models" id="agents-models">
      <h2 id="econ-heading">Agents &amp; models</h2>
      <nav className="small" aria-label="Group by">
        {(['agent', 'model'] as const).map((by, i) => (
          <span key={by}>
            {i > 0 && ' · '}
            {by === view.by ? (
              <strong aria-current="page">By {by}</strong>
            ) : (
              <Link href={`${withParams(params, { econBy: by })}#agents-models`} data-testid={`econ-by-${by}`}>
                By {by}
              </Link>
            )}
          </span>
        ))}
      </nav>
      {compare.groups.length === 0 ? (
        <p className="muted">No run ended in this window.</p>
      ) : (
        <>
          {ranked.length > 0 && <ConvergenceChart data={convergencePoints(ranked)} />}
          <TableScroll label={`Runs by ${noun}`}>
            <table data-testid="econ-table">
              <thead>
                <tr>
                  <th scope="col">{view.by === 'agent' ? 'Agent' : 'Main model'}</th>
                  {COLUMNS.map((c) => {
                    const active = c.key === view.sort;
                    const dir = active && view.desc ? 'asc' : 'desc';
                    return (
                      <th key={c.label} scope="col" className="num" aria-sort={active ? (view.desc ? 'descending' : 'ascending') : undefined}>
                        <Link href={`${withParams(params, { econSort: c.key, econDir: dir })}#agents-models`}>
                          {c.label}
                          {active ? (view.desc ? ' ▼' : ' ▲') : ''}
                        </Link>
                      </th>
                    );
                  })}
                </tr>
              </thead>
              <tbody>
                {ranked.map((g) => row(g, true))}
                {tooFew.map((g) => row(g, false))}
              </tbody>
            </table>
          </TableScroll>
          <p className="muted small">
            Runs that ended in this window, by {view.by === 'agent' ? 'the agent that started them' : 'the model that used most of their tokens'}. Converged: a
            linked change merged. Week-survival and cost per surviving change are over all of the group&apos;s merged changes.{' '}
            {view.by === 'agent' ? 'An agent' : 'A model'} with fewer than{' '}
            {MIN_RANKED_RUNS} ended runs is not ranked: its interval is too wide to tell.
          </p>
        </>
      )}
    </section>
  );
}
