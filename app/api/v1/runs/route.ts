import { getRuns } from '@/lib/data/runs';
import { readKpiRequest, teamNotFound } from '@/lib/http/kpi-request';
import { jsonError, json, otherMethods } from '@/lib/http/responses';
import { parseRunsPageParams } from '@/lib/http/runs-params';

/**
 * GET /api/v1/runs (api-v1.md): the runs whose last event falls in the window, newest first, each
 * as seen at asOf, `limit` at a time (`cursor`: the previous page's `next`).
 */
export async function GET(request: Request): Promise<Response> {
  const req = await readKpiRequest(request);
  if (!req.ok) return req.response;
  const page = parseRunsPageParams(new URL(request.url).searchParams);
  if (!page.ok) return jsonError(400, page.error, { field: page.field });
  const answer = await getRuns(req.viewer, req.teams, req.window, { ...page, filters: req.filters });
  return answer ? json(answer) : teamNotFound();
}

export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
