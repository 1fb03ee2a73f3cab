import type { Metadata } from 'next';
import { connection } from 'next/server';
import { MakeTeamHint } from '@/components/MakeTeamHint';
import { UploadForm } from '@/components/upload/UploadForm';
import { currentViewer } from '@/lib/auth/viewer';
import { listTeamSummaries } from '@/lib/data/teams';
import { isAdmin } from '@/lib/data/viewer';

export const metadata: Metadata = { title: 'Upload' };

export default async function UploadPage() {
  await connection();
  const viewer = await currentViewer('/upload');
  const teams = (await listTeamSummaries(viewer)).map((t) => ({ slug: t.slug, name: t.name }));
  return (
    <>
      <h1>Upload run logs</h1>
      <p className="lede">
        NDJSON, a JSON array or CSV of loop events (<a href="/docs/events">the event format</a>), or a source to import: Claude Code transcripts, Codex
        rollouts, OpenTelemetry traces, GitHub webhook payloads (a zip of several files is one upload). The file is
        checked whole: by default one bad event stores nothing, and every problem is listed by line.
      </p>
      {teams.length === 0 ? (
        <div className="card empty">
          <h2>No team to upload into</h2>
          <p>
            <MakeTeamHint admin={isAdmin(viewer)} />.
          </p>
        </div>
      ) : (
        <UploadForm teams={teams} />
      )}
    </>
  );
}
