/**
 * Accounts and team membership. Admins manage them; the operator (CLI, start-up)
 * too. Every function takes the viewer and refuses what it may not do; the raw writes at the
 * end are applied by the worker (writes.ts) once the front function has authorized them.
 */
import 'server-only';
import { hashPassword, passwordProblem } from '@/lib/auth/passwords';
import { getDb, type DbArg, type Sql } from './connection';
import { dataContext, type DataContext } from './context';
import { DataError } from './errors';
import { findTeam } from './teams';
import { isAdmin, type Role, type UserViewer, type Viewer } from './viewer';

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]{1,252}$/;

/** The e-mail as stored (trimmed, lower-cased), or null when it is not an address. */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return email.length <= 254 && EMAIL.test(email) ? email : null;
}

export interface UserSummary {
  id: number;
  email: string;
  role: Role;
  createdAt: number;
  /** Slugs of the teams the user is a member of. */
  teams: string[];
}

export interface TeamMember {
  userId: number;
  email: string;
  role: Role;
}

function requireAdmin(viewer: Viewer, what: string): void {
  if (!isAdmin(viewer)) throw new DataError(`only an admin can ${what}`);
}

// ---------------------------------------------------------------------------------------------
// Reads

/** The viewer of a user id as stored now (role and teams), or null when the user is gone. */
export async function userViewer(userId: number, db: Sql): Promise<UserViewer | null> {
  const user = await db.get<{ id: number; email: string; role: Role }>('SELECT id, email, role FROM users WHERE id = @userId', { userId });
  if (!user) return null;
  const teams = await db.all<{ teamId: number }>('SELECT team_id AS "teamId" FROM team_members WHERE user_id = @userId', { userId });
  return { kind: 'user', userId: user.id, email: user.email, role: user.role, teamIds: teams.map((t) => t.teamId) };
}

/** For signing in only: the account's id and password hash. */
export async function findCredentials(email: string, db: Sql): Promise<{ id: number; passwordHash: string } | null> {
  return (await db.get<{ id: number; passwordHash: string }>('SELECT id, password_hash AS "passwordHash" FROM users WHERE email = @email', { email })) ?? null;
}

export async function countUsers(db: Sql): Promise<number> {
  return Number((await db.get<{ n: number }>('SELECT count(*) AS n FROM users'))?.n ?? 0);
}

/** Every account with its teams (admins). */
export async function listUsers(viewer: Viewer, db: DbArg = getDb()): Promise<UserSummary[]> {
  requireAdmin(viewer, 'list users');
  const sql = await db;
  const rows = await sql.all<Omit<UserSummary, 'teams'>>('SELECT id, email, role, created_at AS "createdAt" FROM users ORDER BY email');
  const memberships = await sql.all<{ userId: number; slug: string }>(
    'SELECT m.user_id AS "userId", t.slug FROM team_members m JOIN teams t ON t.id = m.team_id ORDER BY t.slug',
  );
  return rows.map((u) => ({ ...u, teams: memberships.filter((m) => m.userId === u.id).map((m) => m.slug) }));
}

/** The members of a team (admins); null when the team does not exist. */
export async function listTeamMembers(viewer: Viewer, teamSlug: string, db: DbArg = getDb()): Promise<TeamMember[] | null> {
  requireAdmin(viewer, 'list team members');
  const sql = await db;
  const team = await findTeam(viewer, teamSlug, sql);
  if (!team) return null;
  return sql.all<TeamMember>(
    `SELECT u.id AS "userId", u.email, u.role FROM team_members m JOIN users u ON u.id = m.user_id
     WHERE m.team_id = @teamId ORDER BY u.email`,
    { teamId: team.id },
  );
}

// ---------------------------------------------------------------------------------------------
// Changes (admins and the operator)

/** Makes an account; the password is checked for length and commonness, then hashed. */
export async function createUser(
  viewer: Viewer,
  input: { email: string; password: string; role: Role; teamSlugs?: readonly string[] },
  ctx: DataContext = dataContext(),
): Promise<{ id: number; email: string }> {
  requireAdmin(viewer, 'create users');
  const email = normalizeEmail(input.email);
  if (!email) throw new DataError(`'${input.email.slice(0, 100)}' is not an e-mail address`);
  const problem = passwordProblem(input.password, email);
  if (problem) throw new DataError(problem);
  const teamIds: number[] = [];
  for (const slug of new Set(input.teamSlugs ?? [])) {
    const team = await findTeam(viewer, slug, ctx.db);
    if (!team) throw new DataError(`no team '${slug}'`);
    teamIds.push(team.id);
  }
  if (await findCredentials(email, await ctx.db)) throw new DataError(`an account for ${email} exists already`);
  const passwordHash = await hashPassword(input.password);
  const made = await ctx.write({ name: 'createUser', email, passwordHash, role: input.role, teamIds, at: Date.now() });
  return { id: made.id, email };
}

