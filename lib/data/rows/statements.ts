/** Prepared statements, prepared once per connection and SQL text. */
import type { SqliteConnection } from '@/db/client';

type Statement = ReturnType<SqliteConnection['prepare']>;

const statements = new WeakMap<SqliteConnection, Map<string, Statement>>();

export function stmt(conn: SqliteConnection, sql: string): Statement {
  let byText = statements.get(conn);
  if (!byText) statements.set(conn, (byText = new Map()));
  let s = byText.get(sql);
  if (!s) byText.set(sql, (s = conn.prepare(sql)));
  return s;
}
