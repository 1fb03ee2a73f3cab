import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { RunTimelineChart } from '@/components/charts/RunTimelineChart';
import { RunFlagExplanation } from '@/components/flags/RunFlagExplanation';
import { RangeNotice } from '@/components/dashboard/RangeNotice';
import { KpiCard } from '@/components/kpi/KpiCard';
import { ChangeFates } from '@/components/runs/ChangeFates';
import { currentViewer } from '@/lib/auth/viewer';
import { parseDashboardRange, withParams, type SearchParams } from '@/lib/dashboard/search-params';
import { pageNow } from '@/lib/data/read-cache';
import { getRunDetail, teamsWithRun } from '@/lib/data/runs';
import { formatCompact, formatInt, formatUsd, formatUtcMinute, plural } from '@/lib/format';
import { TableScroll } from '@/components/TableScroll';

interface RunPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}

export async function generateMetadata({ params }: RunPageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Run ${decodeURIComponent(id)}` };
}

const when = (ms: number | null) => formatUtcMinute(ms);

export default async function RunPage({ params, searchParams }: RunPageProps) {
  await connection();
  const [{ id }, query, viewer] = await Promise.all([params, searchParams, currentViewer()]);
  const runId = decodeURIComponent(id);
  const asked = typeof query.team === 'string' ? query.team : undefined;
  const teams = asked ? [] : await teamsWithRun(viewer, runId);
  if (!asked && teams.length > 1) {
    return (
      <div className="card">
        <h1>Run {runId}</h1>
        <p>Several of your teams have a run with this id. Which one?</p>
        <ul>
          {teams.map((t) => (
            <li key={t.slug}>
              <Link href={`/runs/${encodeURIComponent(runId)}${withParams(query, { team: t.slug })}`}>{t.name}</Link>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const teamSlug = asked ?? teams[0]?.slug;
  if (!teamSlug) notFound();
  const range = parseDashboardRange(query, pageNow());
  const detail = await getRunDetail(viewer, teamSlug, runId, range.window);
  if (!detail) notFound();
  const { run, team } = detail;
  const back = `/teams/${team.slug}${withParams(range.query, {})}`;
  return (
    <>
      <p className="muted small">
        <Link href={back}>← {team.name}</Link>
      </p>
      <h1>
        Run <code>{run.run}</code>
      </h1>
      <RangeNotice range={range} />
      {run.task && <p className="lede">{run.task}</p>}
      <div className="kpi-grid">
        <KpiCard compact label="Agent · model" value={`${run.agent ?? '—'} · ${run.model ?? '—'}`} />
        <KpiCard compact label="Repository · branch" value={`${run.repo ?? '—'} · ${run.branch ?? '—'}`} />
        <KpiCard compact label="Status" value={run.status} detail={`started ${when(run.startedAt)}; ended ${when(run.endedAt)}`} />
        <KpiCard
          compact
          label="Cost"
          testId="run-cost"
          value={formatUsd(detail.cost.costUsd)}
          detail={
            run.llmCalls === 0
              ? 'no LLM call'
              : detail.cost.unpricedCalls > 0
                ? `${plural(detail.cost.unpricedCalls, 'call', 'calls')} without a price`
                : `every call priced · ${formatUsd(detail.cost.costUsd / run.llmCalls)} a call`
          }
        />
        <KpiCard
          compact
          label="Tokens"
          testId="run-tokens"
          value={formatInt(run.tokens.total)}
          detail={plural(run.llmCalls, 'LLM call', 'LLM calls')}
          parts={
            run.tokens.total === 0
              ? undefined
              : [
                  ['input', formatCompact(run.tokens.input)],
                  ['output', formatCompact(run.tokens.output)],
                  ['cache read', formatCompact(run.tokens.cacheRead)],
                  ['cache write', formatCompact(run.tokens.cacheWrite)],
                ]
          }
        />
        <KpiCard compact label="Iterations" value={formatInt(run.iterations)} detail={plural(run.testResults, 'test result', 'test results')} />
        <KpiCard compact label="Messages · tool calls" value={`${formatInt(run.messages)} · ${formatInt(run.toolCalls)}`} />
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="flag-heading">
          <h2 id="flag-heading">Is it busy but not converging?</h2>
          <RunFlagExplanation explanation={detail.flags} />
          <p className="muted small">
            Judged over {when(detail.flagWindow.from)} to {when(detail.flagWindow.to)} against the team&apos;s thresholds.
          </p>
        </section>
        <section className="card" aria-labelledby="changes-heading">
          <h2 id="changes-heading">What it shipped</h2>
          <ChangeFates changes={detail.changes} />
        </section>
      </div>
      <section className="card" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">The loop, iteration by iteration</h2>
        {detail.iterations.length === 0 ? (
          <p className="muted">No events of this run yet.</p>
        ) : (
          <>
            <RunTimelineChart iterations={detail.iterations} />
            <details>
              <summary>Figures by iteration</summary>
              <TableScroll label="Figures by iteration">
                <table data-testid="iterations-table">
                  <thead>
                    <tr>
                      <th scope="col">Iteration</th>
                      <th scope="col" className="num">Tokens</th>
                      <th scope="col" className="num">Tests failing</th>
                      <th scope="col" className="num">Tool calls (failed)</th>
                      <th scope="col" className="num">Messages</th>
                    </tr>
                  </thead>
                  <tbody>
                    {detail.iterations.map((i) => (
                      <tr key={`${i.n}-${i.at}`}>
                        <td>{i.n === 0 ? 'before the first' : `#${i.n}`}</td>
                        <td className="num">{formatInt(i.tokens)}</td>
                        <td className="num">{i.testsFailed ?? '—'}</td>
                        <td className="num">
                          {formatInt(i.toolCalls)} ({formatInt(i.failedToolCalls)})
                        </td>
                        <td className="num">{formatInt(i.messages)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            </details>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="events-heading">
        <details>
          <summary id="events-heading">
            {detail.eventsTruncated ? 'The first 5,000 events' : detail.events.length === 1 ? 'Its one event' : `All ${formatInt(detail.events.length)} events`}
          </summary>
          <TableScroll label="Events">
            <table>
              <thead>
                <tr>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Type</th>
                  <th scope="col">Fields</th>
                </tr>
              </thead>
              <tbody>
                {detail.events.map((e) => (
                  <tr key={e.id}>
                    <td>{when(e.ts)}</td>
                    <td>
                      <code>{e.type}</code>
                    </td>
                    <td>
                      <code className="small">{JSON.stringify(e.fields)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </details>
      </section>
    </>
  );
}

