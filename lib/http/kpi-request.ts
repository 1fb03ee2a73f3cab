/**
 * The common front of the read endpoints GET /api/v1/kpis, /api/v1/kpis/weekly and
 * /api/v1/flags (api-v1.md): a token with the `read` scope (401 / 403) or a signed-in session,
 * then the window and filter parameters (400 naming the bad one). Without `team`, the token's own team is
 * meant; a session must name its teams.
 */
import 'server-only';
import { authenticateRead } from '@/lib/auth/request';
import type { KpiFilters } from '@/lib/data/kpis';
import type { Viewer } from '@/lib/data/viewer';
import type { KpiWindow } from '@/lib/kpi/types';
import { jsonError } from './responses';
import { parseWindowParams } from './window-params';

export type KpiRequest =
  | { ok: true; viewer: Viewer; teams: string[]; window: KpiWindow; filters: KpiFilters }
  | { ok: false; response: Response };

/**
 * `notFilters`: query parameters the endpoint reads itself under the name of a filter (the what-if
 * `model` scenario's `model`), left out of the window and filters.
 */
export async function readKpiRequest(request: Request, now: number = Date.now(), notFilters: readonly string[] = []): Promise<KpiRequest> {
  const auth = await authenticateRead(request);
  if (!auth.ok) return auth;
  const query = new URL(request.url).searchParams;
  for (const name of notFilters) query.delete(name);
  const params = parseWindowParams(query, now);
  if (!params.ok) return { ok: false, response: jsonError(400, params.error, { field: params.field }) };
  const teams = params.teams ?? (auth.defaultTeam ? [auth.defaultTeam] : null);
  if (!teams) return { ok: false, response: jsonError(400, 'team is required when calling with a session', { field: 'team' }) };
  return { ok: true, viewer: auth.viewer, teams, window: params.window, filters: params.filters };
}

/** A team the caller may not see is answered exactly like one that does not exist. */
export const teamNotFound = (): Response => jsonError(404, 'no such team');
