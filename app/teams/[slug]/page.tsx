import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { WeeklyOutputChart } from '@/components/charts/WeeklyOutputChart';
import { RangePicker } from '@/components/dashboard/RangePicker';
import { WeeklyTable } from '@/components/dashboard/WeeklyTable';
import { FlagList } from '@/components/flags/FlagList';
import { KpiCards } from '@/components/kpi/KpiCards';
import { currentViewer } from '@/lib/auth/viewer';
import { parseDashboardRange } from '@/lib/dashboard/range';
import { getFlags, getKpis, getWeeklyKpis } from '@/lib/data/kpis';
import { findTeam } from '@/lib/data/teams';

interface TeamPageProps {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: TeamPageProps): Promise<Metadata> {
  const { slug } = await params;
  return { title: slug };
}

export default async function TeamPage({ params, searchParams }: TeamPageProps) {
  await connection();
  const [{ slug }, query, viewer] = await Promise.all([params, searchParams, currentViewer()]);
  const team = findTeam(viewer, slug);
  if (!team) notFound();
  const range = parseDashboardRange(query, Date.now());
  const kpis = getKpis(viewer, [slug], range.window)!;
  const previous = getKpis(viewer, [slug], range.previous);
  const weekly = getWeeklyKpis(viewer, [slug], range.window)!;
  const flags = getFlags(viewer, [slug], range.window)!;
  const chart = weekly.weeks.map((w) => ({
    week: w.week.slice(5),
    costUsd: Math.round(w.costUsd * 100) / 100,
    merged: w.mergedChanges,
    survived: w.weekSurvival.survived,
  }));
  return (
    <>
      <h1>{team.name}</h1>
      <p className="lede">
        What this team&apos;s agent loops shipped, next to what they burned. As of{' '}
        {new Date(range.window.asOf).toISOString().slice(0, 16).replace('T', ' ')} UTC.
      </p>
      <RangePicker basePath={`/teams/${team.slug}`} range={range} />
      {range.warning && <p className="status-bad" role="status">{range.warning}</p>}
      <KpiCards current={kpis} previous={previous} />
      <div className="grid-2">
        <section className="card" aria-labelledby="weekly-heading">
          <h2 id="weekly-heading">Token cost against merged and surviving changes</h2>
          <WeeklyOutputChart data={chart} />
          <details>
            <summary>Figures by week</summary>
            <WeeklyTable weeks={weekly.weeks} />
          </details>
        </section>
        <section className="card" aria-labelledby="flags-heading">
          <h2 id="flags-heading">Busy but not converging ({flags.flags.length})</h2>
          <FlagList flags={flags.flags} />
        </section>
      </div>
    </>
  );
}
