import { describe, expect, it } from 'vitest';
import { isStorageErrorCode, SHUTDOWN_CODE, storageProblem } from './storage-errors';

describe('isStorageErrorCode', () => {
  it('knows disk-full, read-only, I/O and open failures from SQLite and node:fs', () => {
    for (const code of ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_READONLY_DBMOVED', 'SQLITE_IOERR', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'ENOSPC', 'EROFS', 'EDQUOT', 'EIO', SHUTDOWN_CODE]) {
      expect(isStorageErrorCode(code), code).toBe(true);
    }
  });
  it('does not take bugs or bad input for storage trouble', () => {
    for (const code of [null, undefined, '', 'SQLITE_CONSTRAINT', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_MISMATCH', 'SQLITE_RANGE', 'ERR_INVALID_ARG_TYPE', 'LOOPSCOPE_DATA', 'SQLITE_FULLY']) {
      expect(isStorageErrorCode(code), String(code)).toBe(false);
    }
  });
  it('says what happened and that nothing was stored', () => {
    expect(storageProblem('SQLITE_FULL')).toMatch(/disk is full; nothing was stored/);
    expect(storageProblem('ENOSPC')).toMatch(/disk is full/);
    expect(storageProblem('SQLITE_READONLY')).toMatch(/read-only/);
    expect(storageProblem('SQLITE_IOERR_WRITE')).toMatch(/cannot be written/);
    expect(storageProblem(SHUTDOWN_CODE)).toMatch(/shutting down/);
  });
});
