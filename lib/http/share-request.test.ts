/**
 * /share/<token> and its exports as a visitor without an account sees them: the headers, the
 * page's content and its lack of links, 404 / 410 / 429, query strings that change nothing,
 * escaping, and the exports' fields.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as shareCsv } from '@/app/share/[token]/export.csv/route';
import { GET as shareJson } from '@/app/share/[token]/export.json/route';
import { GET as sharePage } from '@/app/share/[token]/route';
import { closeDb } from '@/lib/data/connection';
import { createShareLink, findShareLink, generateShareToken, revokeShareLink } from '@/lib/data/share-links';
import { ensureTeams } from '@/lib/data/teams';
import { accessFixture, type AccessFixture } from '@/lib/testing/accounts';
import { pointServerAt } from '@/lib/testing/db';
import { PEER_ADDRESS_HEADER, SERVER_MARK } from './client-address';

vi.mock('@/lib/ingest/queue', () => ({ writeInWorker: () => Promise.resolve() }));

let fx: AccessFixture;
let restoreEnv: () => void = () => {};
let address = 0;
/** Each request from its own address (as the Loopscope server reports the peer), so the guessing limit only applies where a test wants it. */
const get = (route: typeof sharePage, token: string, query = '', from = `10.0.${Math.floor(++address / 250)}.${address % 250}`) =>
  route(new Request(`http://localhost/share/${token}${query}`, { headers: { [PEER_ADDRESS_HEADER]: from } }), {
    params: Promise.resolve({ token }),
  });

