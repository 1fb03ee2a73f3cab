import { describe, expect, it } from 'vitest';
import { cookieFromHeader, isHttps, newSessionId, sessionCookieName, sessionCookieOptions } from './session-cookie';

describe('session cookie', () => {
  it('is __Host- and Secure over HTTPS, plain on http, always HttpOnly, SameSite=Lax, Path=/', () => {
    const https = new Headers({ 'x-forwarded-proto': 'https' });
    const http = new Headers({ 'x-forwarded-proto': 'http' });
    expect(isHttps(https)).toBe(true);
    expect(isHttps(http)).toBe(false);
    expect(isHttps(new Headers({ 'x-forwarded-proto': 'https, http' }))).toBe(true);
    expect(sessionCookieName(true)).toBe('__Host-loopscope_session');
    expect(sessionCookieName(false)).toBe('loopscope_session');
    expect(sessionCookieOptions(true, 60_000)).toEqual({ httpOnly: true, sameSite: 'lax', secure: true, path: '/', maxAge: 60 });
    expect(sessionCookieOptions(false)).toEqual({ httpOnly: true, sameSite: 'lax', secure: false, path: '/' });
  });

  it('has 256-bit random ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('reads a cookie from a Cookie header', () => {
    expect(cookieFromHeader('a=1; loopscope_session=abc; b=2', 'loopscope_session')).toBe('abc');
    expect(cookieFromHeader('xloopscope_session=abc', 'loopscope_session')).toBeNull();
    expect(cookieFromHeader(null, 'loopscope_session')).toBeNull();
    expect(cookieFromHeader('loopscope_session=', 'loopscope_session')).toBeNull();
  });
});
