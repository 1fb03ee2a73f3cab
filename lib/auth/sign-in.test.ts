import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PASSWORD_COST } from '@/lib/config';
import { directContext } from '@/lib/data/context';
import { viewerForSession } from '@/lib/data/sessions';
import { createUser, setUserPassword } from '@/lib/data/users';
import { OPERATOR } from '@/lib/data/viewer';
import { tempDatabase } from '@/lib/testing/db';
import { FAILURES_PER_ADDRESS, FAILURES_PER_EMAIL, LOCK_MS, signIn, WRONG_CREDENTIALS } from './sign-in';
import { hashPassword } from './passwords';
import { hashSecret } from './tokens';

vi.mock('@/lib/ingest/queue', () => ({ writeInWorker: () => Promise.resolve() }));

const PASSWORD = 'tangerine-orbit-42';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const t = await tempDatabase();
  cleanups.push(t.cleanup);
  const ctx = directContext(t.db);
  const { id } = await createUser(OPERATOR, { email: 'Ana@Example.com', password: PASSWORD, role: 'member' }, ctx);
  return { ...t, ctx, userId: id };
}

describe('signing in', () => {
  it('makes a new session per sign-in, stored only as a hash; unknown e-mails get the same answer', async () => {
    const { ctx, userId, db } = await setup();
    const a = await signIn({ email: ' ana@example.COM ', password: PASSWORD, clientAddress: '10.0.0.1' }, ctx);
    const b = await signIn({ email: 'ana@example.com', password: PASSWORD, clientAddress: '10.0.0.1' }, ctx);
    if (!a.ok || !b.ok) throw new Error('sign-in failed');
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(a.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await viewerForSession(hashSecret(a.sessionId), Date.now(), db)).toMatchObject({ kind: 'user', userId, role: 'member' });
    expect(await viewerForSession(a.sessionId, Date.now(), db)).toBeNull(); // the id itself is not what is stored
    expect(await viewerForSession(hashSecret(a.sessionId), a.expiresAt, db)).toBeNull(); // expired
    const rows = await db.all<{ id_hash: string }>('SELECT id_hash FROM sessions');
    expect(rows.map((r) => r.id_hash)).not.toContain(a.sessionId);

    const wrong = await signIn({ email: 'ana@example.com', password: 'nope-nope-nope', clientAddress: '10.0.0.1' }, ctx);
    const unknown = await signIn({ email: 'bob@example.com', password: PASSWORD, clientAddress: '10.0.0.1' }, ctx);
    expect(wrong).toEqual({ ok: false, error: WRONG_CREDENTIALS });
    expect(unknown).toEqual({ ok: false, error: WRONG_CREDENTIALS });
  });

  it(`locks an e-mail for 15 minutes after ${FAILURES_PER_ADDRESS} failures from one address, then lets the right password in`, async () => {
    const { ctx } = await setup();
    let now = Date.now();
    const clock = () => now;
    for (let i = 1; i < FAILURES_PER_ADDRESS; i++) {
      expect(await signIn({ email: 'ana@example.com', password: `wrong-${i}-xx`, clientAddress: '10.0.0.1' }, ctx, clock)).toEqual({ ok: false, error: WRONG_CREDENTIALS });
    }
    const fifth = await signIn({ email: 'ana@example.com', password: 'wrong-5-xx', clientAddress: '10.0.0.1' }, ctx, clock);
    expect(fifth).toEqual({ ok: false, error: 'Too many failed attempts. Try again in 15 minutes.' });
    // Locked: even the right password is refused, without checking it.
    expect((await signIn({ email: 'ana@example.com', password: PASSWORD, clientAddress: '10.0.0.1' }, ctx, clock)).ok).toBe(false);
    // Another address is not locked by this one.
    expect((await signIn({ email: 'ana@example.com', password: PASSWORD, clientAddress: '10.0.0.2' }, ctx, clock)).ok).toBe(true);
    now += LOCK_MS + 1;
    expect((await signIn({ email: 'ana@example.com', password: PASSWORD, clientAddress: '10.0.0.1' }, ctx, clock)).ok).toBe(true);
  });

  it(`locks an e-mail after ${FAILURES_PER_EMAIL} failures from any addresses`, async () => {
    const { ctx } = await setup();
    for (let i = 0; i < FAILURES_PER_EMAIL; i++) {
      await signIn({ email: 'ana@example.com', password: `wrong-${i}-xx`, clientAddress: `10.1.0.${i}` }, ctx);
    }
    const result = await signIn({ email: 'ana@example.com', password: PASSWORD, clientAddress: '10.2.0.1' }, ctx);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/^Too many failed attempts/) });
  });

  it('runs one attempt per e-mail and address at a time', async () => {
    const { ctx, db } = await setup();
    // At production cost the first attempt's hash takes long enough for the others to find it running.
    await db.run('UPDATE users SET password_hash = @hash', { hash: await hashPassword(PASSWORD, DEFAULT_PASSWORD_COST) });
    const attempts = await Promise.all(
      Array.from({ length: 4 }, (_, i) => signIn({ email: 'ana@example.com', password: `wrong-${i}-xx`, clientAddress: '10.0.0.9' }, ctx)),
    );
    expect(attempts.filter((a) => !a.ok && a.error.includes('in progress'))).toHaveLength(3);
  });

  it('a new password ends every session', async () => {
    const { ctx, userId, db } = await setup();
    const a = await signIn({ email: 'ana@example.com', password: PASSWORD, clientAddress: '10.0.0.1' }, ctx);
    if (!a.ok) throw new Error('sign-in failed');
    await setUserPassword(OPERATOR, userId, 'another-long-one-7', ctx);
    expect(await viewerForSession(hashSecret(a.sessionId), Date.now(), db)).toBeNull();
    expect((await signIn({ email: 'ana@example.com', password: PASSWORD, clientAddress: '10.0.0.1' }, ctx)).ok).toBe(false);
    expect((await signIn({ email: 'ana@example.com', password: 'another-long-one-7', clientAddress: '10.0.0.1' }, ctx)).ok).toBe(true);
  });
});
