/**
 * The viewer behind a browser request: the signed-in user of the session cookie. Pages call
 * currentViewer(), which sends anyone without a valid session to /login; route handlers call
 * viewerForRequest(), which reads the request's own Cookie header (401 is theirs to answer).
 * Team visibility is lib/data's to decide (404).
 */
import 'server-only';
import { cookies, headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/lib/data/connection';
import { viewerForSession } from '@/lib/data/sessions';
import type { UserViewer } from '@/lib/data/viewer';
import { cookieFromHeader, isHttps, sessionCookieName } from './session-cookie';
import { hashSecret } from './tokens';

async function viewerForSessionId(sessionId: string | null | undefined): Promise<UserViewer | null> {
  if (!sessionId || sessionId.length > 256) return null;
  return viewerForSession(hashSecret(sessionId), Date.now(), await getDb());
}

/** The session id the browser sent (the `__Host-` cookie over HTTPS, the plain one otherwise). */
export async function sessionIdFromCookies(): Promise<string | null> {
  const [jar, h] = await Promise.all([cookies(), headers()]);
  return jar.get(sessionCookieName(isHttps(h)))?.value ?? null;
}

/** The signed-in user, or null (once per request). */
export const sessionViewer = cache(async (): Promise<UserViewer | null> => viewerForSessionId(await sessionIdFromCookies()));

/**
 * The signed-in user; anyone else is redirected to the sign-in page, which brings them back to
 * `next` (this page's path) afterwards.
 */
export async function currentViewer(next?: string): Promise<UserViewer> {
  const viewer = await sessionViewer();
  if (!viewer) redirect(next ? `/login?next=${encodeURIComponent(safeNextPath(next))}` : '/login');
  return viewer;
}

/** An admin; other signed-in users get the not-found page (nothing here for them). */
export async function requireAdmin(next?: string): Promise<UserViewer> {
  const viewer = await currentViewer(next);
  if (viewer.role !== 'admin') notFound();
  return viewer;
}

/** The signed-in user of a route handler's request, from its Cookie header, or null. */
export function viewerForRequest(request: Request): Promise<UserViewer | null> {
  const id = cookieFromHeader(request.headers.get('cookie'), sessionCookieName(isHttps(request.headers)));
  return viewerForSessionId(id);
}

/** A path that a browser resolves against our own origin: "/x", never "//host" or "/\\host". */
function isLocalPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !/[\u0000-\u001f\u007f\\]/.test(path);
}

/**
 * Where to go after signing in: a same-origin path only ("/teams/x?range=12w"), never another
 * origin ("//evil.example", "/\\evil.example", "https://…"); anything else is "/". The path is
 * checked again once normalised, since dot segments can turn it into another origin's
 * ("/.//evil.example" normalises to "//evil.example").
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 2000 || !isLocalPath(raw)) return '/';
  try {
    const url = new URL(raw, 'http://loopscope.invalid');
    const path = url.pathname + url.search + url.hash;
    return url.origin === 'http://loopscope.invalid' && isLocalPath(url.pathname) ? path : '/';
  } catch {
    return '/';
  }
}

/**
 * Whether a state-changing request comes from our own pages: its Origin must be present and
 * name the host the request was sent to (X-Forwarded-Host behind a proxy, else Host). A
 * missing Origin or `Origin: null` is refused: browsers send Origin on every cross-site POST.
 */
export function isSameOrigin(h: Pick<Headers, 'get'>): boolean {
  const origin = h.get('origin');
  if (!origin || origin === 'null') return false;
  const host = h.get('x-forwarded-host')?.split(',')[0]?.trim() || h.get('host');
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
