import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { AlertSettings } from '@/components/alerts/AlertSettings';
import { ActionForm } from '@/components/forms/ActionForm';
import { ShareLinkList } from '@/components/share/ShareLinkList';
import { TOKEN_SCOPES } from '@/lib/auth/tokens';
import { requireAdmin } from '@/lib/auth/viewer';
import { alertLinkBase, publicBaseUrl } from '@/lib/config';
import { listAlertDestinations } from '@/lib/data/alerts';
import { listShareLinks } from '@/lib/data/share-links';
import { teamFlagThresholds } from '@/lib/data/team-settings';
import { findTeam } from '@/lib/data/teams';
import { listApiTokens } from '@/lib/data/tokens';
import { listTeamMembers } from '@/lib/data/users';
import { DEFAULT_FLAG_THRESHOLDS } from '@/lib/flags/thresholds';
import { THRESHOLD_FIELDS } from '@/lib/flags/threshold-fields';
import { addMemberAction, createTokenAction, removeMemberAction, revokeTokenAction, saveThresholdsAction } from './actions';
import { formatUtcMinute } from '@/lib/format';
import { TableScroll } from '@/components/TableScroll';

export const metadata: Metadata = { title: 'Team settings' };

const when = (ms: number | null) => formatUtcMinute(ms, 'never');

/** Admins: a team's members, API tokens, flag thresholds, alerts and share links. */
export default async function TeamSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  await connection();
  const { slug } = await params;
  const viewer = await requireAdmin(`/teams/${slug}/settings`);
  const team = await findTeam(viewer, slug);
  if (!team) notFound();
  const members = await listTeamMembers(viewer, slug) ?? [];
  const tokens = await listApiTokens(viewer, slug) ?? [];
  const thresholds = (await teamFlagThresholds(viewer, slug))!;
  const links = await listShareLinks(viewer, slug) ?? [];
  const alerts = (await listAlertDestinations(viewer, slug)) ?? [];
  return (
    <>
      <h1>{team.name}: settings</h1>
      <p className="lede">
        <a href={`/teams/${team.slug}`}>Back to the dashboard</a> · <a href={`/teams/${team.slug}/settings/connect`}>Connect agents</a>: what to paste
        into Claude Code, Codex, Gemini CLI and GitHub, and what has arrived
      </p>

      <section className="card" aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        {members.length === 0 ? (
          <p className="muted">No member yet (admins see every team anyway).</p>
        ) : (
          <ul className="plain-list" data-testid="member-list">
            {members.map((m) => (
              <li key={m.userId} data-member={m.email}>
                {m.email} <span className="muted">({m.role})</span>{' '}
                <ActionForm action={removeMemberAction.bind(null, team.slug, m.userId)} submitLabel="Remove" danger className="inline-form" />
              </li>
            ))}
          </ul>
        )}
        <ActionForm action={addMemberAction.bind(null, team.slug)} submitLabel="Add member" testId="add-member">
          <label>
            E-mail of an existing account
            <input type="email" name="email" required maxLength={254} />
          </label>
        </ActionForm>
      </section>

      <section className="card" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">API tokens</h2>
        {tokens.length === 0 ? (
          <p className="muted">No token.</p>
        ) : (
          <TableScroll label="API tokens">
            <table data-testid="token-table">
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Name</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="sr-only">Revoke</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id} data-token={t.prefix}>
                    <td>
                      <code>{t.prefix}…</code>
                    </td>
                    <td className="answer">{t.name ?? '—'}</td>
                    <td>{t.scopes.join(', ')}</td>
                    <td>{when(t.createdAt)}</td>
                    <td>{when(t.lastUsedAt)}</td>
                    <td>
                      <ActionForm
                        action={revokeTokenAction.bind(null, team.slug, t.id)}
                        submitLabel="Revoke"
                        danger
                        className="inline-form"
                        confirm={`Revoke ${t.prefix}…? Whatever uses it gets 401 from now on.`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <ActionForm action={createTokenAction.bind(null, team.slug)} submitLabel="Create token" testId="create-token">
          <label>
            Name (optional)
            <input type="text" name="name" maxLength={100} placeholder="e.g. ci-agent" />
          </label>
          {TOKEN_SCOPES.map((s) => (
            <label key={s} className="checkbox">
              <input type="checkbox" name={`scope-${s}`} defaultChecked /> {s}
            </label>
          ))}
        </ActionForm>
      </section>

      <section className="card" aria-labelledby="thresholds-heading">
        <h2 id="thresholds-heading">Flag thresholds</h2>
        <p className="muted small">
          An empty field uses the default, shown greyed in it. What each threshold does: <a href="/docs/kpis#flags-busy-but-not-converging">flags in the docs</a>.
        </p>
        <ActionForm action={saveThresholdsAction.bind(null, team.slug)} submitLabel="Save thresholds" className="threshold-form" testId="thresholds">
          {THRESHOLD_FIELDS.map((f) => (
            <label key={f.key}>
              {f.label}
              <input
                type="number"
                name={f.key}
                min={f.min}
                max={f.max}
                step={f.integer ? 1 : 'any'}
                placeholder={`default ${DEFAULT_FLAG_THRESHOLDS[f.key]}`}
                defaultValue={thresholds[f.key] === DEFAULT_FLAG_THRESHOLDS[f.key] ? '' : String(thresholds[f.key])}
              />
            </label>
          ))}
        </ActionForm>
      </section>

      <section className="card" aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Alerts</h2>
        <AlertSettings teamSlug={team.slug} destinations={alerts} linkBase={alertLinkBase()} publicUrlSet={publicBaseUrl() !== null} />
      </section>

      <section className="card" aria-labelledby="links-heading">
        <h2 id="links-heading">Share links</h2>
        <ShareLinkList links={links} showCreator />
      </section>
    </>
  );
}
