import Link from 'next/link';
import { connection } from 'next/server';
import { Sparkline } from '@/components/charts/Sparkline';
import { RangePicker } from '@/components/dashboard/RangePicker';
import { currentViewer } from '@/lib/auth/viewer';
import { OVERVIEW_SORT_KEYS, overviewRows, sortOverview, type OverviewSortKey } from '@/lib/dashboard/overview';
import { parseDashboardRange, withParams, type SearchParams } from '@/lib/dashboard/search-params';
import { formatDecimal, formatInt, formatRate, formatUsd } from '@/lib/format';

const COLUMNS: { key: OverviewSortKey; label: string; numeric: boolean }[] = [
  { key: 'name', label: 'Team', numeric: false },
  { key: 'mergedPerWeek', label: 'Merged / week', numeric: true },
  { key: 'weekSurvival', label: 'Week-survival', numeric: true },
  { key: 'defectRate', label: 'Defect rate', numeric: true },
  { key: 'costUsd', label: 'Token cost', numeric: true },
  { key: 'costPerSurvivingChange', label: 'Cost / surviving change', numeric: true },
  { key: 'openFlags', label: 'Open flags', numeric: true },
];

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await connection();
  const [query, viewer] = await Promise.all([searchParams, currentViewer()]);
  const range = parseDashboardRange(query, Date.now());
  const sortKey = OVERVIEW_SORT_KEYS.find((k) => k === query.sort) ?? 'openFlags';
  const desc = query.dir ? query.dir !== 'asc' : sortKey !== 'name';
  const rows = sortOverview(await overviewRows(viewer, range.window), sortKey, desc);
  return (
    <>
      <h1>Teams</h1>
      <p className="lede">Which teams&apos; agent loops ship, and which just burn tokens. Open a team to see which loops are to blame.</p>
      {rows.length === 0 ? (
        <div className="card empty">
          <h2>No teams yet</h2>
          <p>
            Make one with <code>npm run cli -- team create my-team</code>, then <a href="/upload">upload a run log</a> or
            point an agent at <code>POST /api/v1/events</code>.
          </p>
        </div>
      ) : (
        <>
          <RangePicker basePath="/" range={range} params={query} />
          <div className="card table-scroll">
            <table data-testid="team-table">
              <thead>
                <tr>
                  {COLUMNS.map((c) => {
                    const active = c.key === sortKey;
                    return (
                      <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={active ? (desc ? 'descending' : 'ascending') : undefined}>
                        <Link href={withParams(query, { sort: c.key, dir: active && desc ? 'asc' : 'desc' })}>
                          {c.label}
                          {active ? (desc ? ' ▼' : ' ▲') : ''}
                        </Link>
                      </th>
                    );
                  })}
                  <th scope="col">Merged, by week</th>
                  <th scope="col" className="num">Events</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.slug} data-team={t.slug}>
                    <td>
                      <Link href={`/teams/${t.slug}${withParams(range.query, {})}`}>{t.name}</Link>
                    </td>
                    <td className="num">{formatDecimal(t.mergedPerWeek)}</td>
                    <td className="num">{formatRate(t.weekSurvival)}</td>
                    <td className="num">{formatRate(t.defectRate)}</td>
                    <td className="num">{formatUsd(t.costUsd)}</td>
                    <td className="num">{formatUsd(t.costPerSurvivingChange)}</td>
                    <td className={`num ${t.openFlags > 0 ? 'status-bad' : ''}`} data-testid="open-flags">
                      {t.openFlags > 0 ? <Link href={`/flags?team=${t.slug}`}>{formatInt(t.openFlags)}</Link> : '0'}
                    </td>
                    <td>
                      <Sparkline values={t.mergedTrend} label={`merged changes per week: ${t.mergedTrend.join(', ')}`} />
                    </td>
                    <td className="num" data-testid="event-count">
                      {formatInt(t.events)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
