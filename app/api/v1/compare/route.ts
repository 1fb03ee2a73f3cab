import { getCompare } from '@/lib/data/economics';
import { parseCompareBy } from '@/lib/economics/params';
import { readKpiRequest, teamNotFound } from '@/lib/http/kpi-request';
import { json, jsonError, otherMethods } from '@/lib/http/responses';

/**
 * GET /api/v1/compare?by=agent|model (economics-v1 "Compare"): the window's ended runs grouped by
 * agent or main model. Window, asOf, team and filters as GET /api/v1/kpis.
 */
export async function GET(request: Request): Promise<Response> {
  const req = await readKpiRequest(request);
  if (!req.ok) return req.response;
  const by = parseCompareBy(new URL(request.url).searchParams);
  if (!by.ok) return jsonError(400, by.error, { field: by.field });
  const answer = await getCompare(req.viewer, req.teams, req.window, by.value, { filters: req.filters });
  return answer ? json(answer) : teamNotFound();
}

export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
