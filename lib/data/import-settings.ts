/**
 * The importers' per-team settings (table `team_import_settings`) and the record of webhook
 * deliveries (`webhook_deliveries`). See db/schema.ts for what each column holds; the GitHub
 * webhook secret is a shared secret kept in clear, since checking a signature needs it.
 *
 * Reads take the drizzle `Db` (request threads) or, on the ingest path, the raw connection the
 * ingest transaction runs on; writes come from the CLI (operator) and, for deliveries, from
 * ingestion inside the upload's own transaction.
 */
import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db, SqliteConnection } from '@/db/client';
import { teamImportSettings } from '@/db/schema';
import { DEFAULT_BUG_LABEL, type DefectEpisode, type RepoMapping } from '@/lib/importers/types';
import { getDb } from './connection';
import { isAdmin, type Viewer } from './viewer';

export interface ImportSettings {
  githubWebhookSecret: string | null;
  /** Never empty: `bug` unless set. */
  bugLabel: string;
  repoMap: RepoMapping[];
}

interface Row {
  githubWebhookSecret: string | null;
  bugLabel: string | null;
  repoMap: string | null;
}

function fromRow(row: Row | undefined): ImportSettings {
  return {
    githubWebhookSecret: row?.githubWebhookSecret || null,
    bugLabel: row?.bugLabel || DEFAULT_BUG_LABEL,
    repoMap: parseRepoMap(row?.repoMap ?? null),
  };
}

function parseRepoMap(text: string | null): RepoMapping[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v)) return [];
    return v.filter(
      (m): m is RepoMapping => typeof m === 'object' && m !== null && typeof m.path === 'string' && typeof m.repo === 'string',
    );
  } catch {
    return [];
  }
}

/** A team's importer settings (defaults when it has none). No viewer: callers have found the team already. */
export function getImportSettings(teamId: number, db: Db = getDb()): ImportSettings {
  const row = db
    .select({
      githubWebhookSecret: teamImportSettings.githubWebhookSecret,
      bugLabel: teamImportSettings.bugLabel,
      repoMap: teamImportSettings.repoMap,
    })
    .from(teamImportSettings)
    .where(eq(teamImportSettings.teamId, teamId))
    .get();
  return fromRow(row);
}

/** The same, on the ingest path's raw connection (inside or outside its transaction). */
export function importSettingsOn(conn: SqliteConnection, teamId: number): ImportSettings {
  const row = conn
    .prepare(
      `SELECT github_webhook_secret AS githubWebhookSecret, bug_label AS bugLabel, repo_map AS repoMap
       FROM team_import_settings WHERE team_id = ?`,
    )
    .get(teamId) as Row | undefined;
  return fromRow(row);
}

export interface ImportSettingsChanges {
  /** `null` removes it (the webhook then refuses every delivery). */
  githubWebhookSecret?: string | null;
  /** `null` goes back to `bug`. */
  bugLabel?: string | null;
  /** Entries to add or replace (by path). */
  repoMap?: RepoMapping[];
  /** Paths whose entries are removed. */
  removeRepoMap?: string[];
}

/** Stores a team's importer settings (admins and the operator: the CLI). */
export function saveImportSettings(
  viewer: Viewer,
  teamId: number,
  changes: ImportSettingsChanges,
  db: Db = getDb(),
  now: number = Date.now(),
): ImportSettings {
  if (!isAdmin(viewer)) throw new Error('only an admin can change team settings');
  const current = db.select().from(teamImportSettings).where(eq(teamImportSettings.teamId, teamId)).get();
  let secret = current?.githubWebhookSecret ?? null;
  let label = current?.bugLabel ?? null;
  let map = parseRepoMap(current?.repoMap ?? null);
  if (changes.githubWebhookSecret !== undefined) {
    const s = changes.githubWebhookSecret;
    if (s !== null && s.length < 16) throw new Error('a GitHub webhook secret should be at least 16 characters');
    secret = s;
  }
  if (changes.bugLabel !== undefined) {
    const l = changes.bugLabel?.trim() ?? null;
    if (l !== null && (l.length === 0 || l.length > 100)) throw new Error('a bug label has 1–100 characters');
    label = l;
  }
  if (changes.removeRepoMap) map = map.filter((m) => !changes.removeRepoMap!.includes(m.path));
  for (const m of changes.repoMap ?? []) map = [...map.filter((x) => x.path !== m.path), m];
  const values = { githubWebhookSecret: secret, bugLabel: label, repoMap: map.length > 0 ? JSON.stringify(map) : null, updatedAt: now };
  db.insert(teamImportSettings)
    .values({ teamId, ...values })
    .onConflictDoUpdate({ target: teamImportSettings.teamId, set: values })
    .run();
  return fromRow(values);
}

/**
 * Records a webhook delivery inside the ingest transaction; false when the team already has it
 * (a redelivery: the caller rolls back and reports it processed).
 */
export function recordDelivery(
  conn: SqliteConnection,
  delivery: { teamId: number; id: string; event: string; uploadId: number; at: number },
): boolean {
  const info = conn
    .prepare(
      `INSERT INTO webhook_deliveries (team_id, delivery_id, event, upload_id, received_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (team_id, delivery_id) DO NOTHING`,
    )
    .run(delivery.teamId, delivery.id, delivery.event, delivery.uploadId, delivery.at);
  return info.changes === 1;
}

/** Whether a team already processed a delivery (a cheap check before queueing one). */
export function deliverySeen(conn: SqliteConnection, teamId: number, deliveryId: string): boolean {
  return conn.prepare('SELECT 1 FROM webhook_deliveries WHERE team_id = ? AND delivery_id = ?').get(teamId, deliveryId) !== undefined;
}

/**
 * The latest of an issue's defects in a team (`owner/name#N` or `owner/name#N@<time>`: the one
 * opened last), for the GitHub importer's reopened and unlabelled bugs.
 */
export function findDefectOn(conn: SqliteConnection, teamId: number, issue: string): DefectEpisode | null {
  const row = conn
    .prepare(
      `SELECT defect, opened_at AS openedAt, fixed_at AS fixedAt FROM defects
       WHERE team_id = ? AND (defect = ? OR substr(defect, 1, ?) = ?)
       ORDER BY opened_at IS NULL, opened_at DESC LIMIT 1`,
    )
    .get(teamId, issue, issue.length + 1, `${issue}@`) as DefectEpisode | undefined;
  return row ?? null;
}

/** The change of a team's repository with this title (its latest-opened one), for `Revert "<title>"`. */
export function findChangeByTitle(conn: SqliteConnection, teamId: number, repo: string, title: string): string | null {
  const row = conn
    .prepare(
      `SELECT change FROM changes WHERE team_id = ? AND repo = ? AND title = ?
       ORDER BY coalesce(opened_at, first_event_at) DESC LIMIT 1`,
    )
    .get(teamId, repo, title) as { change: string } | undefined;
  return row?.change ?? null;
}
