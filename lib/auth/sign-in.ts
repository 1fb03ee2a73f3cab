/**
 * Signing in with e-mail and password. Failures are counted per e-mail and per e-mail + client
 * address in the database (login_throttle): 5 failures in a row from one address, or 20 from
 * anywhere, lock that key for 15 minutes (then one try per 15 minutes until a success). Only one
 * attempt per key runs at a time, so parallel guesses cannot outrun the count. An unknown
 * e-mail costs the same scrypt work as a known one and gets the same answer.
 */
import 'server-only';
import type { DataContext } from '@/lib/data/context';
import { findCredentials, normalizeEmail } from '@/lib/data/users';
import { lockedUntil } from '@/lib/data/sessions';
import { decoyHash, verifyPassword } from './passwords';
import { newSessionId, SESSION_TTL_MS } from './session-cookie';
import { hashSecret } from './tokens';

export const LOCK_MS = 15 * 60_000;
export const FAILURES_PER_ADDRESS = 5;
export const FAILURES_PER_EMAIL = 20;

export type SignInResult =
  | { ok: true; userId: number; sessionId: string; expiresAt: number }
  | { ok: false; error: string };

export const WRONG_CREDENTIALS = 'Wrong e-mail or password.';

const inFlight = new Set<string>();

function lockedMessage(until: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  return `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

export async function signIn(
  input: { email: string; password: string; clientAddress: string },
  ctx: DataContext,
  now: () => number = Date.now,
): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  if (!email || input.password.length === 0) return { ok: false, error: WRONG_CREDENTIALS };
  const keys = [
    { key: `email:${email}`, limit: FAILURES_PER_EMAIL },
    { key: `address:${input.clientAddress}:${email}`, limit: FAILURES_PER_ADDRESS },
  ];
  const names = keys.map((k) => k.key);
  const db = await ctx.db;
  const locked = await lockedUntil(names, now(), db);
  if (locked !== null) return { ok: false, error: lockedMessage(locked, now()) };
  if (names.some((k) => inFlight.has(k))) return { ok: false, error: 'A sign-in for this account is in progress; try again in a moment.' };
  names.forEach((k) => inFlight.add(k));
  try {
    const account = await findCredentials(email, db);
    const matches = await verifyPassword(input.password, account?.passwordHash ?? (await decoyHash()));
    if (!account || !matches) {
      const at = now();
      await ctx.write({ name: 'recordLoginFailure', keys, at, lockMs: LOCK_MS });
      const lockedNow = await lockedUntil(names, at, db);
      return { ok: false, error: lockedNow !== null ? lockedMessage(lockedNow, at) : WRONG_CREDENTIALS };
    }
    await ctx.write({ name: 'clearLoginFailures', keys: names });
    return { ok: true, userId: account.id, ...(await startSession(account.id, ctx, now())) };
  } finally {
    names.forEach((k) => inFlight.delete(k));
  }
}

/** A new session for the user: a fresh 256-bit id, stored as its hash. */
export async function startSession(userId: number, ctx: DataContext, at: number = Date.now()): Promise<{ sessionId: string; expiresAt: number }> {
  const sessionId = newSessionId();
  const expiresAt = at + SESSION_TTL_MS;
  await ctx.write({ name: 'createSession', idHash: hashSecret(sessionId), userId, at, expiresAt });
  return { sessionId, expiresAt };
}
