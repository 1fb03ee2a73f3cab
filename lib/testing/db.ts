/**
 * Real databases for tests: each test gets its own migrated database. SQLite files in a temp
 * folder by default; when LOOPSCOPE_TEST_DATABASE_URL names a PostgreSQL server (`npm run
 * test:postgres` starts one), an empty PostgreSQL database on it: a copy of a migrated template,
 * or one an earlier test of the same process used and emptied.
 */
import crypto from 'node:crypto';
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
  const { db, dbUrl, release } = await postgresTestDatabase(url);
  return {
    db,
    // DATABASE_PATH still decides where uploads are spooled.
    env: { DATABASE_PATH: path.join(dir, 'unused.db'), DATABASE_URL: dbUrl },
    dir,
    // Once only: a database given back twice would be handed to two tests.
    cleanup: once(async () => {
      await release();
      fs.rmSync(dir, { recursive: true, force: true });
    }),
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/**
 * A second connection to the database of `t`, as another instance or a restarted server would
 * open it (already migrated); the caller closes it.
 */
export async function openAgain(t: Pick<TempDatabase, 'env'>): Promise<Sql> {
  return t.env.DATABASE_URL ? openPostgres(t.env.DATABASE_URL, { max: 4, migrate: false }) : openDatabase(t.env.DATABASE_PATH);
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

const MIGRATIONS_PG = path.join(process.cwd(), 'db', 'migrations-pg');

interface PooledDatabase {
  name: string;
  db: Sql;
}

/** This process's test databases that tests have finished with, emptied, with their connections open. */
const state = globalThis as unknown as {
  loopscopeTestPostgres?: { template?: Promise<string>; shape?: Promise<string>; free: PooledDatabase[]; counter: number };
};

/**
 * An empty database on the server: one an earlier test of this process used, emptied (making one
 * takes seconds on a busy machine), else a copy of the migrated template all test processes share.
 * `release` empties it for the next test, or closes and drops it when it cannot be emptied or its
 * schema was changed.
 */
async function postgresTestDatabase(serverUrl: string): Promise<{ db: Sql; dbUrl: string; release: () => Promise<void> }> {
  const st = (state.loopscopeTestPostgres ??= { free: [], counter: 0 });
  const urlOf = (name: string) => {
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const adminDo = async <T>(fn: (admin: postgres.Sql) => Promise<T>): Promise<T> => {
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    try {
      return await fn(admin);
    } finally {
      await admin.end({ timeout: 5 });
    }
  };
  let pooled = st.free.pop();
  if (!pooled) {
    st.template ??= adminDo((admin) => sharedTemplate(admin, urlOf));
    const source = await st.template;
    const name = `loopscope_test_${process.pid}_${++st.counter}`;
    await adminDo((admin) => admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${source}`));
    const db = await openPostgres(urlOf(name), { max: 4, migrate: false });
    st.shape ??= db.get<{ shape: string }>(SCHEMA_SHAPE).then((row) => row!.shape);
    pooled = { name, db };
  }
  const { name, db } = pooled;
  const release = async () => {
    if (await emptied(db, await st.shape!)) {
      st.free.push({ name, db });
    } else {
      await db.close().catch(() => {});
      await adminDo((admin) => admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  };
  return { db, dbUrl: urlOf(name), release };
}

/**
 * Empties a test database as new: every row deleted, identities restarted. False when that fails
 * (the test closed the connection; another still holds a lock) or its tables and columns are no
 * longer `shape`, the template's.
 */
async function emptied(db: Sql, shape: string): Promise<boolean> {
  try {
    await db.run(EMPTY_DATABASE);
    return (await db.get<{ shape: string }>(SCHEMA_SHAPE))!.shape === shape;
  } catch {
    return false;
  }
}

/** The migrated template database for the current migrations, made under a lock by the first process to ask. */
async function sharedTemplate(admin: postgres.Sql, urlOf: (name: string) => string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (const f of fs.readdirSync(MIGRATIONS_PG, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(MIGRATIONS_PG, f);
    if (fs.statSync(file).isFile()) hash.update(f).update(fs.readFileSync(file));
  }
  const name = `loopscope_template_${hash.digest('hex').slice(0, 16)}`;
  await admin`SELECT pg_advisory_lock(hashtext(${name}))`;
  try {
    const [found] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (!found) {
      // Made under another name, then renamed: a process killed half-way leaves no half-made template.
      const making = `${name}_${process.pid}`;
      await admin.unsafe(`DROP DATABASE IF EXISTS ${making}`);
      await admin.unsafe(`CREATE DATABASE ${making}`);
      const db = await openPostgres(urlOf(making), { max: 1 });
      await db.close();
      await admin.unsafe(`ALTER DATABASE ${making} RENAME TO ${name}`);
    }
  } finally {
    await admin`SELECT pg_advisory_unlock(hashtext(${name}))`;
  }
  return name;
}

// Foreign keys are not checked while emptying (session_replication_role: a superuser's, as the
// server of scripts/with-postgres.mjs makes it), so the order of the tables does not matter.
const EMPTY_DATABASE = `DO $$
DECLARE r record;
BEGIN
  SET LOCAL lock_timeout = '5s';
  SET LOCAL session_replication_role = replica;
  FOR r IN SELECT c.oid::regclass AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'r' LOOP
    EXECUTE format('DELETE FROM %s', r.t);
  END LOOP;
  FOR r IN SELECT a.attrelid::regclass AS t, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND a.attidentity <> '' LOOP
    PERFORM setval(pg_get_serial_sequence(r.t::text, r.attname), 1, false);
  END LOOP;
END $$`;

/** The tables and indexes of the schema with their columns, as a hash (pg_catalog: information_schema is slow). */
const SCHEMA_SHAPE = `SELECT md5(string_agg(
    c.relname || ' ' || c.relkind::text || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' ||
    a.attidentity::text || ' ' || a.attnotnull::text, ',' ORDER BY c.relname, a.attnum)) AS shape
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
  WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped`;

/**
 * Points this process's own connection (lib/data/connection.ts: the server's, the worker's, the
 * CLI's) at `t`; the function returned puts the environment back (for a beforeAll / afterAll pair).
 */
export function pointServerAt(t: Pick<TempDatabase, 'env'>): () => void {
  const saved = { DATABASE_PATH: process.env.DATABASE_PATH, DATABASE_URL: process.env.DATABASE_URL };
  process.env.DATABASE_PATH = t.env.DATABASE_PATH;
  if (t.env.DATABASE_URL) process.env.DATABASE_URL = t.env.DATABASE_URL;
  else delete process.env.DATABASE_URL;
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** pointServerAt until the current test finishes. */
export function useAsServerDatabase(t: Pick<TempDatabase, 'env'>): void {
  onTestFinished(pointServerAt(t));
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
