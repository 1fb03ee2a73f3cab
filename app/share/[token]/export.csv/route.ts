import { sharedReportExport } from '@/lib/http/report-export';

/** GET /share/<token>/export.csv: the shared report as CSV (404 unknown, 410 revoked or expired). */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  return sharedReportExport(request, (await params).token, 'csv');
}
