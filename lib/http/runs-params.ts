/** GET /api/v1/runs' paging parameters (api-v1.md): `limit` 1–1000 (default 100) and `cursor`. */
import { decodeRunsCursor, DEFAULT_RUNS_LIMIT, MAX_RUNS_LIMIT, type RunsCursor } from '@/lib/data/runs';
import { singleParam } from './query';

export type RunsPageParams =
  | { ok: true; limit: number; cursor: RunsCursor | null }
  | { ok: false; field: 'limit' | 'cursor'; error: string };

export function parseRunsPageParams(params: URLSearchParams): RunsPageParams {
  const limitText = singleParam(params, 'limit');
  if (!limitText.ok) return { ok: false, field: 'limit', error: limitText.error };
  const cursorText = singleParam(params, 'cursor');
  if (!cursorText.ok) return { ok: false, field: 'cursor', error: cursorText.error };
  let limit = DEFAULT_RUNS_LIMIT;
  if (limitText.value !== undefined) {
    limit = /^[0-9]{1,7}$/.test(limitText.value) ? Number(limitText.value) : NaN;
    if (!(limit >= 1 && limit <= MAX_RUNS_LIMIT)) {
      return { ok: false, field: 'limit', error: `limit must be a whole number from 1 to ${MAX_RUNS_LIMIT}; got ${JSON.stringify(limitText.value.slice(0, 40))}` };
    }
  }
  let cursor: RunsCursor | null = null;
  if (cursorText.value !== undefined) {
    cursor = decodeRunsCursor(cursorText.value);
    if (!cursor) return { ok: false, field: 'cursor', error: 'cursor must be the `next` of a previous page' };
  }
  return { ok: true, limit, cursor };
}
