import 'server-only';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { dailyEvents, teams } from '@/db/schema';
import { getDb } from './connection';
import type { DataContext } from './context';
import { DataError } from './errors';
import { canSeeTeam, isAdmin, visibleTeamIds, type Viewer } from './viewer';

export const TEAM_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface Team {
  id: number;
  slug: string;
  name: string;
}

export interface TeamSummary extends Team {
  events: number;
  /** Day (epoch ms, UTC midnight) of the team's latest event, or null. */
  lastActiveDay: number | null;
}

/** The team with this slug if the viewer may see it; null otherwise (existence not revealed). */
export function findTeam(viewer: Viewer, slug: string, db: Db = getDb()): Team | null {
  const team = db.select({ id: teams.id, slug: teams.slug, name: teams.name }).from(teams).where(eq(teams.slug, slug)).get();
  return team && canSeeTeam(viewer, team.id) ? team : null;
}

/** Teams the viewer may see with their stored event counts, from the daily rollup. */
export function listTeamSummaries(viewer: Viewer, db: Db = getDb()): TeamSummary[] {
  const visible = visibleTeamIds(viewer);
  const rows = db
    .select({
      id: teams.id,
      slug: teams.slug,
      name: teams.name,
      events: sql<number>`coalesce(sum(${dailyEvents.count}), 0)`,
      lastDay: sql<number | null>`max(${dailyEvents.day})`,
    })
    .from(teams)
    .leftJoin(dailyEvents, eq(dailyEvents.teamId, teams.id))
    .where(visible === 'all' ? undefined : inArray(teams.id, [...visible]))
    .groupBy(teams.id)
    .orderBy(asc(teams.slug))
    .all();
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    events: Number(r.events),
    lastActiveDay: r.lastDay === null ? null : Number(r.lastDay) * 86_400_000,
  }));
}

export function validateTeamSlug(slug: string): void {
  if (!TEAM_SLUG.test(slug)) {
    throw new Error(`team slug '${slug}' must match [a-z0-9][a-z0-9-]{0,62}`);
  }
}

/** Makes a team (admins; the CLI writes directly). */
export function createTeam(viewer: Viewer, input: { slug: string; name?: string }, db: Db = getDb()): Team {
  const { slug, name } = checkNewTeam(viewer, input, db);
  return insertTeam(db, slug, name, Date.now());
}

/** Makes a team from the web UI (admins), written by the worker. */
export async function addTeam(viewer: Viewer, input: { slug: string; name?: string }, ctx: DataContext): Promise<Team> {
  const { slug, name } = checkNewTeam(viewer, input, ctx.db);
  return ctx.write({ name: 'createTeam', slug, teamName: name, at: Date.now() });
}

function checkNewTeam(viewer: Viewer, input: { slug: string; name?: string }, db: Db): { slug: string; name: string } {
  if (!isAdmin(viewer)) throw new DataError('only an admin can create teams');
  try {
    validateTeamSlug(input.slug);
  } catch (err) {
    throw new DataError((err as Error).message);
  }
  const existing = db.select({ id: teams.id }).from(teams).where(eq(teams.slug, input.slug)).get();
  if (existing) throw new DataError(`team '${input.slug}' already exists`);
  return { slug: input.slug, name: input.name?.trim().slice(0, 200) || input.slug };
}

export function insertTeam(db: Db, slug: string, name: string, at: number): Team {
  const existing = db.select({ id: teams.id }).from(teams).where(eq(teams.slug, slug)).get();
  if (existing) throw new DataError(`team '${slug}' already exists`);
  const row = db.insert(teams).values({ slug, name, createdAt: at }).returning().get();
  return { id: row.id, slug: row.slug, name: row.name };
}

/** Makes the teams that don't exist yet; used by the demo import. */
export function ensureTeams(list: { slug: string; name: string }[], db: Db = getDb()): void {
  const now = Date.now();
  for (const t of list) {
    validateTeamSlug(t.slug);
    db.insert(teams).values({ slug: t.slug, name: t.name, createdAt: now }).onConflictDoNothing().run();
  }
}

export function deleteTeams(slugs: string[], db: Db = getDb()): void {
  if (slugs.length > 0) db.delete(teams).where(inArray(teams.slug, slugs)).run();
}

export function countTeams(db: Db = getDb()): number {
  return Number(db.select({ n: sql<number>`count(*)` }).from(teams).get()?.n ?? 0);
}
