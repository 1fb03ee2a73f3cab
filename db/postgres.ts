/**
 * The PostgreSQL connection (DATABASE_URL): a postgres.js pool, migrated at open under an advisory
 * lock, so that several instances starting together migrate once and the others wait for it.
 */
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { PostgresSql } from './sql';

const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations-pg');
/** pg_advisory_lock key of the migrations ("LOOPSCOP" as 8 bytes). */
const MIGRATION_LOCK = 0x4c4f4f5053434f50n;

/** bigint and numeric (what sum() of a bigint gives) as JavaScript numbers: epoch ms and token sums stay far below 2^53. */
const asNumber = (oid: number) => ({ to: oid, from: [oid], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) });

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** Apply migrations (default true). */
  migrate?: boolean;
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresSql> {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    types: { int8: asNumber(20), numeric: asNumber(1700) },
    connection: { application_name: 'loopscope' },
  });
  if (options.migrate ?? true) await migratePostgres(url);
  return new PostgresSql(client);
}

/** Applies db/migrations-pg on a connection of its own (max 1: the advisory lock is held by that session). */
async function migratePostgres(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`SELECT pg_advisory_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    try {
      await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client`SELECT pg_advisory_unlock(${MIGRATION_LOCK.toString()}::bigint)`;
    }
  } finally {
    await client.end();
  }
}
