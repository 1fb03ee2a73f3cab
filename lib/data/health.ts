import 'server-only';
import { getDb } from './connection';

/** Whether the database is open and migrated (GET /api/health). */
export async function databaseReady(): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await (await getDb()).get('SELECT 1 AS ok');
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
