import 'server-only';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiTokens, teams } from '@/db/schema';
import { generateApiToken, hashApiToken, type TokenScope } from '@/lib/auth/tokens';
import { getDb } from './connection';
import type { DataContext } from './context';
import { DataError } from './errors';
import { findTeam } from './teams';
import { isAdmin, type Viewer } from './viewer';

/** What a token list shows: never the token, only the prefix that recognises it. */
export interface ApiTokenSummary {
  id: number;
  prefix: string;
  name: string | null;
  scopes: TokenScope[];
  createdAt: number;
  lastUsedAt: number | null;
}

/** Makes a token for a team (admins; the CLI writes directly); the token itself is in the answer and nowhere else. */
export function createApiToken(
  viewer: Viewer,
  input: { teamId: number; scopes: TokenScope[]; name?: string },
  db: Db = getDb(),
): { id: number; token: string; prefix: string } {
  if (!isAdmin(viewer)) throw new DataError('only an admin can create tokens');
  const { token, hash, prefix } = generateApiToken();
  const row = insertApiToken(db, {
    teamId: input.teamId,
    tokenHash: hash,
    prefix,
    scopes: input.scopes.join(','),
    tokenName: input.name ?? null,
    at: Date.now(),
  });
  return { id: row.id, token, prefix };
}

/** Makes a token from the web UI (admins), written by the worker; null when the team is not visible. */
export async function issueApiToken(
  viewer: Viewer,
  teamSlug: string,
  input: { scopes: TokenScope[]; name?: string },
  ctx: DataContext,
): Promise<{ id: number; token: string; prefix: string } | null> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can create tokens');
  const team = findTeam(viewer, teamSlug, ctx.db);
  if (!team) return null;
  if (input.scopes.length === 0) throw new DataError('choose at least one scope');
  const { token, hash, prefix } = generateApiToken();
  const name = input.name?.trim().slice(0, 100) || null;
  const row = await ctx.write({ name: 'createApiToken', teamId: team.id, tokenHash: hash, prefix, scopes: input.scopes.join(','), tokenName: name, at: Date.now() });
  return { id: row.id, token, prefix };
}

/** A team's tokens that are not revoked (admins); null when the team is not visible. */
export function listApiTokens(viewer: Viewer, teamSlug: string, db: Db = getDb()): ApiTokenSummary[] | null {
  if (!isAdmin(viewer)) throw new DataError('only an admin can list tokens');
  const team = findTeam(viewer, teamSlug, db);
  if (!team) return null;
  return db
    .select({ id: apiTokens.id, prefix: apiTokens.prefix, name: apiTokens.name, scopes: apiTokens.scopes, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.teamId, team.id), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .all()
    .map((t) => ({ ...t, scopes: t.scopes.split(',') as TokenScope[] }));
}

/** Revokes one of a team's tokens (admins); it answers 401 from the next request on. */
export async function revokeApiToken(viewer: Viewer, teamSlug: string, tokenId: number, ctx: DataContext): Promise<void> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can revoke tokens');
  const team = findTeam(viewer, teamSlug, ctx.db);
  const token = team
    ? ctx.db.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.id, tokenId), eq(apiTokens.teamId, team.id))).get()
    : undefined;
  if (!token) throw new DataError('no such token');
  await ctx.write({ name: 'revokeApiToken', tokenId, at: Date.now() });
}

/** The viewer a bearer token stands for, or null when it is unknown or revoked. */
export function viewerForToken(token: string, db: Db = getDb()): (Viewer & { kind: 'token'; teamSlug: string }) | null {
  const row = db
    .select({ id: apiTokens.id, teamId: apiTokens.teamId, scopes: apiTokens.scopes, slug: teams.slug })
    .from(apiTokens)
    .innerJoin(teams, eq(teams.id, apiTokens.teamId))
    .where(and(eq(apiTokens.tokenHash, hashApiToken(token)), isNull(apiTokens.revokedAt)))
    .get();
  if (!row) return null;
  return { kind: 'token', tokenId: row.id, teamId: row.teamId, teamSlug: row.slug, scopes: row.scopes.split(',') as TokenScope[] };
}

// Raw writes (writes.ts)

export function insertApiToken(
  db: Db,
  input: { teamId: number; tokenHash: string; prefix: string; scopes: string; tokenName: string | null; at: number },
): { id: number } {
  return db
    .insert(apiTokens)
    .values({ teamId: input.teamId, tokenHash: input.tokenHash, prefix: input.prefix, scopes: input.scopes, name: input.tokenName, createdAt: input.at })
    .returning({ id: apiTokens.id })
    .get();
}

export function touchApiToken(tokenId: number, at: number, db: Db = getDb()): void {
  db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, tokenId)).run();
}

export function markApiTokenRevoked(db: Db, tokenId: number, at: number): void {
  db.update(apiTokens).set({ revokedAt: at }).where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt))).run();
}
