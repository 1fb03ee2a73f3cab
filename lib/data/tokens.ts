import 'server-only';
import { generateApiToken, hashApiToken, type TokenScope } from '@/lib/auth/tokens';
import { getDb, type DbArg, type Sql } from './connection';
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
export async function createApiToken(
  viewer: Viewer,
  input: { teamId: number; scopes: TokenScope[]; name?: string },
  db: DbArg = getDb(),
): Promise<{ id: number; token: string; prefix: string }> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can create tokens');
  const { token, hash, prefix } = generateApiToken();
  const row = await insertApiToken(await db, {
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
  const team = await findTeam(viewer, teamSlug, ctx.db);
  if (!team) return null;
  if (input.scopes.length === 0) throw new DataError('choose at least one scope');
  const { token, hash, prefix } = generateApiToken();
  const name = input.name?.trim().slice(0, 100) || null;
  const row = await ctx.write({ name: 'createApiToken', teamId: team.id, tokenHash: hash, prefix, scopes: input.scopes.join(','), tokenName: name, at: Date.now() });
  return { id: row.id, token, prefix };
}

/** A team's tokens that are not revoked (admins); null when the team is not visible. */
export async function listApiTokens(viewer: Viewer, teamSlug: string, db: DbArg = getDb()): Promise<ApiTokenSummary[] | null> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can list tokens');
  const sql = await db;
  const team = await findTeam(viewer, teamSlug, sql);
  if (!team) return null;
  const rows = await sql.all<Omit<ApiTokenSummary, 'scopes'> & { scopes: string }>(
    `SELECT id, prefix, name, scopes, created_at AS "createdAt", last_used_at AS "lastUsedAt" FROM api_tokens
     WHERE team_id = @teamId AND revoked_at IS NULL ORDER BY created_at DESC, id DESC`,
    { teamId: team.id },
  );
  return rows.map((t) => ({ ...t, scopes: t.scopes.split(',') as TokenScope[] }));
}

/** Revokes one of a team's tokens (admins); it answers 401 from the next request on. */
export async function revokeApiToken(viewer: Viewer, teamSlug: string, tokenId: number, ctx: DataContext): Promise<void> {
  if (!isAdmin(viewer)) throw new DataError('only an admin can revoke tokens');
  const sql = await ctx.db;
  const team = await findTeam(viewer, teamSlug, sql);
  const token = team ? await sql.get('SELECT id FROM api_tokens WHERE id = @tokenId AND team_id = @teamId', { tokenId, teamId: team.id }) : undefined;
  if (!token) throw new DataError('no such token');
  await ctx.write({ name: 'revokeApiToken', tokenId, at: Date.now() });
}

/** The viewer a bearer token stands for, or null when it is unknown or revoked. */
export async function viewerForToken(token: string, db: DbArg = getDb()): Promise<(Viewer & { kind: 'token'; teamSlug: string }) | null> {
  const row = await (await db).get<{ id: number; teamId: number; scopes: string; slug: string }>(
    `SELECT a.id, a.team_id AS "teamId", a.scopes, t.slug FROM api_tokens a JOIN teams t ON t.id = a.team_id
     WHERE a.token_hash = @hash AND a.revoked_at IS NULL`,
    { hash: hashApiToken(token) },
  );
  if (!row) return null;
  return { kind: 'token', tokenId: row.id, teamId: row.teamId, teamSlug: row.slug, scopes: row.scopes.split(',') as TokenScope[] };
}

// Raw writes (writes.ts)

export async function insertApiToken(
  db: Sql,
  input: { teamId: number; tokenHash: string; prefix: string; scopes: string; tokenName: string | null; at: number },
): Promise<{ id: number }> {
  return (await db.get<{ id: number }>(
    `INSERT INTO api_tokens (team_id, token_hash, prefix, scopes, name, created_at)
     VALUES (@teamId, @tokenHash, @prefix, @scopes, @tokenName, @at) RETURNING id`,
    input,
  ))!;
}

export async function touchApiToken(tokenId: number, at: number, db: DbArg = getDb()): Promise<void> {
  await (await db).run('UPDATE api_tokens SET last_used_at = @at WHERE id = @tokenId', { tokenId, at });
}

export async function markApiTokenRevoked(db: Sql, tokenId: number, at: number): Promise<void> {
  await db.run('UPDATE api_tokens SET revoked_at = @at WHERE id = @tokenId AND revoked_at IS NULL', { tokenId, at });
}
