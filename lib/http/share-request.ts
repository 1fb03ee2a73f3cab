/**
 * The common front of /share/<token> and its exports: the link is looked up by the token's
 * hash and everything answered is derived from that row (never from the query string).
 * Unknown token: 404. Revoked or expired: 410. Someone with more than 60 unknown tokens a
 * minute gets 429. Every answer is `no-store`, `no-referrer` and `noindex`; tokens are never
 * logged.
 */
import 'server-only';
import { dataContext } from '@/lib/data/context';
import type { Report } from '@/lib/data/reports';
import { bucketEmpty, takeRequest, type BucketSpec } from '@/lib/data/request-limits';
import { findShareLink, shareReport, type ActiveShareLink } from '@/lib/data/share-links';
import { clientAddress } from './client-address';

/** Unknown share tokens a minute per client address (they cannot be guessed anyway: 256 bits). */
const MISSES: BucketSpec = { perMinute: 60 };
/** Last-view times are written at most once a minute per link and process: the minute is all the list shows. */
const TOUCH_INTERVAL_MS = 60_000;
const lastTouched = new Map<number, number>();

export type ShareOutcome =
  | { status: 200; link: ActiveShareLink; report: Report }
  | { status: 404 | 410 | 429 };

export async function resolveShare(request: Request, token: string, now: number = Date.now()): Promise<ShareOutcome> {
  const missKey = `share-miss:${clientAddress(request.headers)}`;
  if (await bucketEmpty(missKey, MISSES, now)) return { status: 429 };
  const found = await findShareLink(token, now);
  if (found.status === 'unknown') {
    await takeRequest(missKey, MISSES, now);
    return { status: 404 };
  }
  if (found.status === 'gone') return { status: 410 };
  const report = await shareReport(found.link, now);
  if (!report) return { status: 410 };
  if (now - (lastTouched.get(found.link.id) ?? 0) > TOUCH_INTERVAL_MS) {
    lastTouched.set(found.link.id, now);
    dataContext().write({ name: 'touchShareLink', id: found.link.id, at: now }).catch(() => {});
  }
  return { status: 200, link: found.link, report };
}
