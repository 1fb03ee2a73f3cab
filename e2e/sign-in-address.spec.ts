import { expect, test } from '@playwright/test';
import { cliUser, signInFrom, uniqueTag } from './helpers';
import { E2E_SERVERS } from './servers';

/**
 * The sign-in lockout counts failures per client address (5 per e-mail from one address), and
 * the address is the TCP peer's: this server trusts no proxy, so X-Forwarded-For is the
 * client's own say and counts for nothing. Each client here connects from its own loopback
 * address (127.0.0.x).
 */

const server = E2E_SERVERS.demo;
const PASSWORD = 'e2e-lockout-persimmon-58';

function freshUser(): { email: string; password: string } {
  const email = `${uniqueTag('lock').toLowerCase()}@e2e.test`;
  cliUser(server, email, PASSWORD);
  return { email, password: PASSWORD };
}

test('a new X-Forwarded-For on every guess does not get past the per-address lockout', async () => {
  const account = freshUser();
  const wrong = { ...account, password: 'not-the-password' };
  for (let i = 1; i <= 5; i++) {
    const r = await signInFrom(server, '127.0.0.2', wrong, { 'x-forwarded-for': `198.51.100.${i}` });
    expect(r.status).toBe(200);
    expect(r.message, `guess ${i}`).toMatch(i < 5 ? /^Wrong e-mail or password\.$/ : /^Too many failed attempts/);
  }
  const right = await signInFrom(server, '127.0.0.2', account, { 'x-forwarded-for': '198.51.100.77' });
  expect(right.signedIn).toBe(false);
  expect(right.message).toMatch(/^Too many failed attempts\. Try again in 1[45] minutes\.$/);
  // The lock is of that address: the owner, elsewhere, still gets in.
  expect((await signInFrom(server, '127.0.0.3', account)).signedIn).toBe(true);
});

test("a forged X-Forwarded-For naming someone else's address does not lock them out", async () => {
  const account = freshUser();
  const wrong = { ...account, password: 'not-the-password' };
  for (let i = 0; i < 5; i++) await signInFrom(server, '127.0.0.4', wrong, { 'x-forwarded-for': '127.0.0.5' });
  const victim = await signInFrom(server, '127.0.0.5', account);
  expect(victim.message).toBe('');
  expect(victim.signedIn).toBe(true);
  // The guesser is the one locked out.
  expect((await signInFrom(server, '127.0.0.4', account)).message).toMatch(/^Too many failed attempts/);
});
