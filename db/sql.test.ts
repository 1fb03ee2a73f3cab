/**
 * SqliteSql's transactions on one thread: better-sqlite3 blocks the thread while it waits for a
 * lock, so connections of the same thread must wait for each other without blocking it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tempSqliteDatabase } from '@/lib/testing/db';
import { openDatabase } from './client';
import type { Sql, SqliteSql } from './sql';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A SQLite file with a scratch table, and a second connection to it. */
function twoConnections(): { a: SqliteSql; b: SqliteSql; values: () => Promise<string[]> } {
  const t = tempSqliteDatabase();
  const b = openDatabase(t.file);
  cleanups.push(() => b.client.close(), t.cleanup);
  t.db.client.exec('CREATE TABLE scratch (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const values = async () => (await t.db.all<{ v: string }>('SELECT v FROM scratch ORDER BY id')).map((r) => r.v);
  return { a: t.db, b, values };
}

const insert = (db: Sql, v: string) => db.run('INSERT INTO scratch (v) VALUES (@v)', { v });

describe('SQLite transactions on one thread', () => {
  it('a second connection waits for a transaction open across an await, instead of blocking the thread', async () => {
    const { a, b, values } = twoConnections();
    const first = a.transaction(async (tx) => {
      await insert(tx, 'a1');
      await pause(50);
      await insert(tx, 'a2');
    });
    const plain = insert(b, 'b-plain');
    const second = b.transaction(async (tx) => insert(tx, 'b-tx'));
    await Promise.all([first, plain, second]);
    expect(await values()).toEqual(['a1', 'a2', 'b-plain', 'b-tx']);
  });

  it('runs concurrent transactions of one connection one after the other, nested ones inside, each rolled back alone', async () => {
    const { a, values } = twoConnections();
    const failing = a.transaction(async (tx) => {
      await insert(tx, 'lost');
      await pause(30);
      throw new Error('boom');
    });
    const next = a.transaction(async (tx) => {
      await insert(tx, 'kept');
      await tx.transaction(async (inner) => insert(inner, 'nested'));
    });
    await expect(failing).rejects.toThrow('boom');
    await next;
    expect(await values()).toEqual(['kept', 'nested']);
  });

  it('fails with SQLITE_BUSY once the busy timeout has passed, as SQLite does', async () => {
    const { a, b, values } = twoConnections();
    b.client.pragma('busy_timeout = 50');
    const long = a.transaction(async (tx) => {
      await insert(tx, 'a');
      await pause(400);
    });
    await expect(insert(b, 'b')).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    await long;
    expect(await values()).toEqual(['a']);
  });
});
