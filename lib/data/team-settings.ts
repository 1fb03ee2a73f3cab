/**
 * Per-team settings (table `team_settings`). For now only the flag thresholds of kpis-v1.md,
 * stored as a JSON object with any subset of the keys of `FlagThresholds`; what is absent (or
 * not a finite number, or no row at all) takes the spec's default through resolveThresholds.
 */
import 'server-only';
import { DEFAULT_FLAG_THRESHOLDS, resolveThresholds, type FlagThresholds } from '@/lib/flags/thresholds';
import type { ThresholdChanges } from '@/lib/flags/threshold-fields';
import { getDb, type DbArg, type Sql } from './connection';
import type { DataContext } from './context';
import { DataError } from './errors';
import { findTeam } from './teams';
import { isAdmin, type Viewer } from './viewer';

/** Keys of the stored object that mean something; anything else is dropped on save. */
const THRESHOLD_KEYS = Object.keys(DEFAULT_FLAG_THRESHOLDS) as (keyof FlagThresholds)[];

/** The stored JSON as an object of numbers, or null when absent or unreadable. */
function parseStored(text: string | null | undefined): Partial<Record<keyof FlagThresholds, number>> | null {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Partial<Record<keyof FlagThresholds, number>>)
      : null;
  } catch {
    return null;
  }
}

/** The team's flag thresholds: its stored settings over DEFAULT_FLAG_THRESHOLDS. */
export async function getFlagThresholds(teamId: number, db: DbArg = getDb()): Promise<FlagThresholds> {
  return resolveThresholds(parseStored(await storedThresholds(await db, teamId)));
}

async function storedThresholds(db: Sql, teamId: number): Promise<string | null | undefined> {
  const row = await db.get<{ t: string | null }>('SELECT flag_thresholds AS t FROM team_settings WHERE team_id = @teamId', { teamId });
  return row?.t;
}

/**
 * Stores the given thresholds for a team (operator only; `null` for a key removes it, so it
 * falls back to the default). Keys not in FlagThresholds and values that are not finite
 * numbers are ignored. The settings page goes through updateFlagThresholds (the worker).
 */
export async function saveFlagThresholds(
  viewer: Viewer,
  teamId: number,
  changes: { readonly [K in keyof FlagThresholds]?: number | null },
  db: DbArg = getDb(),
  now: number = Date.now(),
): Promise<FlagThresholds> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can change team settings');
  const sql = await db;
  const stored: Partial<Record<keyof FlagThresholds, number>> = { ...parseStored(await storedThresholds(sql, teamId)) };
  for (const key of THRESHOLD_KEYS) {
    if (!(key in changes)) continue;
    const v = changes[key];
    if (v === null) delete stored[key];
    else if (typeof v === 'number' && Number.isFinite(v)) stored[key] = v;
  }
  await sql.run(
    `INSERT INTO team_settings (team_id, flag_thresholds, updated_at) VALUES (@teamId, @text, @now)
     ON CONFLICT (team_id) DO UPDATE SET flag_thresholds = excluded.flag_thresholds, updated_at = excluded.updated_at`,
    { teamId, text: JSON.stringify(stored), now },
  );
  return resolveThresholds(stored);
}

/** A team's thresholds for the settings page (admins); null when the team is not visible. */
export async function teamFlagThresholds(viewer: Viewer, teamSlug: string, db: DbArg = getDb()): Promise<FlagThresholds | null> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can read team settings');
  const team = await findTeam(viewer, teamSlug, db);
  return team ? getFlagThresholds(team.id, db) : null;
}

/** Saves checked thresholds (lib/flags/threshold-fields.ts) from the settings page, through the worker. */
export async function updateFlagThresholds(
  viewer: Viewer,
  teamSlug: string,
  changes: ThresholdChanges,
  ctx: DataContext,
): Promise<void> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can change team settings');
  const team = await findTeam(viewer, teamSlug, ctx.db);
  if (!team) throw new DataError(`no team '${teamSlug}'`);
  await ctx.write({ name: 'saveFlagThresholds', teamId: team.id, changes, at: Date.now() });
}
