/**
 * Accounts and team membership (issue #5). Admins manage them; the operator (CLI, start-up)
 * too. Every function takes the viewer and refuses what it may not do; the raw writes at the
 * end are applied by the worker (writes.ts) once the front function has authorized them.
 */
import 'server-only';
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { sessions, shareLinks, teamMembers, teams, users } from '@/db/schema';
import { hashPassword, passwordProblem } from '@/lib/auth/passwords';
import { getDb } from './connection';
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
export function userViewer(userId: number, db: Db): UserViewer | null {
  const user = db.select({ id: users.id, email: users.email, role: users.role }).from(users).where(eq(users.id, userId)).get();
  if (!user) return null;
  const teamIds = db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, userId)).all();
  return { kind: 'user', userId: user.id, email: user.email, role: user.role, teamIds: teamIds.map((t) => t.teamId) };
}

/** For signing in only: the account's id and password hash. */
export function findCredentials(email: string, db: Db): { id: number; passwordHash: string } | null {
  return db.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(eq(users.email, email)).get() ?? null;
}

export function countUsers(db: Db): number {
  return db.select({ n: count() }).from(users).get()?.n ?? 0;
}

/** Every account with its teams (admins). */
export function listUsers(viewer: Viewer, db: Db = getDb()): UserSummary[] {
  requireAdmin(viewer, 'list users');
  const rows = db.select({ id: users.id, email: users.email, role: users.role, createdAt: users.createdAt }).from(users).orderBy(asc(users.email)).all();
  const memberships = db
    .select({ userId: teamMembers.userId, slug: teams.slug })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .orderBy(asc(teams.slug))
    .all();
  return rows.map((u) => ({ ...u, teams: memberships.filter((m) => m.userId === u.id).map((m) => m.slug) }));
}

/** The members of a team (admins); null when the team does not exist. */
export function listTeamMembers(viewer: Viewer, teamSlug: string, db: Db = getDb()): TeamMember[] | null {
  requireAdmin(viewer, 'list team members');
  const team = findTeam(viewer, teamSlug, db);
  if (!team) return null;
  return db
    .select({ userId: users.id, email: users.email, role: users.role })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(eq(teamMembers.teamId, team.id))
    .orderBy(asc(users.email))
    .all();
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
    const team = findTeam(viewer, slug, ctx.db);
    if (!team) throw new DataError(`no team '${slug}'`);
    teamIds.push(team.id);
  }
  if (findCredentials(email, ctx.db)) throw new DataError(`an account for ${email} exists already`);
  const passwordHash = await hashPassword(input.password);
  const made = await ctx.write({ name: 'createUser', email, passwordHash, role: input.role, teamIds, at: Date.now() });
  return { id: made.id, email };
}

/** Removes an account, its sessions and its share links. Admins cannot remove themselves or the last admin. */
export async function deleteUser(viewer: Viewer, userId: number, ctx: DataContext = dataContext()): Promise<void> {
  requireAdmin(viewer, 'remove users');
  if (viewer.kind === 'user' && viewer.userId === userId) throw new DataError('you cannot remove your own account');
  const target = userViewer(userId, ctx.db);
  if (!target) throw new DataError('no such user');
  if (target.role === 'admin' && adminCount(ctx.db) <= 1) throw new DataError('the last admin cannot be removed');
  await ctx.write({ name: 'deleteUser', userId });
}

export async function setUserRole(viewer: Viewer, userId: number, role: Role, ctx: DataContext = dataContext()): Promise<void> {
  requireAdmin(viewer, 'change roles');
  if (viewer.kind === 'user' && viewer.userId === userId) throw new DataError('you cannot change your own role');
  const target = userViewer(userId, ctx.db);
  if (!target) throw new DataError('no such user');
  if (target.role === 'admin' && role !== 'admin' && adminCount(ctx.db) <= 1) throw new DataError('the last admin must stay admin');
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
  const target = userViewer(userId, ctx.db);
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
  const team = findTeam(viewer, teamSlug, ctx.db);
  if (!team) throw new DataError(`no team '${teamSlug}'`);
  const email = normalizeEmail(rawEmail);
  const user = email ? findCredentials(email, ctx.db) : null;
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
  const team = findTeam(viewer, teamSlug, ctx.db);
  if (!team) throw new DataError(`no team '${teamSlug}'`);
  await ctx.write({ name: 'removeTeamMember', teamId: team.id, userId });
}

function adminCount(db: Db): number {
  return db.select({ n: count() }).from(users).where(eq(users.role, 'admin')).get()?.n ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Raw writes, applied by the worker (writes.ts) or directly by the CLI

export function insertUser(
  db: Db,
  input: { email: string; passwordHash: string; role: Role; teamIds: readonly number[]; at: number },
): { id: number } {
  return db.transaction(
    (tx) => {
      const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get();
      if (existing) throw new DataError(`an account for ${input.email} exists already`);
      const row = tx
        .insert(users)
        .values({ email: input.email, passwordHash: input.passwordHash, role: input.role, createdAt: input.at })
        .returning({ id: users.id })
        .get();
      for (const teamId of input.teamIds) {
        tx.insert(teamMembers).values({ teamId, userId: row.id, createdAt: input.at }).onConflictDoNothing().run();
      }
      return { id: row.id };
    },
    { behavior: 'immediate' },
  );
}

/** Removes an account; its sessions go with it and the share links it made stop working. */
export function removeUser(db: Db, userId: number, at: number = Date.now()): void {
  db.transaction(
    (tx) => {
      tx.update(shareLinks)
        .set({ revokedAt: at, snapshot: null })
        .where(and(eq(shareLinks.createdBy, userId), isNull(shareLinks.revokedAt)))
        .run();
      tx.delete(users).where(eq(users.id, userId)).run();
    },
    { behavior: 'immediate' },
  );
}

export function updateUserRole(db: Db, userId: number, role: Role): void {
  db.update(users).set({ role }).where(eq(users.id, userId)).run();
}

/** A new password ends every session of the account. */
export function updateUserPassword(db: Db, userId: number, passwordHash: string): void {
  db.transaction(
    (tx) => {
      tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
      tx.delete(sessions).where(eq(sessions.userId, userId)).run();
    },
    { behavior: 'immediate' },
  );
}

export function insertTeamMember(db: Db, teamId: number, userId: number, at: number): void {
  db.insert(teamMembers).values({ teamId, userId, createdAt: at }).onConflictDoNothing().run();
}

export function deleteTeamMember(db: Db, teamId: number, userId: number): void {
  db.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId))).run();
}
