import { authenticateRead } from '@/lib/auth/request';
import { buildReport, dashboardView } from '@/lib/data/reports';
import { teamNotFound } from '@/lib/http/kpi-request';
import { jsonError } from '@/lib/http/responses';
import { SHARE_HEADERS, shareResponse } from '@/lib/http/share-headers';
import { resolveShare } from '@/lib/http/share-request';
/** A report as a CSV or JSON download (lib/reports/export.ts). */
import type { Report } from '@/lib/data/reports';
import { reportCsv, reportFileName, reportJson, type ReportMeta } from '@/lib/reports/export';

export type ExportFormat = 'csv' | 'json';

export function exportResponse(report: Report, meta: ReportMeta, format: ExportFormat, headers: Record<string, string> = {}): Response {
  const body = format === 'csv' ? reportCsv(report, meta) : JSON.stringify(reportJson(report, meta), null, 2);
  return new Response(body, {
    headers: {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${reportFileName(report)}.${format}"`,
    },
  });
}

/**
 * GET /teams/<slug>/export.<format>?range=…|from=…&to=…[&agent=…&model=…&repo=…]: the team
 * dashboard's report, for a signed-in user or a `read` token (401 without either); a team the
 * caller may not see: 404; a range the dashboard cannot show as asked (malformed, or longer
 * than the API's MAX_WINDOW_DAYS): 400 naming the parameter in `field`, as the API does.
 */
export async function teamReportExport(request: Request, slug: string, format: ExportFormat): Promise<Response> {
  const auth = await authenticateRead(request);
  if (!auth.ok) return auth.response;
  const now = Date.now();
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const asked = dashboardView(slug, query, now);
  if (!asked.ok) return jsonError(400, asked.error, { field: asked.field });
  const report = await buildReport(auth.viewer, asked.view, now);
  return report ? exportResponse(report, { kind: 'team report', mode: null }, format) : teamNotFound();
}

const SHARE_ERRORS = { 404: 'no such shared report', 410: 'this link has expired or was revoked', 429: 'too many requests' } as const;

/** GET /share/<token>/export.<format>: the shared report (404 unknown, 410 revoked or expired). */
export async function sharedReportExport(request: Request, token: string, format: ExportFormat): Promise<Response> {
  const share = await resolveShare(request, token);
  if (share.status !== 200) {
    return shareResponse(JSON.stringify({ error: SHARE_ERRORS[share.status] }), share.status, 'application/json; charset=utf-8');
  }
  return exportResponse(share.report, { kind: 'shared report', mode: share.link.mode }, format, SHARE_HEADERS);
}
