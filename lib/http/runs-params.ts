/** GET /api/v1/runs' paging parameters (api-v1.md): `limit` 1–1000 (default 100) and `cursor`. */
import { decodeRunsCursor, DEFAULT_RUNS_LIMIT, MAX_RUNS_LIMIT, type RunsCursor } from '@/lib/data/runs';

export type RunsPageParams =
  | { ok: true; limit: number; cursor: RunsCursor | null }
  | { ok: false; field: 'limit' | 'cursor'; error: string };

export function parseRunsPageParams(params: URLSearchParams): RunsPageParams {
  const limits = params.getAll('limit');
  const cursors = params.getAll('cursor');
  if (limits.length > 1) return { ok: false, field: 'limit', error: 'limit may be given once' };
  if (cursors.length > 1) return { ok: false, field: 'cursor', error: 'cursor may be given once' };
  let limit = DEFAULT_RUNS_LIMIT;
  if (limits.length === 1) {
    limit = /^[0-9]{1,7}$/.test(limits[0]) ? Number(limits[0]) : NaN;
    if (!(limit >= 1 && limit <= MAX_RUNS_LIMIT)) {
      return { ok: false, field: 'limit', error: `limit must be a whole number from 1 to ${MAX_RUNS_LIMIT}; got ${JSON.stringify(limits[0].slice(0, 40))}` };
    }
  }
  let cursor: RunsCursor | null = null;
  if (cursors.length === 1) {
    cursor = decodeRunsCursor(cursors[0]);
    if (!cursor) return { ok: false, field: 'cursor', error: 'cursor must be the `next` of a previous page' };
  }
  return { ok: true, limit, cursor };
}
