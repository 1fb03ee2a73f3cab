import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { RangePicker } from '@/components/dashboard/RangePicker';
import { currentViewer } from '@/lib/auth/viewer';
import { parseDashboardRange, withParams, type SearchParams } from '@/lib/dashboard/search-params';
import { getFlags } from '@/lib/data/kpis';
import { listTeamSummaries } from '@/lib/data/teams';
import { describeFlag, FLAG_KIND_LABELS, FLAG_KINDS, type Flag } from '@/lib/flags';

export const metadata: Metadata = { title: 'Flags' };

const KINDS = FLAG_KINDS.map((kind) => ({ kind, label: FLAG_KIND_LABELS[kind] }));

export default async function FlagsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await connection();
  const [query, viewer] = await Promise.all([searchParams, currentViewer()]);
  const range = parseDashboardRange(query, Date.now());
  const kind = KINDS.find((k) => k.kind === query.kind)?.kind;
  const onlyTeam = typeof query.team === 'string' ? query.team : undefined;
  const teams = (await listTeamSummaries(viewer)).filter((t) => !onlyTeam || t.slug === onlyTeam);
  const rows: { team: { slug: string; name: string }; flag: Flag }[] = [];
  for (const team of teams) {
    for (const flag of (await getFlags(viewer, [team.slug], range.window))?.flags ?? []) {
      if (!kind || flag.kind === kind) rows.push({ team, flag });
    }
  }
  const rangeQuery = (slug: string) => withParams(range.query, { team: slug });
  return (
    <>
      <h1>Flags</h1>
      <p className="lede">Every loop that is busy but not converging, across your teams, with the numbers that tripped it.</p>
      <RangePicker basePath="/flags" range={range} params={query} />
      <nav className="range-picker" aria-label="Flag kind">
        <a href={`/flags${withParams(query, { kind: undefined })}`} aria-current={!kind}>
          All kinds
        </a>
        {KINDS.map((k) => (
          <a key={k.kind} href={`/flags${withParams(query, { kind: k.kind })}`} aria-current={kind === k.kind}>
            {k.label}
          </a>
        ))}
      </nav>
      <div className="card">
        {rows.length === 0 ? (
          <p className="muted" data-testid="no-flags">
            No open flag{kind ? ' of this kind' : ''} in this window.
          </p>
        ) : (
          <div className="table-scroll">
            <table data-testid="flags-table">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Team</th>
                  <th scope="col">Run</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ team, flag }, i) => (
                  <tr key={i} data-flag-kind={flag.kind}>
                    <td>
                      <span className={`flag-kind flag-${flag.kind}`}>{FLAG_KIND_LABELS[flag.kind]}</span>
                    </td>
                    <td>
                      <Link href={`/teams/${team.slug}${withParams(range.query, {})}`}>{team.name}</Link>
                    </td>
                    <td>
                      {'run' in flag ? (
                        <Link href={`/runs/${encodeURIComponent(flag.run)}${rangeQuery(team.slug)}`}>
                          <code>{flag.run}</code>
                        </Link>
                      ) : (
                        <span className="muted">whole team</span>
                      )}
                    </td>
                    <td>{describeFlag(flag)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}
