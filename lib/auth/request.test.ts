import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDb, getDb } from '@/lib/data/connection';
import { createTeam } from '@/lib/data/teams';
import { createApiToken } from '@/lib/data/tokens';
import { OPERATOR } from '@/lib/data/viewer';
import { pointServerAt, tempDatabase, type TempDatabase } from '@/lib/testing/db';

// The token-use timestamp is written through the ingest worker; not under test here.
vi.mock('@/lib/ingest/queue', () => ({ writeInWorker: async () => undefined }));

const { authenticateToken, rateLimitToken } = await import('./request');

describe('authenticateToken rate limit (LOOPSCOPE_RATE_LIMIT_PER_MINUTE)', () => {
  let temp: TempDatabase;
  const saved = { ...process.env };
  let tokenA = '';
  let tokenB = '';
  beforeAll(async () => {
    temp = await tempDatabase();
    pointServerAt(temp);
    process.env.LOOPSCOPE_RATE_LIMIT_PER_MINUTE = '5';
    const db = await getDb();
    const a = await createTeam(OPERATOR, { slug: 'rl-a' }, db);
    const b = await createTeam(OPERATOR, { slug: 'rl-b' }, db);
    tokenA = (await createApiToken(OPERATOR, { teamId: a.id, scopes: ['ingest', 'read'] }, db)).token;
    tokenB = (await createApiToken(OPERATOR, { teamId: b.id, scopes: ['read'] }, db)).token;
  });
  afterAll(async () => {
    await closeDb();
    process.env = saved;
    await temp.cleanup();
  });
  const req = (token: string) => new Request('http://127.0.0.1/api/v1/kpis', { headers: { authorization: `Bearer ${token}` } });

  it('answers 429 with Retry-After past the limit, per token', async () => {
    for (let i = 0; i < 5; i++) expect((await authenticateToken(req(tokenA), 'read')).ok).toBe(true);
    const over = await authenticateToken(req(tokenA), 'read');
    expect(over.ok).toBe(false);
    const res = (over as { response: Response }).response;
    expect(res.status).toBe(429);
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(12);
    const body = await res.json();
    expect(body.error).toMatch(/rate limit/);
    expect(body.retryAfter).toBe(wait);
    // Another team's token has its own bucket.
    expect((await authenticateToken(req(tokenB), 'read')).ok).toBe(true);
  });

  it('counts requests refused for scope too, and never limits unknown tokens as someone else', async () => {
    // tokenB lacks `ingest`: 403, but the request still counts against tokenB.
    for (let i = 0; i < 4; i++) {
      const r = await authenticateToken(req(tokenB), 'ingest');
      expect(r.ok).toBe(false);
    }
    const r = await authenticateToken(req(tokenB), 'read');
    expect((r as { response: Response }).response.status).toBe(429);
    const unknown = await authenticateToken(req('lsk_nope'), 'read');
    expect((unknown as { response: Response }).response.status).toBe(401);
  });

  it('0 turns the limit off', async () => {
    process.env.LOOPSCOPE_RATE_LIMIT_PER_MINUTE = '0';
    for (let i = 0; i < 50; i++) expect(await rateLimitToken(999)).toBeNull();
    process.env.LOOPSCOPE_RATE_LIMIT_PER_MINUTE = '5';
  });
});
