import { afterEach, describe, expect, it } from 'vitest';
import { clientAddress, parseTrustedProxies, PEER_ADDRESS_HEADER, resolveClientAddress, SERVER_MARK, UNKNOWN_ADDRESS, NO_TRUSTED_PROXIES } from './client-address';

const mark = globalThis as Record<symbol, unknown>;
afterEach(() => {
  delete mark[SERVER_MARK];
});

describe('resolveClientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('203.0.113.9', null, NO_TRUSTED_PROXIES)).toBe('203.0.113.9');
    for (const forged of ['1.2.3.4', '10.0.0.1, 198.51.100.7', 'unknown', '203.0.113.10']) {
      expect(resolveClientAddress('203.0.113.9', forged, NO_TRUSTED_PROXIES), forged).toBe('203.0.113.9');
    }
    expect(resolveClientAddress('::ffff:203.0.113.9', '1.2.3.4', NO_TRUSTED_PROXIES)).toBe('203.0.113.9');
    expect(resolveClientAddress('2001:DB8::1', null, NO_TRUSTED_PROXIES)).toBe('2001:db8::1');
    expect(resolveClientAddress(null, '1.2.3.4', NO_TRUSTED_PROXIES)).toBe(UNKNOWN_ADDRESS);
  });

  it('behind trusted proxies, walks X-Forwarded-For from the right to the first untrusted address', () => {
    const trusted = parseTrustedProxies('10.0.0.0/8, 192.168.1.5, fd00::/8');
    // One proxy: it appended the client it saw; whatever the client put before that is ignored.
    expect(resolveClientAddress('10.0.0.2', '203.0.113.9', trusted)).toBe('203.0.113.9');
    expect(resolveClientAddress('10.0.0.2', '6.6.6.6, 203.0.113.9', trusted)).toBe('203.0.113.9');
    // Two proxies in a row (each appends the address it received from).
    expect(resolveClientAddress('10.0.0.2', '6.6.6.6, 203.0.113.9, 192.168.1.5', trusted)).toBe('203.0.113.9');
    expect(resolveClientAddress('::ffff:10.0.0.2', '2001:db8::7, fd00::1', trusted)).toBe('2001:db8::7');
    // A trusted peer that forwarded nothing is the client itself; so is the leftmost when all are trusted.
    expect(resolveClientAddress('10.0.0.2', null, trusted)).toBe('10.0.0.2');
    expect(resolveClientAddress('10.0.0.2', '10.1.1.1, 10.2.2.2', trusted)).toBe('10.1.1.1');
    // A peer outside the list is the client even if it sends X-Forwarded-For.
    expect(resolveClientAddress('192.168.1.6', '203.0.113.9', trusted)).toBe('192.168.1.6');
    expect(resolveClientAddress('10.0.0.2', `${'9'.repeat(200)}`, trusted)).toHaveLength(64);
  });
});

describe('parseTrustedProxies', () => {
  it('takes IPv4 and IPv6 addresses and CIDR ranges, and refuses anything else', () => {
    const t = parseTrustedProxies(' 127.0.0.1 ,10.0.0.0/8,::1,2001:db8::/32');
    expect(['127.0.0.1', '10.255.0.1', '::1', '2001:db8:ffff::1'].every((a) => t.has(a))).toBe(true);
    expect(['127.0.0.2', '11.0.0.1', '::2', '2001:db9::1', 'not-an-ip'].some((a) => t.has(a))).toBe(false);
    expect(parseTrustedProxies('').has('127.0.0.1')).toBe(false);
    expect(parseTrustedProxies(undefined).has('127.0.0.1')).toBe(false);
    for (const bad of ['10.0.0.0/33', '::/129', 'localhost', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/x', '300.1.1.1']) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(/LOOPSCOPE_TRUSTED_PROXIES/);
    }
  });
});

describe('clientAddress', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it('reads the peer header only when the Loopscope server set it (else every client is "unknown")', () => {
    const forged = h({ [PEER_ADDRESS_HEADER]: '1.2.3.4', 'x-forwarded-for': '5.6.7.8' });
    expect(clientAddress(forged, {})).toBe(UNKNOWN_ADDRESS);
    mark[SERVER_MARK] = true;
    expect(clientAddress(forged, {})).toBe('1.2.3.4');
    expect(clientAddress(forged, { LOOPSCOPE_TRUSTED_PROXIES: '1.2.3.4' })).toBe('5.6.7.8');
    expect(clientAddress(h({ 'x-forwarded-for': '5.6.7.8' }), {})).toBe(UNKNOWN_ADDRESS);
  });
});
