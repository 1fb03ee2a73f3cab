/**
 * The common front of /share/<token> and its exports: the link is looked up by the token's
 * hash and everything answered is derived from that row (never from the query string).
 * Unknown token: 404. Revoked or expired: 410. Someone with more than 60 unknown tokens a
 * minute gets 429. Every answer is `no-store`, `no-referrer` and `noindex`; tokens are never
 * logged.
 */
import 'server-only';
import { writeInWorker } from '@/lib/ingest/queue';
import type { Report } from '@/lib/data/reports';
import { findShareLink, shareReport, type ActiveShareLink } from '@/lib/data/share-links';
import { clientAddress } from './client-address';
import { RateLimit } from './rate-limit';

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
