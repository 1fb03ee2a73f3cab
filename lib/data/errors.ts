/**
 * A write or request the data layer refuses for a reason the user can act on (an e-mail that
 * is taken, a link that no longer exists): its message is safe to show. It crosses from the
 * ingest worker to the request thread by its code (lib/ingest/queue.ts).
 */
export const DATA_ERROR_CODE = 'LOOPSCOPE_DATA';

export class DataError extends Error {
  readonly code = DATA_ERROR_CODE;
}

/**
 * Whether `err` is a DataError. By its code, not `instanceof`: the class may be loaded once per
 * server bundle, so an error made by one copy fails `instanceof` against another.
 */
export function isDataError(err: unknown): err is DataError {
  return err instanceof Error && (err as { code?: unknown }).code === DATA_ERROR_CODE;
}
