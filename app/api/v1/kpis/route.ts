import { getKpis } from '@/lib/data/kpis';
import { readKpiRequest, teamNotFound } from '@/lib/http/kpi-request';
import { json } from '@/lib/http/responses';

/** GET /api/v1/kpis (api-v1.md): the figures of kpis-v1.md for the window. */
export async function GET(request: Request): Promise<Response> {
  const req = readKpiRequest(request);
  if (!req.ok) return req.response;
  const answer = getKpis(req.viewer, req.teams, req.window);
  return answer ? json(answer) : teamNotFound();
}
