import Link from 'next/link';
import { connection } from 'next/server';
import { Sparkline } from '@/components/charts/Sparkline';
import { Delta } from '@/components/dashboard/Delta';
import { RangePicker } from '@/components/dashboard/RangePicker';
import { VerdictChart } from '@/components/overview/VerdictChart';
import { MakeTeamHint } from '@/components/MakeTeamHint';
import { TableScroll } from '@/components/TableScroll';
import { currentViewer } from '@/lib/auth/viewer';
import { pageNow } from '@/lib/data/read-cache';
import { isAdmin } from '@/lib/data/viewer';
import { OVERVIEW_SORT_KEYS, overview, sortOverview, type OverviewRow, type OverviewSortKey } from '@/lib/dashboard/overview';
import { parseDashboardRange, withParams, type SearchParams } from '@/lib/dashboard/search-params';
import { VERDICT_LABELS, VERDICT_RULE_LINES } from '@/lib/dashboard/verdict';
import { describeFlag } from '@/lib/flags/describe';
import { formatCompact, formatDecimal, formatInt, formatRate, formatUsd, plural } from '@/lib/format';
import { relativeChange } from '@/lib/kpi/cards';
import { utcDate } from '@/lib/kpi/time';

const COLUMNS: { key: OverviewSortKey | null; label: string; numeric: boolean }[] = [
  { key: 'name', label: 'Team', numeric: false },
  { key: 'verdict', label: 'Verdict', numeric: false },
  { key: 'mergedPerWeek', label: 'Merged / week', numeric: true },
  { key: 'weekSurvival', label: 'Week-survival', numeric: true },
  { key: 'defectRate', label: 'Defect rate', numeric: true },
  { key: 'costUsd', label: 'Token cost', numeric: true },
  { key: null, label: 'vs previous period', numeric: false },
  { key: 'costPerSurvivingChange', label: 'Cost / surviving change', numeric: true },
  { key: 'runsFlagged', label: 'Runs flagged', numeric: true },
  { key: null, label: 'By week: merged, tokens', numeric: false },
  { key: null, label: 'Events', numeric: true },
];

/** A rate with what it is made of: "61.5%" over "8 of 13". */
function Rate({ rate, n, of }: { rate: number | null; n: number; of: number }) {
  return (
    <>
      {formatRate(rate)}
      <div className="muted small">{of === 0 ? 'none yet' : `${formatInt(n)} of ${formatInt(of)}`}</div>
    </>
  );
}