/** Removes an account, its sessions and its share links. Admins cannot remove themselves or the last admin. */
export async function deleteUser(viewer: Viewer, userId: number, ctx: DataContext = dataContext()): Promise<void> {
  requireAdmin(viewer, 'remove users');
  if (viewer.kind === 'user' && viewer.userId === userId) throw new DataError('you cannot remove your own account');
  const db = await ctx.db;
  const target = await userViewer(userId, db);
  if (!target) throw new DataError('no such user');
  if (target.role === 'admin' && (await adminCount(db)) <= 1) throw new DataError('the last admin cannot be removed');
  await ctx.write({ name: 'deleteUser', userId });
}

export async function setUserRole(viewer: Viewer, userId: number, role: Role, ctx: DataContext = dataContext()): Promise<void> {
  requireAdmin(viewer, 'change roles');
  if (viewer.kind === 'user' && viewer.userId === userId) throw new DataError('you cannot change your own role');
  const db = await ctx.db;
  const target = await userViewer(userId, db);
  if (!target) throw new DataError('no such user');
  if (target.role === 'admin' && role !== 'admin' && (await adminCount(db)) <= 1) throw new DataError('the last admin must stay admin');
  await ctx.write({ name: 'setUserRole', userId, role });
}

/** Sets a new password for a user (admins for anyone); every session of that user ends. */
export async function setUserPassword(
  viewer: Viewer,
  userId: number,
  password: string,
  ctx: DataContext = dataContext(),
): Promise<void> {
  const self = viewer.kind === 'user' && viewer.userId === userId;
  if (!self) requireAdmin(viewer, "change another user's password");
  const db = await ctx.db;
  const target = await userViewer(userId, db);
  if (!target) throw new DataError('no such user');
  const problem = passwordProblem(password, target.email);
  if (problem) throw new DataError(problem);
  await ctx.write({ name: 'setPassword', userId, passwordHash: await hashPassword(password) });
}

/** Adds the account with this e-mail to a team. */
export async function addTeamMember(
  viewer: Viewer,
  teamSlug: string,
  rawEmail: string,
  ctx: DataContext = dataContext(),
): Promise<void> {
  requireAdmin(viewer, 'change team members');
  const team = await findTeam(viewer, teamSlug, ctx.db);
  if (!team) throw new DataError(`no team '${teamSlug}'`);
  const email = normalizeEmail(rawEmail);
  const user = email ? await findCredentials(email, await ctx.db) : null;
  if (!user) throw new DataError(`no account for '${rawEmail.trim().slice(0, 100)}': create it first`);
  await ctx.write({ name: 'addTeamMember', teamId: team.id, userId: user.id, at: Date.now() });
}

export async function removeTeamMember(
  viewer: Viewer,
  teamSlug: string,
  userId: number,
  ctx: DataContext = dataContext(),
): Promise<void> {
  requireAdmin(viewer, 'change team members');
  const team = await findTeam(viewer, teamSlug, ctx.db);
  if (!team) throw new DataError(`no team '${teamSlug}'`);
  await ctx.write({ name: 'removeTeamMember', teamId: team.id, userId });
}

async function adminCount(db: Sql): Promise<number> {
  return Number((await db.get<{ n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin'"))?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Raw writes, applied by the worker (writes.ts) or directly by the CLI

export async function insertUser(
  db: Sql,
  input: { email: string; passwordHash: string; role: Role; teamIds: readonly number[]; at: number },
): Promise<{ id: number }> {
  return db.transaction(async (tx) => {
    if (await findCredentials(input.email, tx)) throw new DataError(`an account for ${input.email} exists already`);
    const row = (await tx.get<{ id: number }>(
      'INSERT INTO users (email, password_hash, role, created_at) VALUES (@email, @passwordHash, @role, @at) RETURNING id',
      input,
    ))!;
    for (const teamId of input.teamIds) await insertTeamMember(tx, teamId, row.id, input.at);
    return { id: row.id };
  });
}

/** Removes an account; its sessions go with it and the share links it made stop working. */
export async function removeUser(db: Sql, userId: number, at: number = Date.now()): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run('UPDATE share_links SET revoked_at = @at, snapshot = NULL WHERE created_by = @userId AND revoked_at IS NULL', { userId, at });
    await tx.run('DELETE FROM users WHERE id = @userId', { userId });
  });
}

export async function updateUserRole(db: Sql, userId: number, role: Role): Promise<void> {
  await db.run('UPDATE users SET role = @role WHERE id = @userId', { userId, role });
}

/** A new password ends every session of the account. */
export async function updateUserPassword(db: Sql, userId: number, passwordHash: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run('UPDATE users SET password_hash = @passwordHash WHERE id = @userId', { userId, passwordHash });
    await tx.run('DELETE FROM sessions WHERE user_id = @userId', { userId });
  });
}

export async function insertTeamMember(db: Sql, teamId: number, userId: number, at: number): Promise<void> {
  await db.run('INSERT INTO team_members (team_id, user_id, created_at) VALUES (@teamId, @userId, @at) ON CONFLICT DO NOTHING', { teamId, userId, at });
}

export async function deleteTeamMember(db: Sql, teamId: number, userId: number): Promise<void> {
  await db.run('DELETE FROM team_members WHERE team_id = @teamId AND user_id = @userId', { teamId, userId });
}
