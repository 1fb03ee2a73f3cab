import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { AgentActivity } from '@/components/connect/AgentActivity';
import { ConnectAgents } from '@/components/connect/ConnectAgents';
import { requireAdmin } from '@/lib/auth/viewer';
import { githubWebhookSecretIsSet, sourceActivity } from '@/lib/data/connect';
import { findTeam } from '@/lib/data/teams';
import { serverBaseUrl } from '@/lib/http/base-url';
import { createIngestTokenAction, newWebhookSecretAction } from './actions';

export const metadata: Metadata = { title: 'Connect agents' };

/** Admins: what to paste into each agent's configuration, and whether anything arrives. */
export default async function ConnectAgentsPage({ params }: { params: Promise<{ slug: string }> }) {
  await connection();
  const { slug } = await params;
  const viewer = await requireAdmin(`/teams/${slug}/settings/connect`);
  const team = await findTeam(viewer, slug);
  if (!team) notFound();
  const [activity, secretSet] = await Promise.all([await sourceActivity(viewer, slug), await githubWebhookSecretIsSet(viewer, slug)]);
  const baseUrl = serverBaseUrl(await headers());
  return (
    <>
      <h1>{team.name}: connect agents</h1>
      <p className="lede">
        <a href={`/teams/${team.slug}/settings`}>Back to the settings</a> · <a href={`/teams/${team.slug}`}>Dashboard</a>
      </p>

      <section className="card" aria-labelledby="activity-heading">
        <h2 id="activity-heading">What has arrived</h2>
        <p className="small muted">Requests the agents and GitHub sent this team, and the new events they brought. Reload to see the latest.</p>
        <AgentActivity activity={activity ?? []} />
      </section>

      <ConnectAgents
        baseUrl={baseUrl}
        team={team.slug}
        webhookSecretSet={secretSet ?? false}
        createToken={createIngestTokenAction.bind(null, team.slug)}
        newWebhookSecret={newWebhookSecretAction.bind(null, team.slug)}
      />
    </>
  );
}
