/**
 * The database backend the crash and contention tests run on: SQLite files by default, or
 * PostgreSQL when LOOPSCOPE_TEST_DATABASE_URL names a server (reliability/run.ts starts one for
 * them), where two server instances share each database, as behind a load balancer.
 */
import path from 'node:path';
import postgres from 'postgres';
import { integrityCheck, openSqlite, type TestDb } from './harness';

export interface Backend {
  name: 'SQLite' | 'PostgreSQL';
  /** Server instances on one database. */
  instances: number;
  /** A new, empty database for `label` (its SQLite file, or spool folder, under `dir`). */
  fresh(dir: string, label: string): Promise<TestDb>;
  /** The number a `count(*) AS n` query answers (`$1`… parameters on PostgreSQL, `?` on SQLite). */
  count(db: TestDb, sql: { sqlite: string; postgres: string }, params: unknown[]): Promise<number>;
  /** "ok", or the problems a check of the database's structure finds (integrity_check; amcheck). */
  integrity(db: TestDb): Promise<string>;
}

const sqlite: Backend = {
  name: 'SQLite',
  instances: 1,
  fresh: async (dir, label) => ({ dbPath: path.join(dir, label, 'loopscope.db') }),
  count: async (db, sql, params) => {
    const conn = openSqlite(db.dbPath, true);
    try {
      return Number((conn.prepare(sql.sqlite).get(...params) as { n: number }).n);
    } finally {
      conn.close();
    }
  },
  integrity: async (db) => integrityCheck(db.dbPath),
};

function onServer<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  return fn(sql).finally(() => sql.end({ timeout: 5 }));
}

function postgresBackend(serverUrl: string): Backend {
  const urlOf = (name: string) => {
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  return {
    name: 'PostgreSQL',
    instances: 2,
    fresh: async (dir, label) => {
      const name = `reliability_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}`;
      await onServer(serverUrl, async (sql) => {
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await sql.unsafe(`CREATE DATABASE ${name}`);
      });
      return { dbPath: path.join(dir, label, 'spool.db'), url: urlOf(name) };
    },
    count: (db, sql, params) => onServer(db.url!, async (c) => Number((await c.unsafe(sql.postgres, params as postgres.ParameterOrJSON<never>[]))[0].n)),
    // amcheck: every B-tree index (the unique (team, id) of events among them) agrees with its table.
    integrity: (db) =>
      onServer(db.url!, async (c) => {
        await c.unsafe('CREATE EXTENSION IF NOT EXISTS amcheck');
        const indexes = await c.unsafe(
          `SELECT c.relname AS name, c.oid AS oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE a.amname = 'btree' AND n.nspname = current_schema()`,
        );
        const problems: string[] = [];
        for (const ix of indexes) {
          try {
            await c.unsafe('SELECT bt_index_check($1::regclass, true)', [ix.oid]);
          } catch (err) {
            problems.push(`${ix.name}: ${(err as Error).message}`);
          }
        }
        return problems.length === 0 ? 'ok' : problems.join('; ');
      }),
  };
}

export function testBackend(): Backend {
  const url = process.env.LOOPSCOPE_TEST_DATABASE_URL?.trim();
  return url ? postgresBackend(url) : sqlite;
}