function TeamRow({ t, range }: { t: OverviewRow; range: ReturnType<typeof parseDashboardRange> }) {
  const k = t.kpis;
  const flagsHref = `/flags${withParams(range.query, { team: t.slug })}`;
  // A cell of several parts holds them in one div: on a phone (stacked), a cell lays out its label and one value.
  return (
    <tr data-team={t.slug} data-verdict={t.verdict.verdict}>
      <td data-label="Team">
        <div>
          <Link href={`/teams/${t.slug}${withParams(range.query, {})}`}>{t.name}</Link>
          {t.divergence && (
            <div>
              <Link href={`/flags${withParams(range.query, { team: t.slug, kind: 'divergence' })}`} className="flag-kind flag-divergence" title={describeFlag(t.divergence)} data-testid="divergence">
                divergence
              </Link>
            </div>
          )}
        </div>
      </td>
      <td data-testid="verdict" data-label="Verdict">
        <div>
          <span className={`verdict-badge verdict-${t.verdict.verdict}`}>{VERDICT_LABELS[t.verdict.verdict]}</span>
          <div className="muted small verdict-reason">{t.verdict.reason}</div>
        </div>
      </td>
      <td className="num" data-label="Merged / week">{formatDecimal(k.mergedPerWeek)}</td>
      <td className="num" data-label="Week-survival">
        <div>
          <Rate rate={k.weekSurvival.rate} n={k.weekSurvival.survived} of={k.weekSurvival.eligible} />
        </div>
      </td>
      <td className="num" data-label="Defect rate">
        <div>
          <Rate rate={k.defectRate.rate} n={k.defectRate.failed} of={k.defectRate.eligible} />
        </div>
      </td>
      <td className="num" data-label="Token cost">{formatUsd(k.costUsd)}</td>
      <td className="deltas" data-label="vs previous period">
        <div>
          <div data-testid="merged-delta">
            <span className="muted small">merged </span>
            <Delta delta={relativeChange(k.mergedChanges, t.previous.mergedChanges, true)} />
          </div>
          <div data-testid="cost-delta">
            <span className="muted small">cost </span>
            <Delta delta={relativeChange(k.costUsd, t.previous.costUsd, false)} />
          </div>
          {t.previousCoveredFrom !== null && (
            <div className="muted small" data-testid="partial-previous">
              runs high: data starts {utcDate(t.previousCoveredFrom)}
            </div>
          )}
        </div>
      </td>
      <td className="num" data-label="Cost / surviving change">{formatUsd(k.costPerSurvivingChange)}</td>
      <td className={`num ${t.runsFlagged > 0 ? 'status-bad' : ''}`} data-testid="runs-flagged" data-label="Runs flagged">
        <div>
          {t.runsFlagged > 0 ? <Link href={flagsHref}>{formatInt(t.runsFlagged)}</Link> : '0'}
          <span className="muted"> of {formatInt(t.runsJudged)}</span>
          <div className="muted small">{plural(t.runFlags, 'flag', 'flags')}</div>
        </div>
      </td>
      <td className="trends" data-label="By week: merged, tokens">
        <div>
          <Sparkline values={t.mergedTrend} label={`merged changes per week: ${t.mergedTrend.join(', ')}`} width={80} height={20} />
          <Sparkline values={t.tokenTrend} label={`tokens per week: ${t.tokenTrend.map(formatCompact).join(', ')}`} tone="warn" width={80} height={20} />
        </div>
      </td>
      <td className="num" data-testid="event-count" data-label="Events">
        {formatInt(t.events)}
      </td>
    </tr>
  );
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await connection();
  const [query, viewer] = await Promise.all([searchParams, currentViewer()]);
  const range = parseDashboardRange(query, pageNow());
  const sortKey = OVERVIEW_SORT_KEYS.find((k) => k === query.sort) ?? 'verdict';
  const desc = query.dir ? query.dir !== 'asc' : sortKey !== 'name';
  const { rows: unsorted, reference } = await overview(viewer, range);
  const rows = sortOverview(unsorted, sortKey, desc);
  const teamHref = (slug: string) => `/teams/${slug}${withParams(range.query, {})}`;
  return (
    <>
      <h1>Teams</h1>
      <p className="lede">Which teams&apos; agent loops ship, and which just burn tokens. Open a team to see which loops are to blame.</p>
      {rows.length === 0 ? (
        <div className="card empty">
          <h2>No teams yet</h2>
          <p>
            <MakeTeamHint admin={isAdmin(viewer)} />, then <a href="/upload">upload a run log</a> or point an agent at it
            (its settings&apos; Connect agents page says how).
          </p>
        </div>
      ) : (
        <>
          <RangePicker basePath="/" range={range} params={query} />
          <section className="card" aria-labelledby="verdict-heading">
            <h2 id="verdict-heading">Who ships, and who burns tokens without shipping</h2>
            <VerdictChart
              teams={unsorted.map((t) => ({ slug: t.slug, name: t.name, verdict: t.verdict.verdict, position: t.verdict.position, previous: t.previousPosition }))}
              reference={reference}
              teamHref={teamHref}
            />
            <div className="verdict-rule muted small" data-testid="verdict-rule">
              {VERDICT_RULE_LINES.map((line) => (
                <p key={line}>{line}</p>
              ))}
              <p>
                Medians of the teams shown: {formatDecimal(reference.outputMedian)} surviving changes a week, {formatUsd(reference.costMedian)} per surviving
                change. <a href="/docs/dashboards#the-verdict">How the verdict is reached</a>
              </p>
            </div>
          </section>
          <section className="card" aria-labelledby="teams-heading">
            <h2 id="teams-heading">Every team</h2>
            <TableScroll label="Teams" stacked>
              <table data-testid="team-table" className="team-table">
                <thead>
                  <tr>
                    {COLUMNS.map((c) => {
                      if (!c.key) {
                        return (
                          <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
                            {c.label}
                          </th>
                        );
                      }
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
                  </tr>
                </thead>
                <tbody>
                  {rows.map((t) => (
                    <TeamRow key={t.slug} t={t} range={range} />
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <p className="muted small">
              Runs flagged: runs with at least one open flag, of the runs whose last event falls in the range; a run can carry several flags. “vs previous”:
              the period of equal length just before the range; it “runs high” when that period is only partly covered by the team&apos;s data.
            </p>
          </section>
        </>
      )}
    </>
  );
}
