import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { RunScatter } from '@/components/charts/RunScatter';
import { WeeklyOutputChart } from '@/components/charts/WeeklyOutputChart';
import { WeeklyRatesChart } from '@/components/charts/WeeklyRatesChart';
import { RangePicker } from '@/components/dashboard/RangePicker';
import { FilteredBar, ViewFilters } from '@/components/dashboard/ViewFilters';
import { TimeToFixCard } from '@/components/dashboard/TimeToFixCard';
import { WeeklyTable } from '@/components/dashboard/WeeklyTable';
import { AgentsModels } from '@/components/economics/AgentsModels';
import { WhatIfPanel } from '@/components/economics/WhatIfPanel';
import { FlagList } from '@/components/flags/FlagList';
import { KpiCards } from '@/components/kpi/KpiCards';
import { RunFilters } from '@/components/runs/RunFilters';
import { Pagination, RunsTable } from '@/components/runs/RunsTable';
import { ShareViewControl } from '@/components/share/ShareViewControl';
import { currentViewer } from '@/lib/auth/viewer';
import { pageNow } from '@/lib/data/read-cache';
import { parseDashboardRange, parseRunQuery, parseSliceFilters, withParams, type SearchParams } from '@/lib/dashboard/search-params';
import { teamPageData } from '@/lib/dashboard/team-page';
import { partialWeeksNote, weeklyPoints } from '@/lib/dashboard/weekly-points';
import { priceTable } from '@/lib/data/prices';
import { listShareLinks } from '@/lib/data/share-links';
import { findTeam, firstActiveDay } from '@/lib/data/teams';
import { summariseFlags } from '@/lib/flags/summary';
import { formatInt, formatUtcMinute, plural } from '@/lib/format';
import { parseEconomicsView } from '@/lib/economics/view';
import { previousPeriodNote } from '@/lib/kpi/cards';

interface TeamPageProps {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SearchParams>;
}

export async function generateMetadata({ params }: TeamPageProps): Promise<Metadata> {
  const { slug } = await params;
  const team = await findTeam(await currentViewer(`/teams/${slug}`), slug);
  return { title: team?.name ?? 'Not found' };
}

/** Flags listed on the dashboard, newest first; the flags page lists them all. */
const SHOWN_FLAGS = 6;

