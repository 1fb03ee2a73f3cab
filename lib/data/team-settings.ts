/**
 * Per-team settings (table `team_settings`). For now only the flag thresholds of kpis-v1.md,
 * stored as a JSON object with any subset of the keys of `FlagThresholds`; what is absent (or
 * not a finite number, or no row at all) takes the spec's default through resolveThresholds.
 */
import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { teamSettings } from '@/db/schema';
import { DEFAULT_FLAG_THRESHOLDS, resolveThresholds, type FlagThresholds } from '@/lib/flags/thresholds';
import type { ThresholdChanges } from '@/lib/flags/threshold-fields';
import { getDb } from './connection';
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
export function getFlagThresholds(teamId: number, db: Db = getDb()): FlagThresholds {
  const row = db
    .select({ flagThresholds: teamSettings.flagThresholds })
    .from(teamSettings)
    .where(eq(teamSettings.teamId, teamId))
    .get();
  return resolveThresholds(parseStored(row?.flagThresholds));
}

/**
 * Stores the given thresholds for a team (operator only; `null` for a key removes it, so it
 * falls back to the default). Keys not in FlagThresholds and values that are not finite
 * numbers are ignored. The settings page goes through updateFlagThresholds (the worker).
 */
export function saveFlagThresholds(
  viewer: Viewer,
  teamId: number,
  changes: { readonly [K in keyof FlagThresholds]?: number | null },
  db: Db = getDb(),
  now: number = Date.now(),
): FlagThresholds {
  if (!isAdmin(viewer)) throw new DataError('only an admin can change team settings');
  const row = db
    .select({ flagThresholds: teamSettings.flagThresholds })
    .from(teamSettings)
    .where(eq(teamSettings.teamId, teamId))
    .get();
  const stored: Partial<Record<keyof FlagThresholds, number>> = { ...parseStored(row?.flagThresholds) };
  for (const key of THRESHOLD_KEYS) {
    if (!(key in changes)) continue;
    const v = changes[key];
    if (v === null) delete stored[key];
    else if (typeof v === 'number' && Number.isFinite(v)) stored[key] = v;
  }
  const text = JSON.stringify(stored);
  db.insert(teamSettings)
    .values({ teamId, flagThresholds: text, updatedAt: now })
    .onConflictDoUpdate({ target: teamSettings.teamId, set: { flagThresholds: text, updatedAt: now } })
    .run();
  return resolveThresholds(stored);
}

/** A team's thresholds for the settings page (admins); null when the team is not visible. */
export function teamFlagThresholds(viewer: Viewer, teamSlug: string, db: Db = getDb()): FlagThresholds | null {
  if (!isAdmin(viewer)) throw new DataError('only an admin can read team settings');
  const team = findTeam(viewer, teamSlug, db);
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
  const team = findTeam(viewer, teamSlug, ctx.db);
  if (!team) throw new DataError(`no team '${teamSlug}'`);
  await ctx.write({ name: 'saveFlagThresholds', teamId: team.id, changes, at: Date.now() });
}
