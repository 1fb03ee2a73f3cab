/**
 * The Connect agents page's reads and writes (admins): what each source has sent the team
 * (from `uploads`: source, agent, time, accepted), and the GitHub webhook's secret.
 */
import 'server-only';
import { randomBytes } from 'node:crypto';
import { getDb, type DbArg } from './connection';
import type { DataContext } from './context';
import { DataError } from './errors';
import { getImportSettings } from './import-settings';
import { inList } from './dialect';
import { findTeam } from './teams';
import { isAdmin, type Viewer } from './viewer';

/** The sources agents and GitHub push to (the upload page, API and CLI are not listed). */
export const PUSHED_SOURCES = ['hook', 'otlp', 'webhook'] as const;

export interface SourceActivity {
  source: string;
  /** `claude-code`, `codex`, ... for hooks and OTLP; null for the GitHub webhook. */
  agent: string | null;
  /** The latest upload's time. */
  lastAt: number;
  lastHour: { requests: number; accepted: number; rejected: number };
}

const HOUR_MS = 3_600_000;

/** What each source and agent has sent the team: its latest request and the last hour's; null when the team is not visible. */
export async function sourceActivity(viewer: Viewer, teamSlug: string, now: number = Date.now(), db: DbArg = getDb()): Promise<SourceActivity[] | null> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can see what agents send');
  const sql = await db;
  const team = await findTeam(viewer, teamSlug, sql);
  if (!team) return null;
  const rows = await sql.all<{ source: string; agent: string | null; lastAt: number; requests: number; accepted: number; rejected: number }>(
    `SELECT source, agent, max(created_at) AS "lastAt",
       sum(CASE WHEN created_at >= @since THEN 1 ELSE 0 END) AS requests,
       coalesce(sum(CASE WHEN created_at >= @since THEN accepted END), 0) AS accepted,
       coalesce(sum(CASE WHEN created_at >= @since THEN rejected END), 0) AS rejected
     FROM uploads WHERE team_id = @teamId AND ${inList(sql.dialect, 'source', 'sources')}
     GROUP BY source, agent ORDER BY max(created_at) DESC`,
    { since: now - HOUR_MS, teamId: team.id, sources: [...PUSHED_SOURCES] },
  );
  return rows.map((r) => ({ source: r.source, agent: r.agent, lastAt: r.lastAt, lastHour: { requests: r.requests, accepted: r.accepted, rejected: r.rejected } }));
}

/** Whether the team's GitHub webhook has a secret (admins); null when the team is not visible. */
export async function githubWebhookSecretIsSet(viewer: Viewer, teamSlug: string, db: DbArg = getDb()): Promise<boolean | null> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can see webhook settings');
  const team = await findTeam(viewer, teamSlug, db);
  return team ? (await getImportSettings(team.id, db)).githubWebhookSecret !== null : null;
}

/**
 * A new GitHub webhook secret for the team (admins), stored at once: deliveries signed with the
 * old one are refused from now on. The secret is in the answer, to paste into GitHub.
 */
export async function newGithubWebhookSecret(viewer: Viewer, teamSlug: string, ctx: DataContext): Promise<string | null> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can change webhook settings');
  const team = await findTeam(viewer, teamSlug, ctx.db);
  if (!team) return null;
  const secret = randomBytes(24).toString('hex');
  await ctx.write({ name: 'saveImportSettings', teamId: team.id, changes: { githubWebhookSecret: secret }, at: Date.now() });
  return secret;
}
