import { connection } from 'next/server';
import { TeamTable } from '@/components/TeamTable';
import { currentViewer } from '@/lib/auth/viewer';
import { listTeamSummaries } from '@/lib/data/teams';

export default async function OverviewPage() {
  await connection();
  const teams = listTeamSummaries(await currentViewer());
  return (
    <>
      <h1>Teams</h1>
      <p className="lede">Every team and the loop events stored for it.</p>
      {teams.length === 0 ? (
        <div className="card empty">
          <h2>No teams yet</h2>
          <p>
            Make one with <code>npm run cli -- team create my-team</code>, then{' '}
            <a href="/upload">upload a run log</a> or point an agent at <code>POST /api/v1/events</code>.
          </p>
        </div>
      ) : (
        <div className="card">
          <TeamTable teams={teams} />
        </div>
      )}
    </>
  );
}
