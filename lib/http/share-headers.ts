/**
 * What every answer under /share/ carries, whoever answers it (the share routes, or proxy.ts
 * for an address that is not even well-formed): no caching, no referrer, no indexing, no
 * framing, no script.
 */
export const SHARE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

export function shareResponse(body: string, status: number, contentType: string, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...SHARE_HEADERS, 'content-type': contentType, ...extra } });
}
