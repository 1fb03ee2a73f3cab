/**
 * Authenticating a request by its bearer token (api-v1.md, Authentication): missing or
 * unknown token 401, wrong scope 403. Team visibility (404) is lib/data's to decide.
 */
import 'server-only';
import { viewerForToken } from '@/lib/data/tokens';
import type { Viewer } from '@/lib/data/viewer';
import { jsonError } from '@/lib/http/responses';
import { writeInWorker } from '@/lib/ingest/queue';
import { bearerToken, type TokenScope } from './tokens';

type TokenViewer = Viewer & { kind: 'token'; teamSlug: string };

/** Last-use times are written at most once a minute per token, off the request thread. */
const TOUCH_INTERVAL_MS = 60_000;
const lastTouched = new Map<number, number>();

export function authenticateToken(
  request: Request,
  scope: TokenScope,
): { ok: true; viewer: TokenViewer } | { ok: false; response: Response } {
  const token = bearerToken(request.headers.get('authorization'));
  if (!token) {
    return { ok: false, response: jsonError(401, 'missing bearer token (Authorization: Bearer <token>)') };
  }
  const viewer = viewerForToken(token);
  if (!viewer) return { ok: false, response: jsonError(401, 'unknown or revoked token') };
  if (!viewer.scopes.includes(scope)) {
    return { ok: false, response: jsonError(403, `this token lacks the '${scope}' scope`) };
  }
  const now = Date.now();
  if (now - (lastTouched.get(viewer.tokenId) ?? 0) > TOUCH_INTERVAL_MS) {
    lastTouched.set(viewer.tokenId, now);
    writeInWorker({ name: 'touchToken', tokenId: viewer.tokenId, at: now }).catch(() => {});
  }
  return { ok: true, viewer };
}
