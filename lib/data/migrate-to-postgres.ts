/**
 * `npm run cli -- migrate-to-postgres <url>`: copies a SQLite database, every table and row (hashes
 * of tokens, sessions and passwords included), into an empty PostgreSQL database, so a team that
 * outgrows one machine keeps its history. The copy is one PostgreSQL transaction: it lands whole,
 * or the target stays empty. Row counts are compared table by table before it commits.
 */
import type { SqliteConnection } from '@/db/client';
import { openPostgres } from '@/db/postgres';
import type { Sql } from './connection';
import { DataError } from './errors';

/** Rows sent per statement. */
const BATCH = 5_000;

export interface TableCopy {
  table: string;
  rows: number;
}

/** The tables of the SQLite schema, each after the tables it references (foreign keys). */
function tablesInOrder(source: SqliteConnection): string[] {
  const names = (source.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  const refs = new Map(names.map((n) => [n, (source.prepare(`SELECT "table" FROM pragma_foreign_key_list(?)`).all(n) as { table: string }[]).map((r) => r.table)]));
  const ordered: string[] = [];
  const visit = (n: string, path: Set<string>) => {
    if (ordered.includes(n) || path.has(n)) return;
    path.add(n);
    for (const r of refs.get(n) ?? []) if (r !== n) visit(r, path);
    ordered.push(n);
  };
  for (const n of names) visit(n, new Set());
  return ordered;
}

function columnsOf(source: SqliteConnection, table: string): string[] {
  return (source.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string }[]).map((r) => r.name);
}

async function assertEmpty(target: Sql, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    const row = await target.get<{ found: number }>(`SELECT count(*) AS found FROM (SELECT 1 FROM ${table} LIMIT 1) t`);
    if (Number(row?.found ?? 0) > 0) throw new DataError(`the PostgreSQL database is not empty (table ${table} has rows): migrate into a new, empty database`);
  }
}

/** Copies one table in batches; returns the rows copied. */
async function copyTable(source: SqliteConnection, target: Sql, table: string): Promise<number> {
  const columns = columnsOf(source, table);
  const list = columns.map((c) => `"${c}"`).join(', ');
  const insert = `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, @rows::json)`;
  let rows: Record<string, unknown>[] = [];
  let copied = 0;
  for (const row of source.prepare(`SELECT ${list} FROM ${table}`).iterate() as Iterable<Record<string, unknown>>) {
    rows.push(row);
    if (rows.length === BATCH) {
      copied += await target.run(insert, { rows });
      rows = [];
    }
  }
  if (rows.length > 0) copied += await target.run(insert, { rows });
  return copied;
}

/** Identity columns go on from the largest id copied, so new rows do not collide with copied ones. */
async function resetIdentities(target: Sql, tables: readonly string[]): Promise<void> {
  const identities = await target.all<{ table: string; column: string }>(
    `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
     WHERE table_schema = current_schema() AND is_identity = 'YES'`,
  );
  for (const { table, column } of identities) {
    if (!tables.includes(table)) continue;
    await target.get(
      `SELECT setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false) AS next`,
    );
  }
}

/**
 * Copies `source` (the SQLite file of DATABASE_PATH) into the PostgreSQL database at `url`,
 * migrating it first; refuses a target that holds any row. Returns each table's row count.
 */
export async function migrateToPostgres(source: SqliteConnection, url: string, onTable?: (copy: TableCopy) => void): Promise<TableCopy[]> {
  const target = await openPostgres(url, { max: 2 });
  try {
    const tables = tablesInOrder(source);
    await assertEmpty(target, tables);
    // One read transaction on the source: the copy is the database as of one moment.
    source.exec('BEGIN');
    try {
      return await target.transaction(async (tx) => {
        const copies: TableCopy[] = [];
        for (const table of tables) {
          const rows = await copyTable(source, tx, table);
          const expected = Number((source.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
          const stored = Number((await tx.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0);
          if (rows !== expected || stored !== expected) {
            throw new DataError(`table ${table}: ${expected} rows in SQLite but ${stored} in PostgreSQL: nothing was copied`);
          }
          copies.push({ table, rows });
          onTable?.({ table, rows });
        }
        await resetIdentities(tx, tables);
        return copies;
      });
    } finally {
      source.exec('COMMIT');
    }
  } finally {
    await target.close();
  }
}
