import { afterEach, describe, expect, it, vi } from 'vitest';
import { signIn } from '@/lib/auth/sign-in';
import { hashSecret } from '@/lib/auth/tokens';
import { directContext, type DataContext } from '@/lib/data/context';
import { completeSetup, setupLinkUsable, setupTokenValid } from '@/lib/data/sessions';
import { countUsers } from '@/lib/data/users';
import { tempDatabase } from '@/lib/testing/db';
import { DEMO_ADMIN_EMAIL, ensureFirstAdmin } from './accounts';

vi.mock('@/lib/ingest/queue', () => ({ writeInWorker: () => Promise.resolve() }));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const t = await tempDatabase();
  cleanups.push(t.cleanup);
  const lines: string[] = [];
  return { ...t, ctx: directContext(t.db), lines, log: (l: string) => lines.push(l) };
}

const signInAs = (ctx: DataContext, email: string, password: string) =>
  signIn({ email, password, clientAddress: '127.0.0.1' }, ctx);

describe('first sign-in', () => {
  it('makes the admin of LOOPSCOPE_ADMIN_EMAIL / _PASSWORD once, and never prints the password', async () => {
    const s = await setup();
    const env = { LOOPSCOPE_ADMIN_EMAIL: 'Boss@Example.com', LOOPSCOPE_ADMIN_PASSWORD: 'tangerine-orbit-42' };
    expect(await ensureFirstAdmin(s.ctx, { demoSeeded: true, env, log: s.log })).toEqual({ kind: 'env', email: 'boss@example.com', made: true });
    expect(await ensureFirstAdmin(s.ctx, { demoSeeded: false, env, log: s.log })).toEqual({ kind: 'env', email: 'boss@example.com', made: false });
    expect(await countUsers(s.db)).toBe(1);
    expect(s.lines.join('\n')).not.toContain('tangerine');
    expect((await signInAs(s.ctx, 'boss@example.com', 'tangerine-orbit-42')).ok).toBe(true);
    await expect(ensureFirstAdmin(s.ctx, { demoSeeded: false, env: { LOOPSCOPE_ADMIN_EMAIL: 'x@example.com' }, log: s.log })).rejects.toThrow(/both/);
  });

  it('refuses a weak LOOPSCOPE_ADMIN_PASSWORD', async () => {
    const s = await setup();
    const env = { LOOPSCOPE_ADMIN_EMAIL: 'boss@example.com', LOOPSCOPE_ADMIN_PASSWORD: 'password' };
    await expect(ensureFirstAdmin(s.ctx, { demoSeeded: false, env, log: s.log })).rejects.toThrow(/common/);
  });

  it('with the demo, makes demo@loopscope.local with a random password printed once', async () => {
    const s = await setup();
    const made = await ensureFirstAdmin(s.ctx, { demoSeeded: true, env: {}, log: s.log });
    if (made.kind !== 'demo') throw new Error(made.kind);
    expect(made.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(s.lines[0]).toBe(`Loopscope: sign in at http://localhost:3000/login as ${DEMO_ADMIN_EMAIL} / ${made.password}`);
    expect((await signInAs(s.ctx, DEMO_ADMIN_EMAIL, made.password)).ok).toBe(true);
    // Next start: accounts exist, nothing is made or printed.
    s.lines.length = 0;
    expect(await ensureFirstAdmin(s.ctx, { demoSeeded: false, env: {}, log: s.log })).toEqual({ kind: 'none' });
    expect(s.lines).toEqual([]);
  });

  it('on an empty installation, prints a one-time setup link (24 h) that makes one admin', async () => {
    const s = await setup();
    const made = await ensureFirstAdmin(s.ctx, { demoSeeded: false, env: { PORT: '4000' }, log: s.log });
    if (made.kind !== 'setup') throw new Error(made.kind);
    const token = made.url.split('/setup/')[1];
    expect(made.url).toBe(`http://localhost:4000/setup/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const now = Date.now();
    expect(await setupTokenValid(hashSecret(token), now, s.db)).toBe(true);
    expect(await setupTokenValid(hashSecret(token), now + 24 * 3_600_000 + 1000, s.db)).toBe(false);
    expect(await setupTokenValid(token, now, s.db)).toBe(false); // stored as its hash only

    // A restart prints a new link; the old one stops working.
    const again = await ensureFirstAdmin(s.ctx, { demoSeeded: false, env: {}, log: s.log });
    if (again.kind !== 'setup') throw new Error(again.kind);
    expect(await setupTokenValid(hashSecret(token), now, s.db)).toBe(false);
    const fresh = again.url.split('/setup/')[1];

    expect(await setupLinkUsable(fresh, Date.now(), s.db)).toBe(true);
    expect(await setupLinkUsable(token, Date.now(), s.db)).toBe(false);
    const input = { tokenHash: hashSecret(fresh), email: 'first@example.com', passwordHash: 'scrypt$x', at: Date.now() };
    expect((await completeSetup(s.db, input)).userId).toBeGreaterThan(0);
    expect(await setupLinkUsable(fresh, Date.now(), s.db)).toBe(false); // used, and an account exists
    await expect(completeSetup(s.db, { ...input, email: 'second@example.com' })).rejects.toThrow(/expired or was used/);
    expect(await countUsers(s.db)).toBe(1);
  });
});
