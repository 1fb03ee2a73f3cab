import type { Metadata } from 'next';
import { connection } from 'next/server';
import { ActionForm } from '@/components/forms/ActionForm';
import { requireAdmin } from '@/lib/auth/viewer';
import { listTeamSummaries } from '@/lib/data/teams';
import { listUsers } from '@/lib/data/users';
import { createTeamAction, createUserAction, deleteUserAction, resetPasswordAction, setRoleAction } from './actions';
import { TableScroll } from '@/components/TableScroll';

export const metadata: Metadata = { title: 'Settings' };

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Admins: people (accounts, roles, teams) and teams. */
export default async function SettingsPage() {
  await connection();
  const viewer = await requireAdmin('/settings');
  const users = await listUsers(viewer);
  const teams = await listTeamSummaries(viewer);
  return (
    <>
      <h1>Settings</h1>
      <p className="lede">People and teams. Admins see and manage every team; members see the teams they belong to.</p>

      <section className="card" aria-labelledby="people-heading">
        <h2 id="people-heading">People</h2>
        <TableScroll label="People">
          <table data-testid="user-table">
            <thead>
              <tr>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Teams</th>
                <th scope="col">Since</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-user={u.email}>
                  <td>{u.email}</td>
                  <td>{u.role}</td>
                  <td>{u.role === 'admin' ? <span className="muted">all (admin)</span> : u.teams.length === 0 ? <span className="muted">none</span> : u.teams.join(', ')}</td>
                  <td>{day(u.createdAt)}</td>
                  <td>
                    {u.id !== viewer.userId && (
                      <div className="stack-small">
                        <ActionForm action={setRoleAction.bind(null, u.id)} submitLabel="Set role" className="inline-form">
                          <select name="role" defaultValue={u.role} aria-label={`Role of ${u.email}`}>
                            <option value="member">member</option>
                            <option value="admin">admin</option>
                          </select>
                        </ActionForm>
                        <ActionForm action={resetPasswordAction.bind(null, u.id)} submitLabel="Set password" className="inline-form">
                          <input type="password" name="password" minLength={8} required autoComplete="new-password" aria-label={`New password for ${u.email}`} placeholder="new password" />
                        </ActionForm>
                        <ActionForm
                          action={deleteUserAction.bind(null, u.id)}
                          submitLabel="Remove"
                          danger
                          className="inline-form"
                          confirm={`Remove ${u.email}? Their account and sessions end.`}
                        />
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <h3 className="small-heading">Add a person</h3>
        <ActionForm action={createUserAction} submitLabel="Create account" testId="create-user">
          <label>
            E-mail
            <input type="email" name="email" required maxLength={254} autoComplete="off" />
          </label>
          <label>
            Password (at least 8 characters)
            <input type="password" name="password" required minLength={8} maxLength={256} autoComplete="new-password" />
          </label>
          <label>
            Role
            <select name="role" defaultValue="member">
              <option value="member">member</option>
              <option value="admin">admin</option>
            </select>
          </label>
          <fieldset className="inline-fieldset">
            <legend>Teams (a member sees only these; an admin sees all)</legend>
            {teams.length === 0 ? (
              <span className="muted">No team yet: add one below.</span>
            ) : (
              teams.map((t) => (
                <label key={t.slug} className="checkbox">
                  <input type="checkbox" name="teams" value={t.slug} /> {t.name}
                </label>
              ))
            )}
          </fieldset>
        </ActionForm>
      </section>

      <section className="card" aria-labelledby="teams-heading">
        <h2 id="teams-heading">Teams</h2>
        {teams.length === 0 ? (
          <p className="muted">No team yet.</p>
        ) : (
          <ul data-testid="settings-teams">
            {teams.map((t) => (
              <li key={t.slug}>
                <a href={`/teams/${t.slug}/settings`}>{t.name}</a> <code>{t.slug}</code>
              </li>
            ))}
          </ul>
        )}
        <h3 className="small-heading" id="add-team">
          Add a team
        </h3>
        <ActionForm action={createTeamAction} submitLabel="Create team" testId="create-team">
          <label>
            Slug
            <input type="text" name="slug" required pattern="[a-z0-9][a-z0-9\-]{0,62}" placeholder="e.g. payments" />
          </label>
          <label>
            Name
            <input type="text" name="name" maxLength={200} placeholder="e.g. Payments" />
          </label>
        </ActionForm>
      </section>
    </>
  );
}
