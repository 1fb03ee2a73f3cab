import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { RangePicker } from '@/components/dashboard/RangePicker';
import { Pagination } from '@/components/runs/RunsTable';
import { MakeTeamHint } from '@/components/MakeTeamHint';
import { TableScroll } from '@/components/TableScroll';
import { currentViewer } from '@/lib/auth/viewer';
import { FLAG_SORT_KEYS, flagPage, sortFlagRows, type FlagSortKey } from '@/lib/dashboard/flag-table';
import { parseDashboardRange, withParams, type SearchParams } from '@/lib/dashboard/search-params';
import { getFlagRows } from '@/lib/data/flag-rows';
import { listTeamSummaries } from '@/lib/data/teams';
import { isAdmin } from '@/lib/data/viewer';
import { describeFlag, FLAG_KIND_LABELS, FLAG_KINDS } from '@/lib/flags';
import { summariseFlags } from '@/lib/flags/summary';
import { formatInt, formatUsd, formatUtcMinute, plural } from '@/lib/format';

export const metadata: Metadata = { title: 'Flags' };

const KINDS = FLAG_KINDS.map((kind) => ({ kind, label: FLAG_KIND_LABELS[kind] }));
const SORT_LABELS: Record<FlagSortKey, string> = { time: 'Newest', cost: 'Costliest', kind: 'Kind' };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function FlagsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await connection();
  const [query, viewer] = await Promise.all([searchParams, currentViewer()]);
  const range = parseDashboardRange(query, Date.now());
  const kind = KINDS.find((k) => k.kind === query.kind)?.kind;
  const sort = FLAG_SORT_KEYS.find((k) => k === query.sort) ?? 'time';
  // Newest and costliest first; kinds in the order the pages list them.
  const desc = query.dir ? first(query.dir) !== 'asc' : sort !== 'kind';
  const teams = await listTeamSummaries(viewer);
  const askedTeam = first(query.team);
  const onlyTeam = teams.find((t) => t.slug === askedTeam);
  const all = await getFlagRows(viewer, onlyTeam ? [onlyTeam] : teams, range.window);
  const rows = sortFlagRows(kind ? all.filter((r) => r.flag.kind === kind) : all, sort, desc);
  const page = flagPage(rows, Number(first(query.page) ?? '1'));
  const counts = summariseFlags(rows.map((r) => r.flag));
  const runHref = (team: string, run: string) => `/runs/${encodeURIComponent(run)}${withParams(range.query, { team })}`;
  const sortHref = (key: FlagSortKey) =>
    `/flags${withParams(query, { sort: key, dir: key === sort ? (desc ? 'asc' : 'desc') : key === 'kind' ? 'asc' : 'desc', page: undefined })}`;
  return (
    <>
      <h1>Flags</h1>
      <p className="lede">Every loop that is busy but not converging, across your teams, with the numbers that tripped it and what it cost.</p>
      <RangePicker basePath="/flags" range={range} params={query} />
      <div className="chip-row">
        {onlyTeam ? (
          <span className="chip" data-testid="team-chip">
            team: <strong>{onlyTeam.name}</strong>
            <Link href={`/flags${withParams(query, { team: undefined, page: undefined })}`} aria-label={`Clear the team filter (${onlyTeam.name})`} data-testid="clear-team">
              ×
            </Link>
          </span>
        ) : (
          <span className="muted small">All your teams</span>
        )}
      </div>
      {askedTeam !== undefined && !onlyTeam && (
        <p className="status-bad small" role="status" data-testid="unknown-team">
          No team &apos;{askedTeam.slice(0, 80)}&apos; among yours: showing all your teams.
        </p>
      )}
      <nav className="range-picker" aria-label="Flag kind">
        <a href={`/flags${withParams(query, { kind: undefined, page: undefined })}`} aria-current={!kind}>
          All kinds
        </a>
        {KINDS.map((k) => (
          <a key={k.kind} href={`/flags${withParams(query, { kind: k.kind, page: undefined })}`} aria-current={kind === k.kind}>
            {k.label}
          </a>
        ))}
      </nav>
      <div className="card">
        {teams.length === 0 ? (
          <p className="muted" data-testid="no-flags">
            No team yet: <MakeTeamHint admin={isAdmin(viewer)} />.
          </p>
        ) : rows.length === 0 ? (
          <p className="muted" data-testid="no-flags">
            No open flag{kind ? ' of this kind' : ''} in this window.
          </p>
        ) : (
          <>
            <p data-testid="flag-summary">
              {[
                counts.runsFlagged > 0 &&
                  `${plural(counts.runsFlagged, 'run', 'runs')} flagged${counts.runFlags > counts.runsFlagged ? ` (${formatInt(counts.runFlags)} flags: a run can trip several rules)` : ''}`,
                counts.teamFlags > 0 && `${plural(counts.teamFlags, 'team', 'teams')} flagged for divergence`,
              ]
                .filter(Boolean)
                .join(', and ')}
              .
            </p>
            <nav className="sort-links small" aria-label="Sort flags">
              Sort:{' '}
              {FLAG_SORT_KEYS.map((k, i) => (
                <span key={k}>
                  {i > 0 && ' · '}
                  <Link href={sortHref(k)} aria-current={k === sort ? 'true' : undefined}>
                    {SORT_LABELS[k]}
                    {k === sort ? (desc ? ' ▼' : ' ▲') : ''}
                  </Link>
                </span>
              ))}
            </nav>
            <TableScroll label="Flags" stacked>
              <table data-testid="flags-table">
                <thead>
                  <tr>
                    <th scope="col" aria-sort={sort === 'kind' ? (desc ? 'descending' : 'ascending') : undefined}>
                      <Link href={sortHref('kind')}>Kind{sort === 'kind' ? (desc ? ' ▼' : ' ▲') : ''}</Link>
                    </th>
                    <th scope="col">Team</th>
                    <th scope="col">Run</th>
                    <th scope="col" aria-sort={sort === 'time' ? (desc ? 'descending' : 'ascending') : undefined}>
                      <Link href={sortHref('time')}>Last event (UTC){sort === 'time' ? (desc ? ' ▼' : ' ▲') : ''}</Link>
                    </th>
                    <th scope="col" className="num" aria-sort={sort === 'cost' ? (desc ? 'descending' : 'ascending') : undefined}>
                      <Link href={sortHref('cost')}>Cost{sort === 'cost' ? (desc ? ' ▼' : ' ▲') : ''}</Link>
                    </th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {page.rows.map(({ team, flag, run, at, costUsd }, i) => (
                    <tr key={`${team.slug}-${run ?? 'team'}-${flag.kind}-${i}`} data-flag-kind={flag.kind} data-team={team.slug} data-at={at} data-cost={costUsd ?? ''}>
                      <td data-label="Kind">
                        <span className={`flag-kind flag-${flag.kind}`}>{FLAG_KIND_LABELS[flag.kind]}</span>
                      </td>
                      <td data-label="Team">
                        <Link href={`/teams/${team.slug}${withParams(range.query, {})}`}>{team.name}</Link>
                      </td>
                      <td className="nowrap" data-label="Run">
                        {run ? (
                          <Link href={runHref(team.slug, run)}>
                            <code>{run}</code>
                          </Link>
                        ) : (
                          <span className="muted">whole team</span>
                        )}
                      </td>
                      <td className="nowrap" data-label="Last event">{run ? formatUtcMinute(at) : <span className="muted">weeks to {formatUtcMinute(at).slice(0, 10)}</span>}</td>
                      <td className="num" data-label="Cost">
                        {formatUsd(costUsd)}
                      </td>
                      <td className="why" data-label="Why">
                        {describeFlag(flag)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <Pagination page={page.page} pageCount={page.pageCount} total={page.total} params={query} noun={['flag', 'flags']} />
          </>
        )}
      </div>
    </>
  );
}
