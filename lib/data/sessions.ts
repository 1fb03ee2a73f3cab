/**
 * Sessions, sign-in throttling and the first-run setup link. Only SHA-256 hashes of session
 * ids and setup tokens are stored: a copy of the database lets no one in.
 */
import 'server-only';
import { and, eq, gt, inArray, isNotNull, isNull, lt, lte, or } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { loginThrottle, sessions, setupTokens, shareLinks, users } from '@/db/schema';
import { hashSecret } from '@/lib/auth/tokens';
import { DataError } from './errors';
import { userViewer } from './users';
import type { UserViewer } from './viewer';

/** The user behind a session id hash, or null when unknown or expired. */
export function viewerForSession(idHash: string, now: number, db: Db): UserViewer | null {
  const session = db
    .select({ userId: sessions.userId })
    .from(sessions)
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, now)))
    .get();
  return session ? userViewer(session.userId, db) : null;
}

/** The latest `locked_until` among the keys still in the future, or null. */
export function lockedUntil(keys: readonly string[], now: number, db: Db): number | null {
  if (keys.length === 0) return null;
  const rows = db
    .select({ lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(and(inArray(loginThrottle.key, [...keys]), gt(loginThrottle.lockedUntil, now)))
    .all();
  return rows.length === 0 ? null : Math.max(...rows.map((r) => r.lockedUntil!));
}

/** Whether a setup link still works: its token unused and unexpired, and no account made yet. */
export function setupLinkUsable(token: string, now: number, db: Db): boolean {
  if (token.length > 100 || db.select({ id: users.id }).from(users).limit(1).get()) return false;
  return setupTokenValid(hashSecret(token), now, db);
}

/** Whether an unused, unexpired setup token has this hash. */
export function setupTokenValid(tokenHash: string, now: number, db: Db): boolean {
  const row = db
    .select({ expiresAt: setupTokens.expiresAt })
    .from(setupTokens)
    .where(and(eq(setupTokens.tokenHash, tokenHash), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, now)))
    .get();
  return !!row;
}

// ---------------------------------------------------------------------------------------------
// Raw writes (writes.ts)

export function insertSession(db: Db, input: { idHash: string; userId: number; at: number; expiresAt: number }): void {
  db.insert(sessions).values({ idHash: input.idHash, userId: input.userId, createdAt: input.at, expiresAt: input.expiresAt }).run();
}

export function deleteSession(db: Db, idHash: string): void {
  db.delete(sessions).where(eq(sessions.idHash, idHash)).run();
}

/** Failures older than this no longer count towards a lock. */
const FAILURE_MEMORY_MS = 24 * 3_600_000;

/**
 * Counts one more failure for each key; a key at its limit is locked for `lockMs` (and again
 * at every further failure, so after the lock each key gets one try per period).
 */
export function recordLoginFailure(db: Db, keys: readonly { key: string; limit: number }[], at: number, lockMs: number): void {
  db.transaction(
    (tx) => {
      for (const { key, limit } of keys) {
        const row = tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
        const failures = row && at - row.lastFailureAt < FAILURE_MEMORY_MS ? row.failures + 1 : 1;
        const locked = failures >= limit ? at + lockMs : null;
        tx.insert(loginThrottle)
          .values({ key, failures, lastFailureAt: at, lockedUntil: locked })
          .onConflictDoUpdate({ target: loginThrottle.key, set: { failures, lastFailureAt: at, lockedUntil: locked } })
          .run();
      }
    },
    { behavior: 'immediate' },
  );
}

export function clearLoginFailures(db: Db, keys: readonly string[]): void {
  if (keys.length > 0) db.delete(loginThrottle).where(inArray(loginThrottle.key, [...keys])).run();
}

/** Stores a new setup token; older unused ones stop working (one link at a time). */
export function insertSetupToken(db: Db, input: { tokenHash: string; at: number; expiresAt: number }): void {
  db.transaction(
    (tx) => {
      tx.delete(setupTokens).where(isNull(setupTokens.usedAt)).run();
      tx.insert(setupTokens).values({ tokenHash: input.tokenHash, createdAt: input.at, expiresAt: input.expiresAt }).run();
    },
    { behavior: 'immediate' },
  );
}

/**
 * Uses a setup token to make the first admin, in one transaction: the token must be valid and
 * the installation still without accounts, so two visitors cannot both become admin.
 */
export function completeSetup(db: Db, input: { tokenHash: string; email: string; passwordHash: string; at: number }): { userId: number } {
  return db.transaction(
    (tx) => {
      const token = tx
        .select({ expiresAt: setupTokens.expiresAt })
        .from(setupTokens)
        .where(and(eq(setupTokens.tokenHash, input.tokenHash), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, input.at)))
        .get();
      if (!token) throw new DataError('this setup link has expired or was used already');
      if (tx.select({ id: users.id }).from(users).limit(1).get()) throw new DataError('an account exists already: sign in instead');
      tx.update(setupTokens).set({ usedAt: input.at }).where(eq(setupTokens.tokenHash, input.tokenHash)).run();
      const row = tx
        .insert(users)
        .values({ email: input.email, passwordHash: input.passwordHash, role: 'admin', createdAt: input.at })
        .returning({ id: users.id })
        .get();
      return { userId: row.id };
    },
    { behavior: 'immediate' },
  );
}

/** Expired share links keep a tombstone this long (they answer 410), then go. */
export const SHARE_TOMBSTONE_MS = 90 * 24 * 3_600_000;

/**
 * Housekeeping (start-up, then hourly): expired sessions, stale throttling rows and setup
 * tokens go; expired or revoked share links lose their frozen figures at once and their row
 * after SHARE_TOMBSTONE_MS.
 */
export function purgeExpired(db: Db, now: number): { sessions: number; shareLinks: number } {
  return db.transaction(
    (tx) => {
      const s = tx.delete(sessions).where(lte(sessions.expiresAt, now)).run().changes;
      tx.delete(loginThrottle)
        .where(and(lt(loginThrottle.lastFailureAt, now - FAILURE_MEMORY_MS), or(isNull(loginThrottle.lockedUntil), lt(loginThrottle.lockedUntil, now))))
        .run();
      tx.delete(setupTokens).where(or(lte(setupTokens.expiresAt, now), lt(setupTokens.usedAt, now - FAILURE_MEMORY_MS))).run();
      tx.update(shareLinks).set({ snapshot: null }).where(and(lte(shareLinks.expiresAt, now), isNotNull(shareLinks.snapshot))).run();
      const gone = tx
        .delete(shareLinks)
        .where(or(lt(shareLinks.expiresAt, now - SHARE_TOMBSTONE_MS), lt(shareLinks.revokedAt, now - SHARE_TOMBSTONE_MS)))
        .run().changes;
      return { sessions: s, shareLinks: gone };
    },
    { behavior: 'immediate' },
  );
}
