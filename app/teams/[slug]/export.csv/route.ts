import { authenticateRead } from '@/lib/auth/request';
import { buildReport, dashboardView } from '@/lib/data/reports';
import { teamNotFound } from '@/lib/http/kpi-request';
import { exportResponse } from '@/lib/http/report-export';

/**
 * GET /teams/<slug>/export.csv?range=…|from=…&to=…[&agent=…&model=…&repo=…]: the team dashboard's report as CSV, for a
 * signed-in user or a `read` token (401 without either); a team the caller may not see: 404.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const auth = authenticateRead(request);
  if (!auth.ok) return auth.response;
  const { slug } = await params;
  const now = Date.now();
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const report = buildReport(auth.viewer, dashboardView(slug, query, now), now);
  return report ? exportResponse(report, { kind: 'team report', mode: null }, 'csv') : teamNotFound();
}
