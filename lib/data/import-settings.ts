/**
 * The importers' per-team settings (table `team_import_settings`) and the record of webhook
 * deliveries (`webhook_deliveries`). See db/schema.ts for what each column holds; the GitHub
 * webhook secret is a shared secret kept in clear, since checking a signature needs it.
 *
 * On the ingest path these run on the connection of the upload's transaction (inside it); writes
 * come from the CLI and the settings pages (admins), and, for deliveries, from ingestion inside
 * the upload's own transaction.
 */
import 'server-only';
import { DEFAULT_BUG_LABEL, type DefectEpisode, type RepoMapping } from '@/lib/importers/types';
import { getDb, type DbArg, type Sql } from './connection';
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
export async function getImportSettings(teamId: number, db: DbArg = getDb()): Promise<ImportSettings> {
  return fromRow(await storedRow(await db, teamId));
}

function storedRow(db: Sql, teamId: number): Promise<Row | undefined> {
  return db.get<Row>(
    `SELECT github_webhook_secret AS "githubWebhookSecret", bug_label AS "bugLabel", repo_map AS "repoMap"
     FROM team_import_settings WHERE team_id = @teamId`,
    { teamId },
  );
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
export async function saveImportSettings(
  viewer: Viewer,
  teamId: number,
  changes: ImportSettingsChanges,
  db: DbArg = getDb(),
  now: number = Date.now(),
): Promise<ImportSettings> {
  if (!isAdmin(viewer)) throw new Error('only an admin can change team settings');
  const sql = await db;
  const current = await storedRow(sql, teamId);
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
  const values = { githubWebhookSecret: secret, bugLabel: label, repoMap: map.length > 0 ? JSON.stringify(map) : null };
  await sql.run(
    `INSERT INTO team_import_settings (team_id, github_webhook_secret, bug_label, repo_map, updated_at)
     VALUES (@teamId, @githubWebhookSecret, @bugLabel, @repoMap, @now)
     ON CONFLICT (team_id) DO UPDATE SET github_webhook_secret = excluded.github_webhook_secret,
       bug_label = excluded.bug_label, repo_map = excluded.repo_map, updated_at = excluded.updated_at`,
    { teamId, ...values, now },
  );
  return fromRow(values);
}

/**
 * Records a webhook delivery inside the ingest transaction; false when the team already has it
 * (a redelivery: the caller rolls back and reports it processed).
 */
export async function recordDelivery(
  db: Sql,
  delivery: { teamId: number; id: string; event: string; uploadId: number; at: number },
): Promise<boolean> {
  const added = await db.run(
    `INSERT INTO webhook_deliveries (team_id, delivery_id, event, upload_id, received_at)
     VALUES (@teamId, @id, @event, @uploadId, @at) ON CONFLICT (team_id, delivery_id) DO NOTHING`,
    delivery,
  );
  return added === 1;
}

/** Whether a team already processed a delivery (a cheap check before queueing one). */
export async function deliverySeen(teamId: number, deliveryId: string, db: DbArg = getDb()): Promise<boolean> {
  return (await (await db).get('SELECT 1 AS seen FROM webhook_deliveries WHERE team_id = @teamId AND delivery_id = @deliveryId', { teamId, deliveryId })) !== undefined;
}

/**
 * The latest of an issue's defects in a team (`owner/name#N` or `owner/name#N@<time>`: the one
 * opened last), for the GitHub importer's reopened and unlabelled bugs.
 */
export async function findDefect(db: Sql, teamId: number, issue: string): Promise<DefectEpisode | null> {
  const row = await db.get<DefectEpisode>(
    `SELECT defect, opened_at AS "openedAt", fixed_at AS "fixedAt" FROM defects
     WHERE team_id = @teamId AND (defect = @issue OR substr(defect, 1, @prefixLength) = @prefix)
     ORDER BY CASE WHEN opened_at IS NULL THEN 1 ELSE 0 END, opened_at DESC LIMIT 1`,
    { teamId, issue, prefixLength: issue.length + 1, prefix: `${issue}@` },
  );
  return row ?? null;
}

/** The change of a team's repository with this title (its latest-opened one), for `Revert "<title>"`. */
export async function findChangeByTitle(db: Sql, teamId: number, repo: string, title: string): Promise<string | null> {
  const row = await db.get<{ change: string }>(
    `SELECT change FROM changes WHERE team_id = @teamId AND repo = @repo AND title = @title
     ORDER BY coalesce(opened_at, first_event_at) DESC LIMIT 1`,
    { teamId, repo, title },
  );
  return row?.change ?? null;
}
