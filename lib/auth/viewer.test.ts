import { describe, expect, it } from 'vitest';
import { isSameOrigin, safeNextPath } from './viewer';

describe('safeNextPath', () => {
  it('keeps same-origin paths and turns everything else into /', () => {
    expect(safeNextPath('/teams/payments?range=12w')).toBe('/teams/payments?range=12w');
    expect(safeNextPath('/')).toBe('/');
    for (const bad of [null, '', 'teams', '//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/\t/evil.example', '/%0a', '/a\\b']) {
      const out = safeNextPath(bad);
      expect(out.startsWith('/') && !out.startsWith('//'), String(bad)).toBe(true);
      expect(new URL(out, 'http://app.local').origin).toBe('http://app.local');
    }
    expect(safeNextPath('//evil.example')).toBe('/');
  });

  it('re-checks the path after normalising it: dot segments cannot make it protocol-relative', () => {
    for (const bad of ['/.//evil.test/x', '/..//evil.test/x', '/a/..//evil.test', '/%2e//evil.test/x', '/.%2e//evil.test', '/./%2fevil.test']) {
      const out = safeNextPath(bad);
      expect(out.startsWith('//') || out.startsWith('/\\'), `${bad} → ${out}`).toBe(false);
      expect(new URL(out, 'http://app.local').origin, bad).toBe('http://app.local');
    }
    expect(safeNextPath('/.//evil.test/x')).toBe('/');
    expect(safeNextPath('/teams/./payments/../payments?x=1')).toBe('/teams/payments?x=1');
  });
});

describe('isSameOrigin', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it('needs an Origin naming the host the request went to', () => {
    expect(isSameOrigin(h({ origin: 'http://localhost:3000', host: 'localhost:3000' }))).toBe(true);
    expect(isSameOrigin(h({ origin: 'https://loopscope.example', host: '10.0.0.5:3000', 'x-forwarded-host': 'loopscope.example' }))).toBe(true);
    expect(isSameOrigin(h({ host: 'localhost:3000' }))).toBe(false); // no Origin
    expect(isSameOrigin(h({ origin: 'null', host: 'localhost:3000' }))).toBe(false);
    expect(isSameOrigin(h({ origin: 'http://evil.example', host: 'localhost:3000' }))).toBe(false);
    expect(isSameOrigin(h({ origin: 'http://localhost:3001', host: 'localhost:3000' }))).toBe(false);
    expect(isSameOrigin(h({ origin: 'not a url', host: 'localhost:3000' }))).toBe(false);
  });
});
