import 'server-only';
import { getDb, type DbArg, type Sql } from './connection';
import type { DataContext } from './context';
import { inList } from './dialect';
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
  /** Days (epoch ms, UTC midnight) of the team's earliest and latest events, or null. */
  firstActiveDay: number | null;
  lastActiveDay: number | null;
}

/** The team with this slug if the viewer may see it; null otherwise (existence not revealed). */
export async function findTeam(viewer: Viewer, slug: string, db: DbArg = getDb()): Promise<Team | null> {
  const team = await teamBySlug(await db, slug);
  return team && canSeeTeam(viewer, team.id) ? team : null;
}

function teamBySlug(db: Sql, slug: string): Promise<Team | undefined> {
  return db.get<Team>('SELECT id, slug, name FROM teams WHERE slug = @slug', { slug });
}

/** Teams the viewer may see with their stored event counts, from the daily rollup. */
export async function listTeamSummaries(viewer: Viewer, db: DbArg = getDb()): Promise<TeamSummary[]> {
  const sql = await db;
  const visible = visibleTeamIds(viewer);
  const rows = await sql.all<{ id: number; slug: string; name: string; events: number; firstDay: number | null; lastDay: number | null }>(
    `SELECT t.id, t.slug, t.name, coalesce(sum(d.count), 0) AS events, min(d.day) AS "firstDay", max(d.day) AS "lastDay"
     FROM teams t LEFT JOIN daily_events d ON d.team_id = t.id
     ${visible === 'all' ? '' : `WHERE ${inList(sql.dialect, 't.id', 'ids', 'bigint')}`}
     GROUP BY t.id, t.slug, t.name ORDER BY t.slug`,
    { ids: visible === 'all' ? [] : [...visible] },
  );
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    events: Number(r.events),
    firstActiveDay: r.firstDay === null ? null : Number(r.firstDay) * 86_400_000,
    lastActiveDay: r.lastDay === null ? null : Number(r.lastDay) * 86_400_000,
  }));
}

/** The day (epoch ms) of the earliest event of any of these teams the viewer may see, or null. */
export async function firstActiveDay(viewer: Viewer, slugs: readonly string[], db: DbArg = getDb()): Promise<number | null> {
  const days = (await listTeamSummaries(viewer, db)).filter((t) => slugs.includes(t.slug) && t.firstActiveDay !== null).map((t) => t.firstActiveDay!);
  return days.length === 0 ? null : Math.min(...days);
}

export function validateTeamSlug(slug: string): void {
  if (!TEAM_SLUG.test(slug)) {
    throw new Error(`team slug '${slug}' must match [a-z0-9][a-z0-9-]{0,62}`);
  }
}

/** Makes a team (admins; the CLI writes directly). */
export async function createTeam(viewer: Viewer, input: { slug: string; name?: string }, db: DbArg = getDb()): Promise<Team> {
  const sql = await db;
  const { slug, name } = await checkNewTeam(viewer, input, sql);
  return insertTeam(sql, slug, name, Date.now());
}

/** Makes a team from the web UI (admins), written by the worker. */
export async function addTeam(viewer: Viewer, input: { slug: string; name?: string }, ctx: DataContext): Promise<Team> {
  const { slug, name } = await checkNewTeam(viewer, input, await ctx.db);
  return ctx.write({ name: 'createTeam', slug, teamName: name, at: Date.now() });
}

async function checkNewTeam(viewer: Viewer, input: { slug: string; name?: string }, db: Sql): Promise<{ slug: string; name: string }> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can create teams');
  try {
    validateTeamSlug(input.slug);
  } catch (err) {
    throw new DataError((err as Error).message);
  }
  if (await teamBySlug(db, input.slug)) throw new DataError(`team '${input.slug}' already exists`);
  return { slug: input.slug, name: input.name?.trim().slice(0, 200) || input.slug };
}

export async function insertTeam(db: Sql, slug: string, name: string, at: number): Promise<Team> {
  if (await teamBySlug(db, slug)) throw new DataError(`team '${slug}' already exists`);
  return (await db.get<Team>('INSERT INTO teams (slug, name, created_at) VALUES (@slug, @name, @at) RETURNING id, slug, name', { slug, name, at }))!;
}

/** Makes the teams that don't exist yet; used by the demo import. */
export async function ensureTeams(list: { slug: string; name: string }[], db: DbArg = getDb()): Promise<void> {
  const sql = await db;
  const now = Date.now();
  for (const t of list) {
    validateTeamSlug(t.slug);
    await sql.run('INSERT INTO teams (slug, name, created_at) VALUES (@slug, @name, @now) ON CONFLICT (slug) DO NOTHING', { ...t, now });
  }
}

export async function deleteTeams(slugs: string[], db: DbArg = getDb()): Promise<void> {
  const sql = await db;
  if (slugs.length > 0) await sql.run(`DELETE FROM teams WHERE ${inList(sql.dialect, 'slug', 'slugs')}`, { slugs });
}

export async function countTeams(db: DbArg = getDb()): Promise<number> {
  const row = await (await db).get<{ n: number }>('SELECT count(*) AS n FROM teams');
  return Number(row?.n ?? 0);
}
