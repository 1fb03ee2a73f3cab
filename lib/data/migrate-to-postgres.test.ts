/**
 * migrate-to-postgres moves a whole installation, and the figures do not move with it: the demo
 * organisation (plus accounts, tokens and a share link) is built in a SQLite file, copied into an
 * empty PostgreSQL database, and every team's KPIs, weekly figures, flags, runs and dashboard are
 * the same read from either. Runs where a PostgreSQL server is given (`npm run test:postgres`).
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEMO_TEAMS } from '@/lib/demo/teams';
import { rebuildDemo } from '@/lib/demo/seed';
import { tempDatabase, tempSqliteDatabase, testPostgresUrl } from '@/lib/testing/db';
import { directContext } from './context';
import { getFlags, getKpis, getTeamDashboard, getWeeklyKpis } from './kpis';
import { migrateToPostgres } from './migrate-to-postgres';
import { getRuns } from './runs';
import { findShareLink, createShareLink } from './share-links';
import { createApiToken, viewerForToken } from './tokens';
import { createUser, findCredentials, userViewer } from './users';
import { OPERATOR } from './viewer';
import type { Sql } from './connection';

const AS_OF = Date.UTC(2026, 10, 30, 12, 0, 0);
const DAY = 86_400_000;

/** Everything the dashboards and the API show of each demo team, read from `db`. */
async function figures(db: Sql) {
  const out: Record<string, unknown> = {};
  for (const { slug } of DEMO_TEAMS) {
    const w = { from: AS_OF - 28 * DAY, to: AS_OF, asOf: AS_OF };
    const previous = { from: AS_OF - 56 * DAY, to: AS_OF - 28 * DAY, asOf: AS_OF };
    out[slug] = {
      kpis: await getKpis(OPERATOR, [slug], w, { db }),
      weekly: await getWeeklyKpis(OPERATOR, [slug], w, { db }),
      flags: await getFlags(OPERATOR, [slug], w, { db }),
      runs: await getRuns(OPERATOR, [slug], w, { limit: 1000 }, { db }),
      dashboard: await getTeamDashboard(OPERATOR, slug, { window: w, previous, runs: { sort: 'lastEventAt', desc: true, page: 1 } }, { db }),
    };
  }
  return JSON.parse(JSON.stringify(out));
}

describe.runIf(testPostgresUrl())('migrate-to-postgres', () => {
  it('copies the demo organisation and its accounts; every figure reads the same from PostgreSQL', async () => {
    const source = tempSqliteDatabase();
    onTestFinished(source.cleanup);
    await rebuildDemo(source.db, AS_OF);
    const ctx = directContext(source.db);
    const { id: userId } = await createUser(OPERATOR, { email: 'ana@example.com', password: 'tangerine-orbit-42', role: 'admin' }, ctx);
    const token = await createApiToken(OPERATOR, { teamId: 1, scopes: ['read'] }, source.db);
    const share = await createShareLink((await userViewer(userId, source.db))!, { teamSlug: DEMO_TEAMS[0].slug, searchParams: {}, mode: 'snapshot' }, ctx);

    const target = await tempDatabase();
    onTestFinished(target.cleanup);
    const copies = await migrateToPostgres(source.db.client, target.env.DATABASE_URL!);
    const events = copies.find((c) => c.table === 'events')!;
    expect(events.rows).toBe(Number((source.db.client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n));
    expect(events.rows).toBeGreaterThan(10_000);

    expect(await figures(target.db)).toEqual(await figures(source.db));
    // Hashes came along: the same password, token and share link work against the copy.
    expect((await findCredentials('ana@example.com', target.db))?.id).toBe(userId);
    expect((await viewerForToken(token.token, target.db))?.teamId).toBe(1);
    expect((await findShareLink(share.token, Date.now(), target.db)).status).toBe('active');
    // New rows get new ids after the copied ones.
    const another = await createUser(OPERATOR, { email: 'bo@example.com', password: 'tangerine-orbit-43', role: 'member' }, directContext(target.db));
    expect(another.id).toBeGreaterThan(userId);
  }, 300_000);

  it('refuses a database that holds data, and copies nothing', async () => {
    const source = tempSqliteDatabase();
    onTestFinished(source.cleanup);
    await rebuildDemo(source.db, AS_OF);
    const target = await tempDatabase();
    onTestFinished(target.cleanup);
    await migrateToPostgres(source.db.client, target.env.DATABASE_URL!);
    await expect(migrateToPostgres(source.db.client, target.env.DATABASE_URL!)).rejects.toThrow(/not empty \(table \w+ has rows\)/);
  }, 300_000);
});
