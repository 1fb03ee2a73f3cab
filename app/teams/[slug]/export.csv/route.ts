import { teamReportExport } from '@/lib/http/report-export';

/** GET /teams/<slug>/export.csv: the team dashboard's report as CSV (see teamReportExport). */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  return teamReportExport(request, (await params).slug, 'csv');
}
