import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from './connection';

export function databaseReady(): { ok: true } | { ok: false; error: string } {
  try {
    getDb().get(sql`select 1`);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
