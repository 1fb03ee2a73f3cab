import { databaseReady } from '@/lib/data/health';
import { json, otherMethods } from '@/lib/http/responses';

/** GET /api/health: 200 once the database is open and migrated. */
export async function GET(): Promise<Response> {
  const ready = await databaseReady();
  return ready.ok ? json({ ok: true }) : json({ ok: false, error: ready.error }, 503);
}

export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