const XSS = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`;

beforeAll(async () => {
  (globalThis as Record<symbol, unknown>)[SERVER_MARK] = true;
  fx = await accessFixture();
  restoreEnv = pointServerAt(fx);
}, 60_000); // four accounts, each password hashed with scrypt
afterAll(async () => {
  await closeDb();
  restoreEnv();
  await fx.cleanup();
});

describe('the shared page', () => {
  it('shows the report, says "shared report" with its window and as-of time, and links nowhere else', async () => {
    const link = await createShareLink(fx.users.alphaMember, { teamSlug: 'alpha', searchParams: { range: '12w' }, mode: 'snapshot' }, fx.ctx);
    const res = await get(sharePage, link.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-robots-tag')).toMatch(/noindex/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const page = await res.text();
    expect(page).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(page).toContain('Shared report');
    expect(page).toContain('Alpha Squad');
    expect(page).toContain('12 weeks');
    expect(page).toMatch(/as of <span data-testid="share-as-of">\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(page).toContain('data-testid="kpi-merged-value">1<');
    expect(page).not.toContain('Beta Crew');
    expect(page).not.toContain('beta-secret');
    expect(page).not.toContain('@example.com'); // not even who made the link
    // No script, no form, no navigation: the only links are this report's two downloads.
    expect(page).not.toMatch(/<script|<form|<iframe|<link /i);
    const hrefs = [...page.matchAll(/\s(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([`${link.token}/export.csv`, `${link.token}/export.json`]);
  });

  it('answers 404 to unknown tokens with one identical body, and 429 to someone guessing many', async () => {
    const bodies = new Set<string>();
    // The bucket refills one guess a second while this runs (a slow machine): count the misses
    // answered before the first 429 and hold them to 60 plus what the elapsed time refilled.
    const t0 = Date.now();
    let misses = 0;
    for (;;) {
      const res = await get(sharePage, misses % 2 ? generateShareToken() : `guess-${misses}`, '', '192.0.2.1');
      if (res.status === 429 || misses === 1000) break;
      expect(res.status).toBe(404);
      expect(res.headers.get('x-robots-tag')).toMatch(/noindex/);
      bodies.add(await res.text());
      misses++;
    }
    expect(bodies.size).toBe(1);
    expect(misses).toBeGreaterThanOrEqual(60);
    expect(misses).toBeLessThanOrEqual(60 + Math.ceil((Date.now() - t0) / 1000));
    // Even a real token waits out the limit from that address; other addresses are unaffected.
    expect((await get(sharePage, generateShareToken(), '', '192.0.2.2')).status).toBe(404);
    // 1,000 guesses through the data layer: all unknown.
    for (let i = 0; i < 1000; i++) expect((await findShareLink(generateShareToken(), Date.now(), fx.db)).status).toBe('unknown');
  });

  it('answers 410 on the page and both exports as soon as a link is revoked', async () => {
    const link = await createShareLink(fx.users.admin, { teamSlug: 'beta', searchParams: {}, mode: 'live' }, fx.ctx);
    for (const route of [sharePage, shareCsv, shareJson]) expect((await get(route, link.token)).status).toBe(200);
    const id = ((await findShareLink(link.token, Date.now(), fx.db)) as { link: { id: number } }).link.id;
    await revokeShareLink(fx.users.admin, id, fx.ctx);
    for (const route of [sharePage, shareCsv, shareJson]) {
      const res = await get(route, link.token);
      expect(res.status).toBe(410);
      const body = await res.text();
      expect(body).not.toContain('Beta Crew');
      expect(body).not.toContain('beta-secret');
    }
    expect(await (await get(sharePage, link.token)).text()).toContain('no longer valid');
  });

  it('answers 410 one second after expiry (fake clock)', async () => {
    const now = Date.now();
    const link = await createShareLink(fx.users.admin, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot', expiresInDays: 1 }, fx.ctx, now);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(link.expiresAt - 1000);
      expect((await get(sharePage, link.token)).status).toBe(200);
      vi.setSystemTime(link.expiresAt + 1000);
      for (const route of [sharePage, shareCsv, shareJson]) expect((await get(route, link.token)).status).toBe(410);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores anything in the query string: 500 fuzzed parameters change nothing', async () => {
    const link = await createShareLink(fx.users.bothMember, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot' }, fx.ctx);
    const expected = await (await get(shareJson, link.token)).text();
    const page = await (await get(sharePage, link.token)).text();
    const key = fc.constantFrom('team', 'teams', 'from', 'to', 'asOf', 'range', 'mode', 'filter', 'agent', 'repo', 'id', 'token');
    const value = fc.oneof(fc.constantFrom('beta', 'alpha,beta', '2020-01-01', '2026-01-01T00:00:00Z', 'quarter', 'live', '1'), fc.string());
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 4 }), async (pairs) => {
        const query = `?${new URLSearchParams(pairs)}`;
        expect(await (await get(shareJson, link.token, query)).text()).toBe(expected);
        expect(await (await get(sharePage, link.token, query)).text()).toBe(page);
      }),
      { numRuns: 250 },
    );
  });

  it('exports CSV and JSON with only the report fields, formulas neutralised', async () => {
    const link = await createShareLink(fx.users.admin, { teamSlug: 'alpha', searchParams: {}, mode: 'snapshot' }, fx.ctx);
    const json = await get(shareJson, link.token);
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="loopscope-alpha-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(json.headers.get('referrer-policy')).toBe('no-referrer');
    const body = await json.json();
    expect(Object.keys(body).sort()).toEqual(['economics', 'filters', 'flags', 'kpis', 'mode', 'previous', 'previousWindow', 'range', 'report', 'teams', 'weeks', 'window']);
    expect(body.report).toBe('shared report');
    expect(body.teams).toEqual([{ slug: 'alpha', name: 'Alpha Squad' }]);
    expect(JSON.stringify(body)).not.toMatch(/@example\.com|password|payload|lsk_/i);
    expect(JSON.stringify(body)).not.toContain(link.token);
    const csv = await get(shareCsv, link.token);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('section,week,metric,value,detail');
    expect(text).toContain('kpis,,mergedChanges,1,');
  });
});

describe('hostile names and ids', () => {
  it('are escaped on the page and neutralised in the CSV', async () => {
    await ensureTeams([{ slug: 'xss', name: XSS }], fx.db);
    const id = (await fx.db.get<{ id: number }>("SELECT id FROM teams WHERE slug = 'xss'"))!.id;
    const { ingest } = await import('@/lib/ingest/ingest');
    const { chunksOf, ndjson } = await import('@/lib/testing/db');
    const t = (m: number) => new Date(Date.now() - (60 - m) * 60_000).toISOString();
    const run = `=HYPERLINK("http://evil.example")${XSS}`;
    // A run burning 300,000 tokens with nothing merged: flagged, so its id is on the page.
    await ingest(fx.db, chunksOf(ndjson([
      { id: 'x1', type: 'run.started', ts: t(0), run },
      { id: 'x2', type: 'llm.call', ts: t(1), run, model: 'gpt-5', input_tokens: 300_000, output_tokens: 1000 },
      { id: 'x3', type: 'run.ended', ts: t(2), run, status: 'failed' },
    ])), { format: 'ndjson', partial: false, source: 'cli', team: { id, slug: 'xss' } });
    const link = await createShareLink(fx.users.admin, { teamSlug: 'xss', searchParams: {}, mode: 'snapshot' }, fx.ctx);
    const page = await (await get(sharePage, link.token)).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;');
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('=HYPERLINK(&quot;http://evil.example&quot;)');
    const csv = await (await get(shareCsv, link.token)).text();
    const flagLine = csv.split('\r\n').find((l) => l.startsWith('flag,'))!;
    expect(flagLine).toMatch(/^flag,,burn_without_outcome,"'=HYPERLINK\(""http/);
  });
});
