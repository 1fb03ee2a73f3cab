/**
 * Runs before routing for the routes with a dynamic segment. An address whose percent-encoding
 * does not decode (`/teams/%FF`, `/share/%C0%AF`) names nothing that could exist: Next's own
 * decoding of the segment would fail with a 500, so it is answered here as not found — the
 * share links' bare 404 (with their headers) under /share/, the site's not-found page elsewhere.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { shareResponse } from '@/lib/http/share-headers';
import { shareNotFoundHtml } from '@/lib/reports/share-html';

/** Not a route: rewriting to it renders app/not-found.tsx with a 404. */
const NOT_FOUND_PATH = '/_loopscope/not-found';

function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export function proxy(request: NextRequest): Response {
  const { pathname } = request.nextUrl;
  if (decodes(pathname)) return NextResponse.next();
  if (pathname.startsWith('/share/')) return shareResponse(shareNotFoundHtml(), 404, 'text/html; charset=utf-8');
  return NextResponse.rewrite(new URL(NOT_FOUND_PATH, request.url));
}

export const config = {
  // Only where a dynamic segment is decoded; never the upload endpoints (a proxy would buffer their bodies).
  matcher: ['/runs/:path*', '/teams/:path*', '/share/:path*', '/setup/:path*'],
};
