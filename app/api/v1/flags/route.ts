import { getFlags } from '@/lib/data/kpis';
import { readKpiRequest, teamNotFound } from '@/lib/http/kpi-request';
import { json, otherMethods } from '@/lib/http/responses';

/**
 * GET /api/v1/flags (api-v1.md): the window's run flags and the team's divergence flag.
 * Optional `agent`, `model`, `repo` narrow the figures (docs/kpis.md "Filters").
 */
export async function GET(request: Request): Promise<Response> {
  const req = await readKpiRequest(request);
  if (!req.ok) return req.response;
  const answer = await getFlags(req.viewer, req.teams, req.window, { filters: req.filters });
  return answer ? json(answer) : teamNotFound();
}

export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
