import { getWeeklyKpis } from '@/lib/data/kpis';
import { readKpiRequest, teamNotFound } from '@/lib/http/kpi-request';
import { json } from '@/lib/http/responses';

/** GET /api/v1/kpis/weekly (api-v1.md): one entry per ISO week overlapping the window. */
export async function GET(request: Request): Promise<Response> {
  const req = readKpiRequest(request);
  if (!req.ok) return req.response;
  const answer = getWeeklyKpis(req.viewer, req.teams, req.window);
  return answer ? json(answer) : teamNotFound();
}
