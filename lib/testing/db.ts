/**
 * Real databases for tests: each test gets its own migrated database. SQLite files in a temp
 * folder by default; when LOOPSCOPE_TEST_DATABASE_URL names a PostgreSQL server (`npm run
 * test:postgres` starts one), a fresh PostgreSQL database on it, copied from a migrated template.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { onTestFinished } from 'vitest';
import { openDatabase } from '@/db/client';
import { openPostgres } from '@/db/postgres';
import type { SqliteSql, Sql } from '@/db/sql';
import { ensureTeams } from '@/lib/data/teams';

/** The PostgreSQL server the tests run on, or null for SQLite files. */
export function testPostgresUrl(): string | null {
  return process.env.LOOPSCOPE_TEST_DATABASE_URL?.trim() || null;
}

export interface TempDatabase {
  db: Sql;
  /** The environment that points the server, the CLI or a child process at this database. */
  env: { DATABASE_PATH: string; DATABASE_URL?: string };
  /** A folder of the test's own (spool files, exports); the SQLite file lives in it. */
  dir: string;
  cleanup: () => Promise<void>;
}

/** `base`: where the temp folder goes (e.g. /dev/shm, for tests that open hundreds of databases). */
export async function tempDatabase(base: string = os.tmpdir()): Promise<TempDatabase> {
  const url = testPostgresUrl();
  if (!url) {
    const t = tempSqliteDatabase(base);
    return { db: t.db, env: { DATABASE_PATH: t.file }, dir: t.dir, cleanup: async () => t.cleanup() };
  }
  const dir = fs.mkdtempSync(path.join(base, 'loopscope-test-'));
  const { dbUrl, drop } = await freshPostgresDatabase(url);
  const db = await openPostgres(dbUrl, { max: 4, migrate: false });
  return {
    db,
    // DATABASE_PATH still decides where uploads are spooled.
    env: { DATABASE_PATH: path.join(dir, 'unused.db'), DATABASE_URL: dbUrl },
    dir,
    cleanup: async () => {
      await db.close().catch(() => {});
      await drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A SQLite file whatever the test backend (tests of SQLite's own behaviour: WAL, backups, files). */
export function tempSqliteDatabase(base: string = os.tmpdir()): { db: SqliteSql; file: string; dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(base, 'loopscope-test-'));
  const file = path.join(dir, 'test.db');
  const db = openDatabase(file);
  return {
    db,
    file,
    dir,
    cleanup: () => {
      try {
        db.client.close();
      } catch {}
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const template = globalThis as unknown as { loopscopeTestTemplate?: Promise<string> };
let counter = 0;

/**
 * A new database on the server, copied from a template migrated once per test process (copying
 * is much faster than migrating each time); `drop` removes it.
 */
async function freshPostgresDatabase(serverUrl: string): Promise<{ dbUrl: string; drop: () => Promise<void> }> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const urlOf = (name: string) => {
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  try {
    template.loopscopeTestTemplate ??= (async () => {
      const name = `loopscope_template_${process.pid}_${Date.now()}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      const db = await openPostgres(urlOf(name), { max: 1 });
      await db.close();
      return name;
    })();
    const source = await template.loopscopeTestTemplate;
    const name = `loopscope_test_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${source}`);
    const drop = async () => {
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    };
    return { dbUrl: urlOf(name), drop };
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * Points this process's own connection (lib/data/connection.ts: the server's, the worker's, the
 * CLI's) at `t` until the current test finishes.
 */
export function useAsServerDatabase(t: Pick<TempDatabase, 'env'>): void {
  const saved = { DATABASE_PATH: process.env.DATABASE_PATH, DATABASE_URL: process.env.DATABASE_URL };
  process.env.DATABASE_PATH = t.env.DATABASE_PATH;
  if (t.env.DATABASE_URL) process.env.DATABASE_URL = t.env.DATABASE_URL;
  else delete process.env.DATABASE_URL;
  onTestFinished(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

/** Text (or bytes: protobuf bodies) in chunks of `size`, as a stream would bring them. */
export async function* chunksOf<T extends string | Buffer>(text: T, size = 4096): AsyncGenerator<T> {
  for (let i = 0; i < text.length; i += size) yield (typeof text === 'string' ? text.slice(i, i + size) : text.subarray(i, i + size)) as T;
}

export const ndjson = (events: object[]) => events.map((e) => JSON.stringify(e) + '\n').join('');

/** A copy of `items` in a seeded random order (Fisher–Yates over xorshift32): upload-order tests. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed | 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * A temp database holding team `acme` (id 1), removed when the current test finishes, with
 * `q` (rows of a query, `@name` parameters) and `payloads` (the stored events of a type, oldest first).
 */
export async function acmeDatabase() {
  const t = await tempDatabase();
  onTestFinished(t.cleanup);
  await ensureTeams([{ slug: 'acme', name: 'Acme' }], t.db);
  const team = { id: 1, slug: 'acme' };
  const q = <T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>) => t.db.all<T>(sql, params);
  const payloads = async (type: string) =>
    (await q<{ payload: string }>('SELECT payload FROM events WHERE type = @type ORDER BY ts, id', { type })).map((r) => JSON.parse(r.payload));
  return { ...t, team, q, payloads };
}
