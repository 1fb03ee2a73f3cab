/**
 * The session cookie: a 256-bit random id from the CSPRNG, stored server-side only as its
 * SHA-256. Named `__Host-loopscope_session` (Secure, so the browser keeps it for HTTPS only and
 * no subdomain can set it) when the request came over HTTPS, `loopscope_session` on plain
 * http://localhost. Always HttpOnly, SameSite=Lax, Path=/.
 */
import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'loopscope_session';
export const SECURE_SESSION_COOKIE = '__Host-loopscope_session';
/** Sessions last this long from sign-in (absolute), then the user signs in again. */
export const SESSION_TTL_MS = 14 * 24 * 3_600_000;

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Whether the request reached us over HTTPS: Next's server sets `x-forwarded-proto` from the
 * socket unless a proxy in front already did.
 */
export function isHttps(headers: Pick<Headers, 'get'>): boolean {
  const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https';
}

export function sessionCookieName(https: boolean): string {
  return https ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

export interface CookieOptions {
  httpOnly: true;
  sameSite: 'lax';
  secure: boolean;
  path: '/';
  maxAge?: number;
}

export function sessionCookieOptions(https: boolean, maxAgeMs?: number): CookieOptions {
  const options: CookieOptions = { httpOnly: true, sameSite: 'lax', secure: https, path: '/' };
  if (maxAgeMs !== undefined) options.maxAge = Math.floor(maxAgeMs / 1000);
  return options;
}

/** A cookie's value from a raw `Cookie` header, or null. */
export function cookieFromHeader(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 256 ? value : null;
    }
  }
  return null;
}
