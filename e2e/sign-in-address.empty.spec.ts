import { expect, test } from '@playwright/test';
import { cliUser, signInFrom, uniqueTag } from './helpers';
import { E2E_SERVERS, TRUSTED_PROXY } from './servers';

/**
 * Behind a trusted reverse proxy (this server trusts 127.0.0.1: LOOPSCOPE_TRUSTED_PROXIES), the
 * client is the address the proxy appended to X-Forwarded-For, the rightmost entry that is not
 * a trusted proxy; whatever the client put before it is ignored. A peer that is not a trusted
 * proxy is the client itself, whatever it sends.
 */

const server = E2E_SERVERS.empty;
const PASSWORD = 'e2e-proxy-lockout-damson-61';

test('behind a trusted proxy, the proxy-appended address is locked, not what the client forged', async () => {
  const email = `${uniqueTag('proxy').toLowerCase()}@e2e.test`;
  cliUser(server, email, PASSWORD);
  const account = { email, password: PASSWORD };
  const wrong = { ...account, password: 'not-the-password' };
  // Through the proxy: the client forges a new left part each time; the proxy appends 198.51.100.7.
  for (let i = 1; i <= 5; i++) {
    const r = await signInFrom(server, TRUSTED_PROXY, wrong, { 'x-forwarded-for': `203.0.113.${i}, 198.51.100.7` });
    expect(r.message, `guess ${i}`).toMatch(i < 5 ? /^Wrong e-mail or password\.$/ : /^Too many failed attempts/);
  }
  expect((await signInFrom(server, TRUSTED_PROXY, account, { 'x-forwarded-for': '203.0.113.99, 198.51.100.7' })).signedIn).toBe(false);
  // Another client behind the same proxy, even one the guesser named, is not locked.
  expect((await signInFrom(server, TRUSTED_PROXY, account, { 'x-forwarded-for': '203.0.113.1' })).signedIn).toBe(true);
  // A peer that is not a trusted proxy cannot claim to be 198.51.100.7's neighbour: it is itself.
  const direct = { ...account, password: 'still-not-it' };
  for (let i = 0; i < 5; i++) await signInFrom(server, '127.0.0.9', direct, { 'x-forwarded-for': '198.51.100.8' });
  expect((await signInFrom(server, TRUSTED_PROXY, account, { 'x-forwarded-for': '198.51.100.8' })).signedIn).toBe(true);
  expect((await signInFrom(server, '127.0.0.9', account)).signedIn).toBe(false);
});
