import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { RunScatter } from '@/components/charts/RunScatter';
import { TimeToFixCharts } from '@/components/charts/TimeToFixCharts';
import { WeeklyOutputChart } from '@/components/charts/WeeklyOutputChart';
import { WeeklyRatesChart } from '@/components/charts/WeeklyRatesChart';
import { RangePicker } from '@/components/dashboard/RangePicker';
import { WeeklyTable } from '@/components/dashboard/WeeklyTable';
import { FlagList } from '@/components/flags/FlagList';
import { KpiCards } from '@/components/kpi/KpiCards';
import { RunFilters } from '@/components/runs/RunFilters';
import { Pagination, RunsTable } from '@/components/runs/RunsTable';
import { ShareViewControl } from '@/components/share/ShareViewControl';
import { currentViewer } from '@/lib/auth/viewer';
import { parseDashboardRange, parseRunQuery, parseSliceFilters, withParams, type SearchParams } from '@/lib/dashboard/search-params';
import { bucketFixHours } from '@/lib/dashboard/time-to-fix';
import { getTeamDashboard } from '@/lib/data/kpis';
import { listShareLinks } from '@/lib/data/share-links';
import { findTeam } from '@/lib/data/teams';
import { formatHours, formatRate, formatUtcMinute } from '@/lib/format';

interface TeamPageProps {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SearchParams>;
}

export async function generateMetadata({ params }: TeamPageProps): Promise<Metadata> {
  const { slug } = await params;
  return { title: slug };
}

/** Flags listed on the dashboard, newest first; the flags page lists them all. */
const SHOWN_FLAGS = 30;

const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

export default async function TeamPage({ params, searchParams }: TeamPageProps) {
  await connection();
  const [{ slug }, query, viewer] = await Promise.all([params, searchParams, params.then((p) => currentViewer(`/teams/${p.slug}`))]);
  const team = await findTeam(viewer, slug);
  if (!team) notFound();
  const range = parseDashboardRange(query, Date.now());
  const filters = parseSliceFilters(query);
  const runQuery = parseRunQuery(query);
  const dashboard = (await getTeamDashboard(viewer, slug, { window: range.window, previous: range.previous, filters, runs: runQuery }))!;
  const shareLinks = (await listShareLinks(viewer, team.slug)) ?? [];
  const { kpis, previousKpis: previous, weekly, flags } = dashboard;
  const runs = dashboard.runList!;
  const fixBuckets = bucketFixHours(dashboard.timeToFix.fixedHours);
  const rangeQuery = withParams(range.query, { team: team.slug });
  const runHref = (run: string) => `/runs/${encodeURIComponent(run)}${rangeQuery}`;
  const weeks = weekly.weeks.map((w) => ({
    week: w.week.slice(5),
    costUsd: Math.round(w.costUsd * 100) / 100,
    merged: w.mergedChanges,
    survived: w.weekSurvival.survived,
    survival: percent(w.weekSurvival.rate),
    defects: percent(w.defectRate.rate),
  }));
  const hasData = kpis.tokens.total > 0 || kpis.mergedChanges > 0 || runs.total > 0;
  return (
    <>
      <h1>{team.name}</h1>
      <p className="lede">
        What this team&apos;s agent loops shipped, next to what they burned. As of{' '}
        {formatUtcMinute(range.window.asOf)}.
      </p>
      <RangePicker basePath={`/teams/${team.slug}`} range={range} params={query} />
      <ShareViewControl viewer={viewer} teamSlug={team.slug} links={shareLinks} searchParams={query} />
      {!hasData && (
        <div className="card empty">
          <h2>No activity in this window</h2>
          <p>
            <a href="/upload">Upload a run log</a>, point an agent at <code>POST /api/v1/events</code> with a team token, or
            pick a longer range.
          </p>
        </div>
      )}
      <KpiCards current={kpis} previous={previous} />
      <div className="grid-2">
        <section className="card" aria-labelledby="weekly-heading">
          <h2 id="weekly-heading">Token cost against merged and surviving changes</h2>
          <WeeklyOutputChart data={weeks} />
          <details>
            <summary>Figures by week</summary>
            <WeeklyTable weeks={weekly.weeks} />
          </details>
        </section>
        <section className="card" aria-labelledby="rates-heading">
          <h2 id="rates-heading">Week-survival and defect rate by week of merge</h2>
          <WeeklyRatesChart data={weeks} />
          <p className="muted small">A week with no change old enough to judge (7 days for survival, 14 for defects) has no point.</p>
        </section>
        <section className="card" aria-labelledby="ttf-heading">
          <h2 id="ttf-heading">Time to fix</h2>
          {kpis.timeToFix.opened === 0 ? (
            <p className="muted">No defect was opened in this window.</p>
          ) : (
            <>
              <TimeToFixCharts buckets={fixBuckets} kmCurve={dashboard.timeToFix.kmCurve} />
              <details>
                <summary>Figures</summary>
                <div className="table-scroll">
                  <table data-testid="ttf-table">
                    <thead>
                      <tr>
                        <th scope="col">Fixed within</th>
                        <th scope="col" className="num">Defects</th>
                      </tr>
                    </thead>
                    <tbody>
                      {fixBuckets.map((b) => (
                        <tr key={b.label}>
                          <td>{b.label}</td>
                          <td className="num">{b.defects}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">After</th>
                        <th scope="col" className="num">Still open (Kaplan–Meier)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {dashboard.timeToFix.kmCurve.map((p) => (
                        <tr key={p.hours}>
                          <td>{formatHours(p.hours)}</td>
                          <td className="num">{formatRate(p.survival)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
              <p className="muted small">
                Left: how long the {kpis.timeToFix.fixed} fixed defects took. Right: the share still open after a given time,
                counting the {kpis.timeToFix.open} open ones as censored (Kaplan–Meier); it crosses 50% at the median.
              </p>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="flags-heading">
          <h2 id="flags-heading">Busy but not converging ({flags.flags.length})</h2>
          <div className="scroll-box">
            <FlagList flags={dashboard.recentFlags.slice(0, SHOWN_FLAGS)} runHref={runHref} />
          </div>
          {flags.flags.length > SHOWN_FLAGS && (
            <p className="muted small">
              The {SHOWN_FLAGS} most recent of {flags.flags.length}.{' '}
              <a href={`/flags${withParams(range.query, { team: team.slug })}`}>All of this team&apos;s flags</a>
            </p>
          )}
        </section>
        <section className="card" aria-labelledby="scatter-heading">
          <h2 id="scatter-heading">Runs: tokens burned against iterations</h2>
          <RunScatter points={runs.points} />
          <p className="muted small">
            {runs.points.filter((p) => p.flagged).length} flagged of {runs.pointsOf} runs
            {runs.points.length < runs.pointsOf ? ` (every flagged run and a sample of ${runs.points.length - runs.points.filter((p) => p.flagged).length} others shown)` : ''};
            the table below lists them all.
          </p>
        </section>
      </div>
      <section className="card" aria-labelledby="runs-heading">
        <h2 id="runs-heading">Runs</h2>
        <RunFilters params={query} facets={runs.facets} />
        {runs.total === 0 ? (
          <p className="muted">No run matches these filters in this window.</p>
        ) : (
          <>
            <RunsTable
              rows={runs.rows}
              params={query}
              runHref={runHref}
              sort={runQuery.sort ?? 'lastEventAt'}
              desc={runQuery.desc ?? (runQuery.sort ?? 'lastEventAt') !== 'run'}
            />
            <Pagination page={runs.page} pageCount={runs.pageCount} total={runs.total} params={query} />
          </>
        )}
      </section>
    </>
  );
}
