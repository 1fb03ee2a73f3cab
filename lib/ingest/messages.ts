/** Messages between the request thread (queue.ts) and the ingest worker (worker.ts). */
import type { NewAlert } from '@/lib/alerts/messages';
import type { ClaimedDelivery, DeliveryResult } from '@/lib/data/alert-outbox';
import type { ImportSettingsChanges } from '@/lib/data/import-settings';
import type { FlagThresholds } from '@/lib/flags/thresholds';
import type { IngestProgress, IngestRequest, IngestResult } from './ingest';

export type WorkerJob =
  | { kind: 'ingest'; jobId: number; file: string; deleteAfter: boolean; request: IngestRequest }
  | { kind: 'write'; jobId: number; operation: WriteOperation }
  /**
   * Shutdown (lib/server/shutdown.ts): `abort` is handled at once, not queued: the upload being
   * stored rolls back and queued uploads are refused; `close` (queued) closes the connection.
   */
  | { kind: 'abort'; jobId: number }
  | { kind: 'close'; jobId: number };

/** A throttling key and how many failures in a row lock it. */
export interface ThrottleKey {
  key: string;
  limit: number;
}

/**
 * Small writes that must not race the upload transaction: they queue behind it. Each is
 * applied by lib/data/writes.ts; authorization happens before one is queued (lib/data).
 */
export type WriteOperation =
  | { name: 'touchToken'; tokenId: number; at: number }
  | { name: 'deleteTeams'; slugs: string[] }
  | { name: 'ensureTeams'; teams: { slug: string; name: string }[] }
  | { name: 'createTeam'; slug: string; teamName: string; at: number }
  | { name: 'createUser'; email: string; passwordHash: string; role: 'admin' | 'member'; teamIds: number[]; at: number }
  | { name: 'deleteUser'; userId: number }
  | { name: 'setUserRole'; userId: number; role: 'admin' | 'member' }
  | { name: 'setPassword'; userId: number; passwordHash: string }
  | { name: 'addTeamMember'; teamId: number; userId: number; at: number }
  | { name: 'removeTeamMember'; teamId: number; userId: number }
  | { name: 'createSession'; idHash: string; userId: number; at: number; expiresAt: number }
  | { name: 'deleteSession'; idHash: string }
  | { name: 'recordLoginFailure'; keys: ThrottleKey[]; at: number; lockMs: number }
  | { name: 'clearLoginFailures'; keys: string[] }
  | { name: 'createSetupToken'; tokenHash: string; at: number; expiresAt: number }
  | { name: 'completeSetup'; tokenHash: string; email: string; passwordHash: string; at: number }
  | { name: 'createApiToken'; teamId: number; tokenHash: string; prefix: string; scopes: string; tokenName: string | null; at: number }
  | { name: 'revokeApiToken'; tokenId: number; at: number }
  | { name: 'saveFlagThresholds'; teamId: number; changes: { [K in keyof FlagThresholds]?: number | null }; at: number }
  | { name: 'saveImportSettings'; teamId: number; changes: ImportSettingsChanges; at: number }
  | {
      name: 'createShareLink';
      tokenHash: string;
      teamId: number;
      teamIds: number[];
      view: string;
      mode: 'snapshot' | 'live';
      snapshot: string | null;
      createdBy: number | null;
      at: number;
      expiresAt: number;
    }
  | { name: 'revokeShareLink'; id: number; at: number }
  | { name: 'touchShareLink'; id: number; at: number }
  | { name: 'purgeExpired'; now: number }
  // Alerts (lib/data/alerts.ts, lib/data/alert-outbox.ts).
  | { name: 'createAlertDestination'; teamId: number; url: string; secret: string | null; kinds: string; digest: boolean; at: number }
  | { name: 'setAlertDestinationPaused'; id: number; paused: boolean; at: number }
  | { name: 'deleteAlertDestination'; id: number }
  | { name: 'takeLease'; leaseName: string; holder: string; now: number; ttlMs: number }
  | { name: 'releaseLease'; leaseName: string; holder: string }
  | { name: 'enqueueAlerts'; alerts: NewAlert[]; at: number }
  | { name: 'queueTestAlert'; alert: NewAlert; holder: string; now: number; claimMs: number }
  | { name: 'claimAlertDeliveries'; holder: string; now: number; claimMs: number; limit: number }
  | { name: 'finishAlertDelivery'; id: string; holder: string; at: number; result: DeliveryResult };

/** What each write answers. */
export interface WriteResults {
  touchToken: void;
  deleteTeams: void;
  ensureTeams: void;
  createTeam: { id: number; slug: string; name: string };
  createUser: { id: number };
  deleteUser: void;
  setUserRole: void;
  setPassword: void;
  addTeamMember: void;
  removeTeamMember: void;
  createSession: void;
  deleteSession: void;
  recordLoginFailure: void;
  clearLoginFailures: void;
  createSetupToken: void;
  completeSetup: { userId: number };
  createApiToken: { id: number };
  revokeApiToken: void;
  saveFlagThresholds: void;
  saveImportSettings: void;
  createShareLink: { id: number };
  revokeShareLink: void;
  touchShareLink: void;
  purgeExpired: { sessions: number; shareLinks: number };
  createAlertDestination: { id: number };
  setAlertDestinationPaused: void;
  deleteAlertDestination: void;
  takeLease: boolean;
  releaseLease: void;
  enqueueAlerts: number;
  queueTestAlert: ClaimedDelivery | null;
  claimAlertDeliveries: ClaimedDelivery[];
  finishAlertDelivery: boolean;
}

export type WriteResult<O extends WriteOperation> = WriteResults[O['name']];

export type WorkerReply =
  | { kind: 'progress'; jobId: number; progress: IngestProgress }
  | { kind: 'done'; jobId: number; result: IngestResult | WriteResults[keyof WriteResults] | null }
  | { kind: 'failed'; jobId: number; message: string; code: string | null };
