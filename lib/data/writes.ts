/**
 * The small writes the ingest worker runs on the request thread's behalf, queued behind any
 * upload so they never wait on (or block) its transaction.
 */
import type { Db } from '@/db/client';
import type { WriteOperation } from '@/lib/ingest/messages';
import { deleteTeams, ensureTeams } from './teams';
import { touchApiToken } from './tokens';

export function applyWrite(db: Db, op: WriteOperation): void {
  switch (op.name) {
    case 'touchToken':
      return touchApiToken(op.tokenId, op.at, db);
    case 'deleteTeams':
      return deleteTeams(op.slugs, db);
    case 'ensureTeams':
      return ensureTeams(op.teams, db);
  }
}
