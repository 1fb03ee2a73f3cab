/**
 * Authenticating an API request (api-v1.md, Authentication): by its bearer token (missing or
 * unknown 401, wrong scope 403), or for the read endpoints by a signed-in session as well.
 * Team visibility (404) is lib/data's to decide.
 */
import 'server-only';
import { viewerForToken } from '@/lib/data/tokens';
import type { Viewer } from '@/lib/data/viewer';
import { jsonError } from '@/lib/http/responses';
import { writeInWorker } from '@/lib/ingest/queue';
import { bearerToken, type TokenScope } from './tokens';
import { viewerForRequest } from './viewer';

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

/**
 * The read endpoints: a bearer token with the `read` scope when the request has an
 * Authorization header, else the session of the Cookie header (api-v1.md: "A signed-in user's
 * session may call the read endpoints"). `defaultTeam` is the token's team (sessions have none).
 */
export function authenticateRead(
  request: Request,
): { ok: true; viewer: Viewer; defaultTeam: string | null } | { ok: false; response: Response } {
  if (request.headers.get('authorization') === null) {
    const user = viewerForRequest(request);
    if (user) return { ok: true, viewer: user, defaultTeam: null };
    return { ok: false, response: jsonError(401, 'missing bearer token (Authorization: Bearer <token>) or session') };
  }
  const auth = authenticateToken(request, 'read');
  return auth.ok ? { ok: true, viewer: auth.viewer, defaultTeam: auth.viewer.teamSlug } : auth;
}
