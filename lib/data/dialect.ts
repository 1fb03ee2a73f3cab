/**
 * The few places SQLite and PostgreSQL spell a query differently, so that lib/data writes each
 * query once: `${listTable(db.dialect, 'runs', 'r')}` and so on.
 */
import type { Dialect } from './connection';

type ListType = 'text' | 'bigint';

/** A list parameter (`@param`, an array) as a table `alias` with one column, `value`. */
export function listTable(d: Dialect, param: string, alias: string, type: ListType = 'text'): string {
  return d === 'sqlite' ? `json_each(@${param}) ${alias}` : `unnest(@${param}::${type}[]) AS ${alias}(value)`;
}

/** `expr` is one of the list parameter `@param`. */
export function inList(d: Dialect, expr: string, param: string, type: ListType = 'text'): string {
  return d === 'sqlite' ? `${expr} IN (SELECT value FROM json_each(@${param}))` : `${expr} = ANY(@${param}::${type}[])`;
}

/**
 * A join whose loop order SQLite's planner is told to keep (its CROSS JOIN hint: the left side
 * drives, through the right side's index); PostgreSQL plans a plain join itself.
 */
export function drivingJoin(d: Dialect): string {
  return d === 'sqlite' ? 'CROSS JOIN' : 'JOIN';
}

/** The smaller / larger of two values (SQLite's two-argument min / max). */
export function least(d: Dialect, a: string, b: string): string {
  return d === 'sqlite' ? `min(${a}, ${b})` : `least(${a}, ${b})`;
}

export function greatest(d: Dialect, a: string, b: string): string {
  return d === 'sqlite' ? `max(${a}, ${b})` : `greatest(${a}, ${b})`;
}
