import { shareResponse } from '@/lib/http/share-headers';
import { resolveShare } from '@/lib/http/share-request';
import { shareGoneHtml, shareNotFoundHtml, sharePageHtml } from '@/lib/reports/share-html';

const HTML = 'text/html; charset=utf-8';

/**
 * GET /share/<token>: the shared report, read-only, for anyone holding the link. A route
 * handler rather than a page so that it answers 410 for a revoked or expired link, sets its
 * own headers, and carries no script and no navigation.
 */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  const share = await resolveShare(request, token);
  switch (share.status) {
    case 200:
      return shareResponse(sharePageHtml(share.report, { mode: share.link.mode, expiresAt: share.link.expiresAt, token }), 200, HTML);
    case 410:
      return shareResponse(shareGoneHtml(), 410, HTML);
    case 429:
      return shareResponse('Too many requests', 429, 'text/plain; charset=utf-8', { 'retry-after': '60' });
    default:
      return shareResponse(shareNotFoundHtml(), 404, HTML);
  }
}
