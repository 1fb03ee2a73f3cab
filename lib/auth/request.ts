/**
 * Authenticating an API request (api-v1.md, Authentication): by its bearer token (missing or
 * unknown 401, wrong scope 403), or for the read endpoints by a signed-in session as well.
 * Team visibility (404) is lib/data's to decide.
 */
import 'server-only';
import { rateLimitPerMinute } from '@/lib/config';
import { dataContext } from '@/lib/data/context';
import { takeRequest } from '@/lib/data/request-limits';
import { viewerForToken } from '@/lib/data/tokens';
import type { Viewer } from '@/lib/data/viewer';
import { json, jsonError } from '@/lib/http/responses';
import { bearerToken, type TokenScope } from './tokens';
import { viewerForRequest } from './viewer';

export type TokenViewer = Viewer & { kind: 'token'; teamSlug: string };

/** Last-use times are written at most once a minute per token and process: the minute is all the list shows. */
const TOUCH_INTERVAL_MS = 60_000;
const lastTouched = new Map<number, number>();

/**
 * Counts one request against the token's rate limit (LOOPSCOPE_RATE_LIMIT_PER_MINUTE): null when
 * it may go on, else the seconds to wait (`Retry-After`). Each token has its own bucket, so one
 * team's flood never slows or refuses another team's requests.
 */
async function rateLimitWait(tokenId: number, now: number): Promise<number | null> {
  const perMinute = rateLimitPerMinute();
  if (perMinute === 0) return null;
  return takeRequest(`token:${tokenId}`, { perMinute }, now);
}

/** The same, as the 429 answer with `Retry-After`. */
export async function rateLimitToken(tokenId: number, now: number = Date.now()): Promise<Response | null> {
  const wait = await rateLimitWait(tokenId, now);
  if (wait === null) return null;
  return json({ error: rateLimitMessage(wait), retryAfter: wait }, 429, { 'retry-after': String(wait) });
}

function rateLimitMessage(wait: number): string {
  return `rate limit exceeded: this token may make ${rateLimitPerMinute()} requests a minute; retry in ${wait} s`;
}

/** Why a bearer token is refused: 401 (missing, unknown), 429 (rate limit, with the wait), 403 (scope). */
export type TokenCheck =
  | { ok: true; viewer: TokenViewer }
  | { ok: false; status: 401 | 403 | 429; message: string; retryAfter?: number };

/**
 * Checks an `Authorization` value (`Bearer <token>`; OTLP exporters send what
 * OTEL_EXPORTER_OTLP_HEADERS holds, gRPC the `authorization` metadata) for `scope`, and counts the
 * request against the token's rate limit.
 */
export async function checkBearerToken(authorization: string | null | undefined, scope: TokenScope): Promise<TokenCheck> {
  const token = bearerToken(authorization ?? null);
  if (!token) return { ok: false, status: 401, message: 'missing bearer token (Authorization: Bearer <token>)' };
  const viewer = await viewerForToken(token);
  if (!viewer) return { ok: false, status: 401, message: 'unknown or revoked token' };
  const now = Date.now();
  const wait = await rateLimitWait(viewer.tokenId, now);
  if (wait !== null) return { ok: false, status: 429, message: rateLimitMessage(wait), retryAfter: wait };
  if (!viewer.scopes.includes(scope)) return { ok: false, status: 403, message: `this token lacks the '${scope}' scope` };
  if (now - (lastTouched.get(viewer.tokenId) ?? 0) > TOUCH_INTERVAL_MS) {
    lastTouched.set(viewer.tokenId, now);
    dataContext().write({ name: 'touchToken', tokenId: viewer.tokenId, at: now }).catch(() => {});
  }
  return { ok: true, viewer };
}

export async function authenticateToken(
  request: Request,
  scope: TokenScope,
): Promise<{ ok: true; viewer: TokenViewer } | { ok: false; response: Response }> {
  const check = await checkBearerToken(request.headers.get('authorization'), scope);
  if (check.ok) return check;
  if (check.status === 429) {
    return { ok: false, response: json({ error: check.message, retryAfter: check.retryAfter }, 429, { 'retry-after': String(check.retryAfter) }) };
  }
  return { ok: false, response: check.status === 401 ? unauthorized(check.message) : jsonError(check.status, check.message) };
}

/** 401 with the challenge RFC 6750 asks of a bearer-token API. */
function unauthorized(message: string): Response {
  return json({ error: message }, 401, { 'www-authenticate': 'Bearer realm="loopscope"' });
}

/**
 * The read endpoints: a bearer token with the `read` scope when the request has an
 * Authorization header, else the session of the Cookie header (api-v1.md: "A signed-in user's
 * session may call the read endpoints"). `defaultTeam` is the token's team (sessions have none).
 */
export async function authenticateRead(
  request: Request,
): Promise<{ ok: true; viewer: Viewer; defaultTeam: string | null } | { ok: false; response: Response }> {
  if (request.headers.get('authorization') === null) {
    const user = await viewerForRequest(request);
    if (user) return { ok: true, viewer: user, defaultTeam: null };
    return { ok: false, response: unauthorized('missing bearer token (Authorization: Bearer <token>) or session') };
  }
  const auth = await authenticateToken(request, 'read');
  return auth.ok ? { ok: true, viewer: auth.viewer, defaultTeam: auth.viewer.teamSlug } : auth;
}
