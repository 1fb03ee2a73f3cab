/**
 * The small writes the ingest worker runs on the request thread's behalf, queued behind any
 * upload so they never wait on (or block) its transaction. Authorization happened before an
 * operation was queued (the lib/data function that queued it); these only write.
 */
import type { Sql } from './connection';
import type { WriteOperation, WriteResult } from '@/lib/ingest/messages';
import { claimDeliveryRows, finishDeliveryRow, insertAlerts, releaseLeaseRow, takeLeaseRow } from './alert-outbox';
import { deleteAlertDestination, insertAlertDestination, updateAlertDestinationPaused } from './alerts';
import {
  clearLoginFailures,
  completeSetup,
  deleteSession,
  insertSession,
  insertSetupToken,
  purgeExpired,
  recordLoginFailure,
} from './sessions';
import { insertShareLink, markShareLinkRevoked, touchShareLink } from './share-links';
import { saveImportSettings } from './import-settings';
import { saveFlagThresholds } from './team-settings';
import { deleteTeams, ensureTeams, insertTeam } from './teams';
import { insertApiToken, markApiTokenRevoked, touchApiToken } from './tokens';
import { deleteTeamMember, insertTeamMember, insertUser, removeUser, updateUserRole, updateUserPassword } from './users';
import { OPERATOR } from './viewer';

export async function applyWrite<O extends WriteOperation>(db: Sql, operation: O): Promise<WriteResult<O>> {
  return (await apply(db, operation)) as WriteResult<O>;
}

async function apply(db: Sql, op: WriteOperation): Promise<unknown> {
  switch (op.name) {
    case 'touchToken':
      return touchApiToken(op.tokenId, op.at, db);
    case 'deleteTeams':
      return deleteTeams(op.slugs, db);
    case 'ensureTeams':
      return ensureTeams(op.teams, db);
    case 'createTeam':
      return insertTeam(db, op.slug, op.teamName, op.at);
    case 'createUser':
      return insertUser(db, op);
    case 'deleteUser':
      return removeUser(db, op.userId);
    case 'setUserRole':
      return updateUserRole(db, op.userId, op.role);
    case 'setPassword':
      return updateUserPassword(db, op.userId, op.passwordHash);
    case 'addTeamMember':
      return insertTeamMember(db, op.teamId, op.userId, op.at);
    case 'removeTeamMember':
      return deleteTeamMember(db, op.teamId, op.userId);
    case 'createSession':
      return insertSession(db, op);
    case 'deleteSession':
      return deleteSession(db, op.idHash);
    case 'recordLoginFailure':
      return recordLoginFailure(db, op.keys, op.at, op.lockMs);
    case 'clearLoginFailures':
      return clearLoginFailures(db, op.keys);
    case 'createSetupToken':
      return insertSetupToken(db, op);
    case 'completeSetup':
      return completeSetup(db, op);
    case 'createApiToken':
      return insertApiToken(db, op);
    case 'revokeApiToken':
      return markApiTokenRevoked(db, op.tokenId, op.at);
    case 'saveFlagThresholds':
      await saveFlagThresholds(OPERATOR, op.teamId, op.changes, db, op.at);
      return;
    case 'saveImportSettings':
      await saveImportSettings(OPERATOR, op.teamId, op.changes, db, op.at);
      return;
    case 'createShareLink':
      return insertShareLink(db, op);
    case 'revokeShareLink':
      return markShareLinkRevoked(db, op.id, op.at);
    case 'touchShareLink':
      return touchShareLink(db, op.id, op.at);
    case 'purgeExpired':
      return purgeExpired(db, op.now);
    case 'createAlertDestination':
      return insertAlertDestination(db, op);
    case 'setAlertDestinationPaused':
      return updateAlertDestinationPaused(db, op.id, op.paused, op.at);
    case 'deleteAlertDestination':
      return deleteAlertDestination(db, op.id);
    case 'takeLease':
      return takeLeaseRow(db, op.leaseName, op.holder, op.now, op.ttlMs);
    case 'releaseLease':
      return releaseLeaseRow(db, op.leaseName, op.holder);
    case 'enqueueAlerts':
      return insertAlerts(db, op.alerts, op.at);
    case 'queueTestAlert':
      await insertAlerts(db, [op.alert], op.now);
      return (await claimDeliveryRows(db, { holder: op.holder, now: op.now, claimMs: op.claimMs, limit: 1, ids: [op.alert.id] }))[0] ?? null;
    case 'claimAlertDeliveries':
      return claimDeliveryRows(db, op);
    case 'finishAlertDelivery':
      return finishDeliveryRow(db, op.id, op.holder, op.at, op.result);
  }
}
