/**
 * A write or request the data layer refuses for a reason the user can act on (an e-mail that
 * is taken, a link that no longer exists): its message is safe to show. It crosses from the
 * ingest worker to the request thread by its code (lib/ingest/queue.ts).
 */
export const DATA_ERROR_CODE = 'LOOPSCOPE_DATA';

export class DataError extends Error {
  readonly code = DATA_ERROR_CODE;
}
