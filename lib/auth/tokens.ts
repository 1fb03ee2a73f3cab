/**
 * Team API tokens: 256 bits from the CSPRNG, shown once, stored only as a SHA-256 hash
 * (a fast hash is right here: the token has full entropy, there is nothing to brute-force).
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_SCOPES = ['ingest', 'read'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const TOKEN_PREFIX = 'lsk_';
/** Characters of the token kept in clear to recognise it in a list. */
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;

export function generateApiToken(): { token: string; hash: string; prefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashApiToken(token), prefix: token.slice(0, SHOWN_PREFIX_LENGTH) };
}

export function hashApiToken(token: string): string {
  return hashSecret(token);
}

/**
 * SHA-256 (hex) of a full-entropy secret: API tokens, session ids, share and setup tokens.
 * A fast hash is right for these; passwords use scrypt (passwords.ts).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Parses `ingest,read`; throws naming the bad scope. */
export function parseScopes(raw: string): TokenScope[] {
  const scopes = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (scopes.length === 0) throw new Error(`--scope needs one or more of ${TOKEN_SCOPES.join(', ')}`);
  for (const s of scopes) {
    if (!(TOKEN_SCOPES as readonly string[]).includes(s)) {
      throw new Error(`unknown scope '${s}' (known: ${TOKEN_SCOPES.join(', ')})`);
    }
  }
  return [...new Set(scopes)] as TokenScope[];
}

/** The bearer token of an Authorization header, or null. */
export function bearerToken(header: string | null): string | null {
  if (!header) return null;
  const m = /^Bearer[ \t]+(\S{1,512})[ \t]*$/i.exec(header);
  return m ? m[1] : null;
}
