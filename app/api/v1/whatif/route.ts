import { getWhatIf } from '@/lib/data/economics';
import { parseScenario } from '@/lib/economics/params';
import { readKpiRequest, teamNotFound } from '@/lib/http/kpi-request';
import { json, jsonError, otherMethods } from '@/lib/http/responses';

/**
 * GET /api/v1/whatif?scenario=price|model|selfhosted&… (economics-v1 "What if"): the window's
 * calls re-priced beside today's cost. Window, asOf, team and filters as GET /api/v1/kpis; with
 * `scenario=model`, `model` names the scenario's model, not a filter.
 */
export async function GET(request: Request): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const req = await readKpiRequest(request, Date.now(), query.get('scenario') === 'model' ? ['model'] : []);
  if (!req.ok) return req.response;
  const scenario = parseScenario(query);
  if (!scenario.ok) return jsonError(400, scenario.error, { field: scenario.field });
  const result = await getWhatIf(req.viewer, req.teams, req.window, scenario.value, { filters: req.filters });
  if (!result) return teamNotFound();
  return result.ok ? json(result.answer) : jsonError(400, result.error, { field: result.field });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
