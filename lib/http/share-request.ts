/**
 * The common front of /share/<token> and its exports: the link is looked up by the token's
 * hash and everything answered is derived from that row (never from the query string).
 * Unknown token: 404. Revoked or expired: 410. Someone with more than 60 unknown tokens a
 * minute gets 429. Every answer is `no-store`, `no-referrer` and `noindex`; tokens are never
 * logged.
 */
import 'server-only';
import { clientAddress } from '@/lib/auth/viewer';
import { writeInWorker } from '@/lib/ingest/queue';
import type { Report } from '@/lib/data/reports';
import { findShareLink, shareReport, type ActiveShareLink } from '@/lib/data/share-links';
import { RateLimit } from './rate-limit';

export const SHARE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

const misses = new RateLimit(60, 60_000);
const TOUCH_INTERVAL_MS = 60_000;
const lastTouched = new Map<number, number>();

export type ShareOutcome =
  | { status: 200; link: ActiveShareLink; report: Report }
  | { status: 404 | 410 | 429 };

export function resolveShare(request: Request, token: string, now: number = Date.now()): ShareOutcome {
  const address = clientAddress(request.headers);
  if (misses.blocked(address, now)) return { status: 429 };
  const found = findShareLink(token, now);
  if (found.status === 'unknown') {
    misses.hit(address, now);
    return { status: 404 };
  }
  if (found.status === 'gone') return { status: 410 };
  const report = shareReport(found.link, now);
  if (!report) return { status: 410 };
  if (now - (lastTouched.get(found.link.id) ?? 0) > TOUCH_INTERVAL_MS) {
    lastTouched.set(found.link.id, now);
    writeInWorker({ name: 'touchShareLink', id: found.link.id, at: now }).catch(() => {});
  }
  return { status: 200, link: found.link, report };
}

export function shareResponse(body: string, status: number, contentType: string, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...SHARE_HEADERS, 'content-type': contentType, ...extra } });
}
