/**
 * Telling storage trouble (disk full, read-only file or filesystem, I/O errors, a database that
 * cannot be opened, the server shutting down) from bad input and from bugs. Storage trouble is
 * the server's and temporary: the answer is 503 with a clear message and nothing stored, and
 * the next upload tries again (the ingest worker reopens its connection). A bug stays a 500.
 */

/** The code of an upload refused or rolled back because the server is stopping (lib/server/shutdown.ts). */
export const SHUTDOWN_CODE = 'LOOPSCOPE_SHUTDOWN';

/** SQLite result codes (better-sqlite3's `SqliteError.code`, extended codes included) that mean storage trouble. */
const SQLITE_STORAGE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|NOMEM|PROTOCOL|NOLFS|CORRUPT|NOTADB)(_|$)/;

/** Node file-system error codes that mean storage trouble (spooling, the webhook's payload file). */
const FS_STORAGE = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE', 'EFBIG']);

export function isStorageErrorCode(code: unknown): boolean {
  if (typeof code !== 'string') return false;
  return code === SHUTDOWN_CODE || SQLITE_STORAGE.test(code) || FS_STORAGE.has(code);
}

/** The code of an error thrown by better-sqlite3 or node:fs, or null. */
export function errorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** What a person is told, by code: what went wrong, then that nothing was stored. */
export function storageProblem(code: string | null): string {
  if (code === SHUTDOWN_CODE) return 'the server is shutting down; nothing was stored: send it again in a moment';
  if (code === 'ENOSPC' || code === 'EDQUOT' || code?.startsWith('SQLITE_FULL')) return 'the disk is full; nothing was stored: free some space and send it again';
  if (code === 'EROFS' || code?.startsWith('SQLITE_READONLY')) return 'the database is read-only; nothing was stored: make it writable and send it again';
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) return 'the database is busy; nothing was stored: send it again in a moment';
  return 'the database cannot be written right now; nothing was stored: send it again later';
}
