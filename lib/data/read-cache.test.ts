import { afterEach, describe, expect, it } from 'vitest';
import { openAgain, tempDatabase, testPostgresUrl, type TempDatabase } from '@/lib/testing/db';
import { cachedRead, pageNow } from './read-cache';
import type { Sql } from './connection';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(): Promise<TempDatabase & { read: () => Promise<number>; reads: () => number }> {
  const t = await tempDatabase();
  cleanups.push(t.cleanup);
  let reads = 0;
  const read = () =>
    cachedRead(
      'teams',
      async () => {
        reads++;
        return (await t.db.get<{ n: number }>('SELECT count(*) AS n FROM teams'))!.n;
      },
      t.db,
    );
  return { ...t, read, reads: () => reads };
}

const addTeam = (db: Sql, slug: string) => db.run(`INSERT INTO teams (slug, name, created_at) VALUES (@slug, @slug, 0)`, { slug });

describe('cachedRead', () => {
  it('reads again once the database changed, through this connection or another (another instance, the ingest worker)', async () => {
    const t = await setup();
    const sqlite = !t.env.DATABASE_URL;
    expect(await t.read()).toBe(0);
    expect(await t.read()).toBe(0);
    expect(t.reads()).toBe(sqlite ? 1 : 2); // PostgreSQL: never remembered
    await addTeam(t.db, 'a');
    expect(await t.read()).toBe(1);
    const other = await openAgain(t);
    cleanups.push(() => other.close());
    await addTeam(other, 'b');
    expect(await t.read()).toBe(2);
    expect(await t.read()).toBe(2);
    expect(t.reads()).toBe(sqlite ? 3 : 5);
  });

  it('hands out copies, and rounds pages\' now up to the minute', async () => {
    const t = await setup();
    const value = await cachedRead('obj', async () => ({ list: [1, 2] }), t.db);
    value.list.push(3);
    expect(await cachedRead('obj', async () => ({ list: [9] }), t.db)).toEqual(t.env.DATABASE_URL ? { list: [9] } : { list: [1, 2] });
    expect(pageNow(Date.UTC(2026, 0, 1, 12, 34, 56, 789))).toBe(Date.UTC(2026, 0, 1, 12, 35));
    expect(pageNow(Date.UTC(2026, 0, 1, 12, 35))).toBe(Date.UTC(2026, 0, 1, 12, 35));
  });
});

describe('cachedRead in a bundled server', () => {
  // Next's server bundles each carry their own copy of db/sql.ts, sharing the connection the
  // first one opened: the cache must know it for SQLite without its class.
  it.runIf(!testPostgresUrl())('remembers reads on a SQLite connection made by another copy of the SQL class', async () => {
    const t = await setup();
    const copy = Object.assign(Object.create(null), { dialect: t.db.dialect, client: (t.db as unknown as { client: unknown }).client }) as Sql;
    let reads = 0;
    const read = () => cachedRead('copy', async () => ++reads, copy);
    expect(await read()).toBe(1);
    expect(await read()).toBe(1);
  });
});
