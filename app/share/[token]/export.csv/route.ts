import { exportResponse } from '@/lib/http/report-export';
import { resolveShare, SHARE_HEADERS, shareResponse } from '@/lib/http/share-request';

const ERRORS = { 404: 'no such shared report', 410: 'this link has expired or was revoked', 429: 'too many requests' } as const;

/** GET /share/<token>/export.csv: the shared report as CSV (404 unknown, 410 revoked or expired). */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  const share = resolveShare(request, token);
  if (share.status !== 200) {
    return shareResponse(JSON.stringify({ error: ERRORS[share.status] }), share.status, 'application/json; charset=utf-8');
  }
  return exportResponse(share.report, { kind: 'shared report', mode: share.link.mode }, 'csv', SHARE_HEADERS);
}
