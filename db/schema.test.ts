/**
 * The two schemas describe one database: the same tables, columns (nullability, primary keys) and
 * indexes in SQLite (db/schema.ts) and PostgreSQL (db/schema-pg.ts), so that one SQL text in
 * lib/data reads both.
 */
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from './schema-pg';
import * as sqlite from './schema';

interface Shape {
  columns: string[];
  indexes: string[];
  primaryKey: string[];
}

function sqliteShapes(): Map<string, Shape> {
  const out = new Map<string, Shape>();
  for (const t of Object.values(sqlite)) {
    if (!(t instanceof SQLiteTable)) continue;
    const c = sqliteConfig(t);
    out.set(c.name, {
      columns: c.columns.map((col) => `${col.name} ${col.notNull ? 'not null' : 'null'}`).sort(),
      indexes: c.indexes.map((i) => `${i.config.name}${i.config.unique ? ' unique' : ''}(${i.config.columns.map((x) => (x as { name: string }).name).join(',')})`).sort(),
      primaryKey: [...c.columns.filter((col) => col.primary).map((col) => col.name), ...c.primaryKeys.flatMap((k) => k.columns.map((col) => col.name))].sort(),
    });
  }
  return out;
}

function pgShapes(): Map<string, Shape> {
  const out = new Map<string, Shape>();
  for (const t of Object.values(pg)) {
    if (!(t instanceof PgTable)) continue;
    const c = pgConfig(t);
    out.set(c.name, {
      columns: c.columns.map((col) => `${col.name} ${col.notNull ? 'not null' : 'null'}`).sort(),
      indexes: c.indexes.map((i) => `${i.config.name}${i.config.unique ? ' unique' : ''}(${i.config.columns.map((x) => (x as { name: string }).name).join(',')})`).sort(),
      primaryKey: [...c.columns.filter((col) => col.primary).map((col) => col.name), ...c.primaryKeys.flatMap((k) => k.columns.map((col) => col.name))].sort(),
    });
  }
  return out;
}

describe('the SQLite and PostgreSQL schemas', () => {
  it('have the same tables, columns, primary keys and indexes', () => {
    const a = sqliteShapes();
    const b = pgShapes();
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    expect(a.size).toBeGreaterThan(20);
    for (const [name, shape] of a) expect({ table: name, ...b.get(name) }).toEqual({ table: name, ...shape });
  });
});
