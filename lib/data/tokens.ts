import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiTokens, teams } from '@/db/schema';
import { generateApiToken, hashApiToken, type TokenScope } from '@/lib/auth/tokens';
import { getDb } from './connection';
import type { Viewer } from './viewer';

/** Makes a token for a team; the token itself is in the answer and nowhere else. */
export function createApiToken(
  viewer: Viewer,
  input: { teamId: number; scopes: TokenScope[]; name?: string },
  db: Db = getDb(),
): { id: number; token: string; prefix: string } {
  if (viewer.kind !== 'operator') throw new Error('only an operator can create tokens');
  const { token, hash, prefix } = generateApiToken();
  const row = db
    .insert(apiTokens)
    .values({ teamId: input.teamId, tokenHash: hash, prefix, scopes: input.scopes.join(','), name: input.name ?? null, createdAt: Date.now() })
    .returning({ id: apiTokens.id })
    .get();
  return { id: row.id, token, prefix };
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

export function touchApiToken(tokenId: number, at: number, db: Db = getDb()): void {
  db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, tokenId)).run();
}