export default async function TeamPage({ params, searchParams }: TeamPageProps) {
  await connection();
  const [{ slug }, query, viewer] = await Promise.all([params, searchParams, params.then((p) => currentViewer(`/teams/${p.slug}`))]);
  const team = await findTeam(viewer, slug);
  if (!team) notFound();
  const range = parseDashboardRange(query, pageNow());
  const filters = parseSliceFilters(query);
  const runQuery = parseRunQuery(query);
  const economics = parseEconomicsView(query);
  const { dashboard, facets, costs, compare, whatIf } = await teamPageData(viewer, slug, { range, filters, runQuery, economics });
  const [shareLinks, dataSince] = await Promise.all([listShareLinks(viewer, team.slug).then((l) => l ?? []), firstActiveDay(viewer, [team.slug])]);
  const { kpis, previousKpis: previous, weekly, flags } = dashboard;
  const runs = dashboard.runList!;
  if (!facets || !costs || !compare) notFound();
  const whatIfShown = !economics.scenario.ok ? economics.scenario : whatIf!.ok ? whatIf! : { ...whatIf!, field: `whatif.${whatIf!.field}` };
  const basePath = `/teams/${team.slug}`;
  const rangeQuery = withParams(range.query, { team: team.slug });
  const runHref = (run: string) => `/runs/${encodeURIComponent(run)}${rangeQuery}`;
  const weeks = weeklyPoints(weekly.weeks, range.window);
  const partialNote = partialWeeksNote(weeks);
  const previousNote = previousPeriodNote(kpis, previous, range.previous, dataSince);
  const viewQuery = withParams({ ...range.query, ...filters }, {});
  const hasData = kpis.tokens.total > 0 || kpis.mergedChanges > 0 || runs.total > 0;
  const filtered = Object.keys(filters).length > 0;
  const flaggedPoints = runs.points.filter((p) => p.flagged).length;
  const flagCount = summariseFlags(flags.flags);
  return (
    <>
      <h1>{team.name}</h1>
      <p className="lede">
        What this team&apos;s agent loops shipped, next to what they burned. As of {formatUtcMinute(range.window.asOf)}.
      </p>
      <div className="card view-bar">
        <ViewFilters params={query} facets={facets} />
        <RangePicker basePath={basePath} range={range} params={query} />
      </div>
      <FilteredBar basePath={basePath} params={query} filters={filters} />
      <div className="view-actions">
        <ShareViewControl viewer={viewer} teamSlug={team.slug} links={shareLinks} searchParams={query} />
        <p className="downloads" data-testid="export-links">
          Download this view:{' '}
          <a href={`${basePath}/export.csv${viewQuery}`} download>
            CSV
          </a>{' '}
          ·{' '}
          <a href={`${basePath}/export.json${viewQuery}`} download>
            JSON
          </a>
        </p>
      </div>
      {!hasData &&
        (filtered ? (
          <div className="card empty">
            <h2>Nothing matches these filters in this window</h2>
            <p>Reset the filters above, or pick a longer range.</p>
          </div>
        ) : (
          <div className="card empty">
            <h2>No activity in this window</h2>
            <p>
              <a href="/upload">Upload a run log</a>, point an agent at <code>POST /api/v1/events</code> with a team token, or
              pick a longer range.
            </p>
          </div>
        ))}
      <KpiCards current={kpis} previous={previous} />
      {previousNote && (
        <p className="muted small" data-testid="previous-note">
          {previousNote}
        </p>
      )}
      {/* Without data in the window, the cards say so above; empty charts and tables would only repeat it. */}
      {hasData && (
        <>
          <div className="grid-2">
            <section className="card" aria-labelledby="weekly-heading">
              <h2 id="weekly-heading">Token cost against merged and surviving changes</h2>
              <WeeklyOutputChart data={weeks} />
              <p className="muted small">
                A week&apos;s surviving changes show once all of them are 7 days old.{partialNote ? ` ${partialNote}` : ''}
              </p>
              <details>
                <summary>Figures by week</summary>
                <WeeklyTable weeks={weekly.weeks} />
              </details>
            </section>
            <section className="card" aria-labelledby="rates-heading">
              <h2 id="rates-heading">Week-survival and defect rate by week of merge</h2>
              <WeeklyRatesChart data={weeks} />
              <p className="muted small">
                A week with no change old enough to judge (7 days for survival, 14 for defects) has no point.{partialNote ? ` ${partialNote}` : ''}
              </p>
            </section>
            <TimeToFixCard ttf={kpis.timeToFix} fixedHours={dashboard.timeToFix.fixedHours} kmCurve={dashboard.timeToFix.kmCurve} />
            <section className="card" aria-labelledby="flags-heading">
              <h2 id="flags-heading">Busy but not converging</h2>
              <p className="flag-summary" data-testid="flag-summary">
                {flagCount.runsFlagged === 0 ? 'No run flagged' : `${plural(flagCount.runsFlagged, 'run', 'runs')} flagged`}
                {flagCount.runFlags > flagCount.runsFlagged ? ` (${formatInt(flagCount.runFlags)} flags: a run can trip several rules)` : ''}
                {flagCount.teamFlags > 0 ? '; the team itself is flagged for divergence' : ''}.
              </p>
              <FlagList flags={dashboard.recentFlags.slice(0, SHOWN_FLAGS)} runHref={runHref} />
              {flags.flags.length > 0 && (
                <p className="small">
                  {flags.flags.length > SHOWN_FLAGS ? `The ${SHOWN_FLAGS} most recent of ${flags.flags.length}. ` : ''}
                  <a href={`/flags${withParams(range.query, { team: team.slug })}`} data-testid="all-team-flags">
                    All of this team&apos;s flags, with their cost →
                  </a>
                </p>
              )}
            </section>
          </div>
          <AgentsModels
            compare={compare}
            view={economics}
            params={query}
            runsHref={(key) => `${basePath}${withParams({ ...range.query, ...filters }, { [economics.by]: key })}#runs-heading`}
          />
          <WhatIfPanel
            scenario={economics.scenario}
            result={whatIfShown}
            tokens={kpis.tokens.total}
            window={range.window}
            models={[...priceTable().prices.values()].map((p) => p.model).sort()}
            teamModels={facets.models}
            params={query}
            basePath={basePath}
          />
          <section className="card" aria-labelledby="scatter-heading">
            <h2 id="scatter-heading">Runs: tokens burned against iterations</h2>
            <RunScatter points={runs.points.map((p) => ({ ...p, href: runHref(p.run) }))} />
            <p className="muted small">
              {flaggedPoints} flagged of {plural(runs.pointsOf, 'run', 'runs')}
              {runs.points.length < runs.pointsOf ? ` (every flagged run and a sample of ${runs.points.length - flaggedPoints} others shown)` : ''}; point at one
              to see it, click to open it. The table below lists them all.
            </p>
          </section>
          <section className="card" aria-labelledby="runs-heading">
            <h2 id="runs-heading">Runs</h2>
            <RunFilters params={query} anchor="runs-heading" />
            {runs.total === 0 ? (
              <p className="muted">{runQuery.status !== undefined || runQuery.flagged !== undefined ? 'No run matches these filters in this window.' : 'No run in this window.'}</p>
            ) : (
              <>
                <RunsTable
                  rows={runs.rows}
                  costs={costs}
                  params={query}
                  runHref={runHref}
                  sort={runQuery.sort ?? 'lastEventAt'}
                  desc={runQuery.desc ?? (runQuery.sort ?? 'lastEventAt') !== 'run'}
                  anchor="runs-heading"
                />
                <Pagination page={runs.page} pageCount={runs.pageCount} total={runs.total} params={query} anchor="runs-heading" />
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}
