/**
 * Sessions, sign-in throttling and the first-run setup link. Only SHA-256 hashes of session
 * ids and setup tokens are stored: a copy of the database lets no one in. Every write is one
 * statement or one transaction, so several server instances on one database agree (a sign-in
 * lockout counts the failures of all of them).
 */
import 'server-only';
import { hashSecret } from '@/lib/auth/tokens';
import type { Sql } from './connection';
import { inList } from './dialect';
import { DataError } from './errors';
import { userViewer } from './users';
import type { UserViewer } from './viewer';

/** The user behind a session id hash, or null when unknown or expired. */
export async function viewerForSession(idHash: string, now: number, db: Sql): Promise<UserViewer | null> {
  const session = await db.get<{ userId: number }>('SELECT user_id AS "userId" FROM sessions WHERE id_hash = @idHash AND expires_at > @now', { idHash, now });
  return session ? userViewer(session.userId, db) : null;
}

/** The latest `locked_until` among the keys still in the future, or null. */
export async function lockedUntil(keys: readonly string[], now: number, db: Sql): Promise<number | null> {
  if (keys.length === 0) return null;
  const row = await db.get<{ until: number | null }>(
    `SELECT max(locked_until) AS until FROM login_throttle WHERE ${inList(db.dialect, 'key', 'keys')} AND locked_until > @now`,
    { keys: [...keys], now },
  );
  return row?.until ?? null;
}

async function hasAccounts(db: Sql): Promise<boolean> {
  return (await db.get('SELECT id FROM users LIMIT 1')) !== undefined;
}

/** Whether a setup link still works: its token unused and unexpired, and no account made yet. */
export async function setupLinkUsable(token: string, now: number, db: Sql): Promise<boolean> {
  if (token.length > 100 || (await hasAccounts(db))) return false;
  return setupTokenValid(hashSecret(token), now, db);
}

/** Whether an unused, unexpired setup token has this hash. */
export async function setupTokenValid(tokenHash: string, now: number, db: Sql): Promise<boolean> {
  const row = await db.get('SELECT expires_at FROM setup_tokens WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @now', { tokenHash, now });
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Raw writes (writes.ts)

export async function insertSession(db: Sql, input: { idHash: string; userId: number; at: number; expiresAt: number }): Promise<void> {
  await db.run('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (@idHash, @userId, @at, @expiresAt)', input);
}

export async function deleteSession(db: Sql, idHash: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE id_hash = @idHash', { idHash });
}

/** Failures older than this no longer count towards a lock. */
const FAILURE_MEMORY_MS = 24 * 3_600_000;

/** SQL: the failures a key has once this one is counted (the stored ones, unless they are stale). */
const FAILURES_NOW = `CASE WHEN @at - login_throttle.last_failure_at < ${FAILURE_MEMORY_MS} THEN login_throttle.failures + 1 ELSE 1 END`;

/**
 * Counts one more failure for each key; a key at its limit is locked for `lockMs` (and again
 * at every further failure, so after the lock each key gets one try per period). One upsert per
 * key: failures counted at the same moment by two instances both count.
 */
export async function recordLoginFailure(db: Sql, keys: readonly { key: string; limit: number }[], at: number, lockMs: number): Promise<void> {
  await db.transaction(async (tx) => {
    for (const { key, limit } of keys) {
      await tx.run(
        `INSERT INTO login_throttle (key, failures, last_failure_at, locked_until)
         VALUES (@key, 1, @at, CASE WHEN 1 >= @limit THEN CAST(@until AS bigint) END)
         ON CONFLICT (key) DO UPDATE SET
           failures = ${FAILURES_NOW},
           locked_until = CASE WHEN ${FAILURES_NOW} >= @limit THEN CAST(@until AS bigint) END,
           last_failure_at = @at`,
        { key, limit, at, until: at + lockMs },
      );
    }
  });
}

export async function clearLoginFailures(db: Sql, keys: readonly string[]): Promise<void> {
  if (keys.length > 0) await db.run(`DELETE FROM login_throttle WHERE ${inList(db.dialect, 'key', 'keys')}`, { keys: [...keys] });
}

/** Stores a new setup token; older unused ones stop working (one link at a time). */
export async function insertSetupToken(db: Sql, input: { tokenHash: string; at: number; expiresAt: number }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run('DELETE FROM setup_tokens WHERE used_at IS NULL');
    await tx.run('INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (@tokenHash, @at, @expiresAt)', input);
  });
}

/**
 * Uses a setup token to make the first admin, in one transaction: the token must be valid and
 * the installation still without accounts, so two visitors cannot both become admin (the token
 * is marked used first: a second transaction waits on that row, then finds it used).
 */
export async function completeSetup(db: Sql, input: { tokenHash: string; email: string; passwordHash: string; at: number }): Promise<{ userId: number }> {
  return db.transaction(async (tx) => {
    const used = await tx.run(
      'UPDATE setup_tokens SET used_at = @at WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @at',
      input,
    );
    if (used === 0) throw new DataError('this setup link has expired or was used already');
    if (await hasAccounts(tx)) throw new DataError('an account exists already: sign in instead');
    const row = await tx.get<{ id: number }>(
      `INSERT INTO users (email, password_hash, role, created_at) VALUES (@email, @passwordHash, 'admin', @at) RETURNING id`,
      input,
    );
    return { userId: row!.id };
  });
}

/** Expired share links keep a tombstone this long (they answer 410), then go. */
export const SHARE_TOMBSTONE_MS = 90 * 24 * 3_600_000;

/**
 * Housekeeping (start-up, then hourly, by whichever instance holds the housekeeping lease):
 * expired sessions, stale throttling rows and setup tokens go; expired or revoked share links
 * lose their frozen figures at once and their row after SHARE_TOMBSTONE_MS.
 */
export async function purgeExpired(db: Sql, now: number): Promise<{ sessions: number; shareLinks: number }> {
  return db.transaction(async (tx) => {
    const sessions = await tx.run('DELETE FROM sessions WHERE expires_at <= @now', { now });
    await tx.run(
      `DELETE FROM login_throttle WHERE last_failure_at < @stale AND (locked_until IS NULL OR locked_until < @now)`,
      { now, stale: now - FAILURE_MEMORY_MS },
    );
    await tx.run('DELETE FROM setup_tokens WHERE expires_at <= @now OR used_at < @stale', { now, stale: now - FAILURE_MEMORY_MS });
    await tx.run('UPDATE share_links SET snapshot = NULL WHERE expires_at <= @now AND snapshot IS NOT NULL', { now });
    const shareLinks = await tx.run('DELETE FROM share_links WHERE expires_at < @gone OR revoked_at < @gone', { gone: now - SHARE_TOMBSTONE_MS });
    return { sessions, shareLinks };
  });
}
