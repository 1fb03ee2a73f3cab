/**
 * Makes what a reliability test needs in a server's database, through the same data layer as
 * the admin CLI (direct writes; the server may be running): teams, API tokens, accounts, their
 * sessions (as signing in makes them) and share links. One process for all of it, since each
 * `npm run cli` call costs a second or two.
 *
 *   node --conditions=react-server --import tsx reliability/fixtures-child.ts '<FixtureSpec JSON>'
 *
 * Prints one line, `FIXTURES <FixtureResult JSON>`. DATABASE_URL or DATABASE_PATH names the database.
 */
import { newSessionId, SESSION_TTL_MS } from '@/lib/auth/session-cookie';
import { hashSecret } from '@/lib/auth/tokens';
import type { TokenScope } from '@/lib/auth/tokens';
import { dataContext, useDirectWrites } from '@/lib/data/context';
import { createShareLink } from '@/lib/data/share-links';
import { createTeam, findTeam } from '@/lib/data/teams';
import { createApiToken } from '@/lib/data/tokens';
import { createUser, findCredentials, userViewer } from '@/lib/data/users';
import { OPERATOR } from '@/lib/data/viewer';

export interface FixtureSpec {
  teams?: { slug: string; name?: string; tokens?: TokenScope[][] }[];
  users?: { email: string; password: string; role: 'admin' | 'member'; teams?: string[]; sessions?: number }[];
  /** Share links made by a user (by e-mail) of a team's dashboard. */
  shareLinks?: { by: string; team: string; mode?: 'snapshot' | 'live' }[];
}

export interface FixtureResult {
  /** Tokens by team slug, in the order asked. */
  tokens: Record<string, string[]>;
  teamIds: Record<string, number>;
  /** Session ids (the cookie's value) by e-mail. */
  sessions: Record<string, string[]>;
  shareTokens: string[];
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as FixtureSpec;
  useDirectWrites();
  const ctx = dataContext();
  const out: FixtureResult = { tokens: {}, teamIds: {}, sessions: {}, shareTokens: [] };
  for (const t of spec.teams ?? []) {
    const team = (await findTeam(OPERATOR, t.slug, ctx.db)) ?? (await createTeam(OPERATOR, { slug: t.slug, name: t.name }, ctx.db));
    out.teamIds[t.slug] = team.id;
    out.tokens[t.slug] = [];
    for (const scopes of t.tokens ?? []) out.tokens[t.slug].push((await createApiToken(OPERATOR, { teamId: team.id, scopes }, ctx.db)).token);
  }
  const db = await ctx.db;
  for (const u of spec.users ?? []) {
    const existing = await findCredentials(u.email, db);
    const id = existing?.id ?? (await createUser(OPERATOR, { email: u.email, password: u.password, role: u.role, teamSlugs: u.teams ?? [] }, ctx)).id;
    out.sessions[u.email] = [];
    for (let i = 0; i < (u.sessions ?? 0); i++) {
      const sessionId = newSessionId();
      const at = Date.now();
      await ctx.write({ name: 'createSession', idHash: hashSecret(sessionId), userId: id, at, expiresAt: at + SESSION_TTL_MS });
      out.sessions[u.email].push(sessionId);
    }
  }
  for (const l of spec.shareLinks ?? []) {
    const user = await findCredentials(l.by, db);
    const viewer = user ? await userViewer(user.id, db) : null;
    if (!viewer) throw new Error(`no user ${l.by}`);
    const made = await createShareLink(viewer, { teamSlug: l.team, searchParams: {}, mode: l.mode ?? 'live' }, ctx);
    out.shareTokens.push(made.token);
  }
  console.log(`FIXTURES ${JSON.stringify(out)}`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  },
);
