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
