import Link from 'next/link';
import { TableScroll } from '@/components/TableScroll';
import type { RunListItem } from '@/lib/data/runs';
import type { RunSortKey } from '@/lib/data/run-query';
import { withParams, type SearchParams } from '@/lib/dashboard/search-params';
import type { CostTotals } from '@/lib/kpi/types';
import { formatInt, formatUsd, plural } from '@/lib/format';

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

const COLUMNS: { key: RunSortKey | null; label: string; numeric?: boolean }[] = [
  { key: 'run', label: 'Run' },
  { key: null, label: 'Agent · model' },
  { key: null, label: 'Repository' },
  { key: null, label: 'Status' },
  { key: 'iterations', label: 'Iterations', numeric: true },
  { key: 'tokens', label: 'Tokens', numeric: true },
  { key: null, label: 'Cost', numeric: true },
  { key: 'messages', label: 'Messages', numeric: true },
  { key: 'toolCalls', label: 'Tool calls', numeric: true },
  { key: null, label: 'Outcome' },
  { key: 'lastEventAt', label: 'Last event (UTC)' },
];

/**
 * One page of runs, with sortable headers and links to each run's drill-down. `anchor`: the id the
 * headers' links return to, so that sorting a table far down a page does not land at its top.
 */
export function RunsTable({
  rows,
  params,
  runHref,
  sort,
  desc,
  costs,
  anchor,
}: {
  rows: RunListItem[];
  /** Each run's cost, by run id. */
  costs: ReadonlyMap<string, CostTotals>;
  params: SearchParams;
  runHref: (run: string) => string;
  sort: RunSortKey;
  desc: boolean;
  anchor?: string;
}) {
  const hash = anchor ? `#${anchor}` : '';
  return (
    <TableScroll label="Runs" stacked>
      <table data-testid="runs-table" className="runs-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => {
              const active = c.key === sort;
              const nextDir = active && desc ? 'asc' : 'desc';
              return (
                <th
                  key={c.label}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={active ? (desc ? 'descending' : 'ascending') : undefined}
                >
                  {c.key ? (
                    <Link href={`${withParams(params, { sort: c.key, dir: nextDir, page: undefined })}${hash}`}>
                      {c.label}
                      {active ? (desc ? ' ▼' : ' ▲') : ''}
                    </Link>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.run} data-run={r.run} data-flagged={r.flags.length > 0 ? 'yes' : 'no'}>
              {/* A cell of several parts holds them in one div: on a phone (stacked), the cell lays out its label and one value. */}
              <td data-label="Run">
                <div>
                  <Link href={runHref(r.run)}>
                    <code>{r.run}</code>
                  </Link>
                  {r.task && <div className="muted small task">{r.task}</div>}
                </div>
              </td>
              <td data-label="Agent · model">
                <div>
                  {r.agent ?? '—'}
                  <div className="muted small">{r.model ?? ''}</div>
                </div>
              </td>
              <td data-label="Repository">{r.repo ?? '—'}</td>
              <td data-label="Status">{r.status}</td>
              <td className="num" data-label="Iterations">{formatInt(r.iterations)}</td>
              <td className="num" data-label="Tokens">{formatInt(r.tokens.total)}</td>
              <td className="num" data-label="Cost" data-testid="run-cost">
                {formatUsd(costs.get(r.run)?.costUsd ?? null)}
              </td>
              <td className="num" data-label="Messages">{formatInt(r.messages)}</td>
              <td className="num" data-label="Tool calls">{formatInt(r.toolCalls)}</td>
              <td data-label="Outcome">
                <div>
                  {r.mergedAt !== null ? (
                    <span className="status-ok">merged</span>
                  ) : r.linkedChanges > 0 ? (
                    'change open'
                  ) : (
                    <span className="muted">no change</span>
                  )}
                  {r.flags.map((f) => (
                    <span key={f} className={`flag-kind flag-${f}`}>
                      {f.replace(/_/g, ' ')}
                    </span>
                  ))}
                </div>
              </td>
              {/* Day and time on two lines: one column less wide, so that the table fits a desktop card. */}
              <td data-label="Last event (UTC)">
                <div>
                  {day.format(r.lastEventAt)}
                  <div className="muted small">{time.format(r.lastEventAt)}</div>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Previous / next links over pages of a list; `noun` names what is counted ("run", "runs"). */
export function Pagination({
  page,
  pageCount,
  total,
  params,
  noun = ['run', 'runs'],
  anchor,
}: {
  page: number;
  pageCount: number;
  total: number;
  params: SearchParams;
  noun?: [one: string, many: string];
  /** The id the links return to (see RunsTable). */
  anchor?: string;
}) {
  const hash = anchor ? `#${anchor}` : '';
  return (
    <nav className="pagination" aria-label={`${noun[1][0].toUpperCase()}${noun[1].slice(1)} pages`}>
      <span className="muted">
        {plural(total, noun[0], noun[1])} · page {page} of {pageCount}
      </span>
      {page > 1 && <Link href={`${withParams(params, { page: String(page - 1) })}${hash}`}>← Previous</Link>}
      {page < pageCount && <Link href={`${withParams(params, { page: String(page + 1) })}${hash}`}>Next →</Link>}
    </nav>
  );
}
