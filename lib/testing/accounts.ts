/**
 * A database with two teams holding data, and four accounts: a member of each, a member of
 * both, and an admin (the access tests). Writes are applied directly (no worker).
 */
import type { Sql } from '@/lib/data/connection';
import { directContext, type DataContext } from '@/lib/data/context';
import { ensureTeams } from '@/lib/data/teams';
import { createUser, userViewer } from '@/lib/data/users';
import { OPERATOR, type UserViewer } from '@/lib/data/viewer';
import { ingest } from '@/lib/ingest/ingest';
import { chunksOf, ndjson, tempDatabase, type TempDatabase } from './db';

export const PASSWORD = 'tangerine-orbit-42';

/** A run with LLM calls and a merged change, `minutesAgo` before now, with ids unique to `tag`. */
export function teamEvents(tag: string, now: number, minutesAgo = 60): object[] {
  const t = (m: number) => new Date(now - (minutesAgo - m) * 60_000).toISOString();
  const run = `${tag}-run`;
  return [
    { id: `${tag}-1`, type: 'run.started', ts: t(0), run, agent: 'codex', repo: `${tag}/repo`, branch: 'main' },
    { id: `${tag}-2`, type: 'llm.call', ts: t(1), run, model: 'gpt-5', input_tokens: 1000, output_tokens: 100 },
    { id: `${tag}-3`, type: 'llm.call', ts: t(2), run, model: 'gpt-5', input_tokens: 2000, output_tokens: 200 },
    { id: `${tag}-4`, type: 'change.opened', ts: t(3), change: `${tag}-change`, run, repo: `${tag}/repo`, branch: 'main' },
    { id: `${tag}-5`, type: 'change.merged', ts: t(4), change: `${tag}-change` },
    { id: `${tag}-6`, type: 'run.ended', ts: t(5), run, status: 'succeeded' },
  ];
}

export interface AccessFixture {
  ctx: DataContext;
  /** The database itself (ctx.db, without the await). */
  db: Sql;
  /** Points the server's connection at this database (useAsServerDatabase). */
  env: TempDatabase['env'];
  cleanup: () => Promise<void>;
  teamIds: { alpha: number; beta: number };
  users: { alphaMember: UserViewer; betaMember: UserViewer; bothMember: UserViewer; admin: UserViewer };
  /** Adds events to a team. */
  send: (team: 'alpha' | 'beta', events: object[]) => Promise<void>;
}

export async function accessFixture(now: number = Date.now()): Promise<AccessFixture> {
  const t = await tempDatabase();
  const ctx = directContext(t.db);
  await ensureTeams([{ slug: 'alpha', name: 'Alpha Squad' }, { slug: 'beta', name: 'Beta Crew' }], t.db);
  const ids = Object.fromEntries(
    (await t.db.all<{ id: number; slug: string }>('SELECT id, slug FROM teams')).map((r) => [r.slug, r.id]),
  ) as { alpha: number; beta: number };
  const send = async (team: 'alpha' | 'beta', events: object[]) => {
    const result = await ingest(t.db, chunksOf(ndjson(events)), {
      format: 'ndjson',
      partial: false,
      source: 'cli',
      team: { id: ids[team], slug: team },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 3)));
  };
  await send('alpha', teamEvents('alpha-secret', now));
  await send('beta', teamEvents('beta-secret', now));
  const make = async (email: string, role: 'admin' | 'member', teamSlugs: string[]) => {
    const { id } = await createUser(OPERATOR, { email, password: PASSWORD, role, teamSlugs }, ctx);
    return (await userViewer(id, t.db))!;
  };
  const users = {
    alphaMember: await make('alpha@example.com', 'member', ['alpha']),
    betaMember: await make('beta@example.com', 'member', ['beta']),
    bothMember: await make('both@example.com', 'member', ['alpha', 'beta']),
    admin: await make('admin@example.com', 'admin', []),
  };
  return { ctx, db: t.db, env: t.env, cleanup: t.cleanup, teamIds: ids, users, send };
}
