import { expect, request as requests, test, type APIRequestContext, type Browser } from '@playwright/test';
import { cli, cliUser, createShareLinkThroughPage, ndjson, signInThroughPage, uniqueTag, validEvents } from './helpers';
import { E2E_SERVERS } from './servers';

/**
 * The access matrix against the running server: nobody, a member of team A, of team B, of both,
 * and the admin, against every page, route handler, export and share link, for both teams.
 * Each cell is asserted: allowed (the team's own data), or refused without data (404 with no
 * trace of the team, 401 / a redirect to sign-in for nobody). The data-layer matrix, with API
 * tokens and share viewers too, is lib/data/access.test.ts.
 */

const server = E2E_SERVERS.demo;
const PASSWORD = 'e2e-member-tangerine-42';
const EMPTY = { cookies: [], origins: [] };

type Who = 'nobody' | 'memberA' | 'memberB' | 'memberAB' | 'admin';
type Side = 'A' | 'B';
const WHO: Who[] = ['nobody', 'memberA', 'memberB', 'memberAB', 'admin'];
const SEES: Record<Who, Side[]> = { nobody: [], memberA: ['A'], memberB: ['B'], memberAB: ['A', 'B'], admin: ['A', 'B'] };

const tag = uniqueTag('acl').toLowerCase();
const teams: Record<Side, { slug: string; name: string; repo: string; run: string; share: string }> = {
  A: { slug: `${tag}-a`, name: `Alpha ${tag}`, repo: `secret-org-${tag}/repo-a`, run: `${tag}-a-burn`, share: '' },
  B: { slug: `${tag}-b`, name: `Beta ${tag}`, repo: `secret-org-${tag}/repo-b`, run: `${tag}-b-burn`, share: '' },
};
const other = (s: Side): Side => (s === 'A' ? 'B' : 'A');
const contexts = {} as Record<Who, APIRequestContext>;
let cells = 0;

/** A run that burns 300,000 tokens without merging anything (flagged), and one that merges a change. */
function teamEvents(side: Side): object[] {
  const t = teams[side];
  const ts = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const merged = `${t.slug}-merged`;
  return [
    { id: `${t.slug}-1`, type: 'run.started', ts: ts(300), run: t.run, repo: t.repo, branch: 'main', agent: 'codex' },
    { id: `${t.slug}-2`, type: 'llm.call', ts: ts(299), run: t.run, model: 'gpt-5', input_tokens: 300_000, output_tokens: 2_000 },
    { id: `${t.slug}-3`, type: 'run.ended', ts: ts(298), run: t.run, status: 'failed' },
    { id: `${t.slug}-4`, type: 'run.started', ts: ts(200), run: merged, repo: t.repo, branch: 'fix' },
    { id: `${t.slug}-5`, type: 'llm.call', ts: ts(199), run: merged, model: 'gpt-5', input_tokens: 1000, output_tokens: 100 },
    { id: `${t.slug}-6`, type: 'change.opened', ts: ts(198), run: merged, change: `${t.slug}-c1`, repo: t.repo, branch: 'fix' },
    { id: `${t.slug}-7`, type: 'change.merged', ts: ts(197), change: `${t.slug}-c1` },
    { id: `${t.slug}-8`, type: 'run.ended', ts: ts(196), run: merged, status: 'succeeded' },
  ];
}

async function signedInContext(browser: Browser, email: string | null) {
  if (!email) return requests.newContext({ baseURL: server.baseURL, storageState: EMPTY });
  const context = await browser.newContext({ storageState: EMPTY });
  await signInThroughPage(await context.newPage(), server.baseURL, { email, password: PASSWORD });
  const state = await context.storageState();
  await context.close();
  return requests.newContext({ baseURL: server.baseURL, storageState: state });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  for (const side of ['A', 'B'] as const) {
    const t = teams[side];
    expect(cli(server, 'team', 'create', t.slug, '--name', t.name)).toBe(t.slug);
    const token = cli(server, 'token', 'create', '--team', t.slug, '--scope', 'ingest');
    const api = await requests.newContext({ baseURL: server.baseURL, storageState: EMPTY });
    const res = await api.post('/api/v1/events', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      data: ndjson(teamEvents(side)),
    });
    expect(res.status(), await res.text()).toBe(200);
    await api.dispose();
  }
  cliUser(server, `a-${tag}@e2e.test`, PASSWORD, '--team', teams.A.slug);
  cliUser(server, `b-${tag}@e2e.test`, PASSWORD, '--team', teams.B.slug);
  cliUser(server, `ab-${tag}@e2e.test`, PASSWORD, '--team', teams.A.slug, '--team', teams.B.slug);
  contexts.nobody = await signedInContext(browser, null);
  contexts.memberA = await signedInContext(browser, `a-${tag}@e2e.test`);
  contexts.memberB = await signedInContext(browser, `b-${tag}@e2e.test`);
  contexts.memberAB = await signedInContext(browser, `ab-${tag}@e2e.test`);
  // The admin is the project's signed-in user; it also makes one live share link per team.
  const adminContext = await browser.newContext();
  const page = await adminContext.newPage();
  for (const side of ['A', 'B'] as const) {
    await page.goto(`${server.baseURL}/teams/${teams[side].slug}`);
    teams[side].share = new URL(await createShareLinkThroughPage(page, 'live')).pathname;
  }
  contexts.admin = await requests.newContext({ baseURL: server.baseURL, storageState: await adminContext.storageState() });
  await adminContext.close();
});

test.afterAll(async () => {
  for (const c of Object.values(contexts)) await c.dispose();
});

/** Asserts a page body has none of the other team's data. */
function noTraceOf(body: string, side: Side): void {
  expect(body).not.toContain(teams[side].name);
  expect(body).not.toContain(teams[side].repo);
}

interface TeamCell {
  name: string;
  path: (side: Side) => string;
  method?: 'POST';
  /** Who may: everyone who sees the team (default), or admins only. */
  adminOnly?: boolean;
  /** For nobody: a redirect to sign-in (pages) or 401 (route handlers). */
  kind: 'page' | 'api';
}

const TEAM_CELLS: TeamCell[] = [
  { name: 'team dashboard', path: (s) => `/teams/${teams[s].slug}`, kind: 'page' },
  { name: 'team dashboard, 12 weeks', path: (s) => `/teams/${teams[s].slug}?range=12w`, kind: 'page' },
  { name: 'team settings', path: (s) => `/teams/${teams[s].slug}/settings`, adminOnly: true, kind: 'page' },
  { name: 'connect agents', path: (s) => `/teams/${teams[s].slug}/settings/connect`, adminOnly: true, kind: 'page' },
  { name: 'run page', path: (s) => `/runs/${teams[s].run}?team=${teams[s].slug}`, kind: 'page' },
  { name: 'run page without team', path: (s) => `/runs/${teams[s].run}`, kind: 'page' },
  { name: 'GET /api/v1/kpis', path: (s) => `/api/v1/kpis?team=${teams[s].slug}`, kind: 'api' },
  { name: 'GET /api/v1/kpis/weekly', path: (s) => `/api/v1/kpis/weekly?team=${teams[s].slug}`, kind: 'api' },
  { name: 'GET /api/v1/flags', path: (s) => `/api/v1/flags?team=${teams[s].slug}`, kind: 'api' },
  { name: 'GET /api/v1/compare', path: (s) => `/api/v1/compare?team=${teams[s].slug}&by=agent`, kind: 'api' },
  { name: 'GET /api/v1/whatif', path: (s) => `/api/v1/whatif?team=${teams[s].slug}&scenario=model&model=claude-sonnet-4-5`, kind: 'api' },
  { name: 'CSV export', path: (s) => `/teams/${teams[s].slug}/export.csv`, kind: 'api' },
  { name: 'JSON export', path: (s) => `/teams/${teams[s].slug}/export.json`, kind: 'api' },
  { name: 'POST /api/uploads', path: (s) => `/api/uploads?team=${teams[s].slug}&format=ndjson`, method: 'POST', kind: 'api' },
];

for (const cell of TEAM_CELLS) {
  for (const who of WHO) {
    for (const side of ['A', 'B'] as const) {
      const sees = SEES[who].includes(side) && (!cell.adminOnly || who === 'admin');
      const expected = who === 'nobody' ? (cell.kind === 'page' ? 'sign-in' : 401) : sees ? 200 : 404;
      test(`${cell.name}: ${who} on team ${side} → ${expected}`, async () => {
        cells++;
        const ctx = contexts[who];
        const res =
          cell.method === 'POST'
            ? await ctx.post(cell.path(side), {
                headers: { origin: server.baseURL, 'content-type': 'application/x-ndjson' },
                data: ndjson(validEvents(uniqueTag(`up-${who}`), 2)),
                maxRedirects: 0,
              })
            : await ctx.get(cell.path(side), { maxRedirects: 0 });
        const body = await res.text();
        if (expected === 'sign-in') {
          expect(res.status()).toBe(307);
          expect(res.headers().location).toMatch(/^\/login/);
        } else {
          expect(res.status()).toBe(expected);
        }
        noTraceOf(body, other(side));
        if (expected !== 200) noTraceOf(body, side);
        if (expected === 404 && cell.kind === 'api') expect(JSON.parse(body)).toEqual({ error: expect.stringMatching(/^no (such )?team/) });
        if (expected === 200 && cell.kind === 'page') expect(body).toContain(teams[side].name);
        if (expected === 200 && cell.name.includes('export')) expect(body).toContain(teams[side].name);
      });
    }
  }
}

// Pages about every team the viewer sees: only those teams appear.
const LIST_PAGES = ['/', '/upload', '/flags', '/settings'];
for (const path of LIST_PAGES) {
  for (const who of WHO) {
    const expected = who === 'nobody' ? 'sign-in' : path === '/settings' && who !== 'admin' ? 404 : 200;
    test(`${path}: ${who} → ${expected}, its own teams only`, async () => {
      cells++;
      const res = await contexts[who].get(path, { maxRedirects: 0 });
      const body = await res.text();
      if (expected === 'sign-in') {
        expect(res.status()).toBe(307);
        expect(res.headers().location).toBe('/login' + (path === '/upload' ? '?next=%2Fupload' : path === '/settings' ? '?next=%2Fsettings' : ''));
      } else {
        expect(res.status()).toBe(expected);
      }
      for (const side of ['A', 'B'] as const) {
        const shown = expected === 200 && SEES[who].includes(side) && path !== '/flags';
        if (shown) expect(body, `${teams[side].name} on ${path}`).toContain(teams[side].name);
        if (!SEES[who].includes(side) || expected !== 200) noTraceOf(body, side);
      }
    });
  }
}

// The docs answer everyone the same, signed in or not: the shipped text, no team's data.
const DOC_PAGES = ['/docs', '/docs/kpis'];
for (const path of DOC_PAGES) {
  for (const who of WHO) {
    test(`${path}: ${who} → 200, no team`, async () => {
      cells++;
      const res = await contexts[who].get(path, { maxRedirects: 0 });
      expect(res.status()).toBe(200);
      const body = await res.text();
      expect(body).toContain(path === '/docs' ? 'How Loopscope measures' : 'KPIs and flags');
      for (const side of ['A', 'B'] as const) noTraceOf(body, side);
    });
  }
}

// A share link answers everyone the same, with its own team's report only.
for (const route of ['', '/export.csv', '/export.json']) {
  for (const who of WHO) {
    for (const side of ['A', 'B'] as const) {
      test(`share link${route}: ${who} with team ${side}'s link → 200, that team only`, async () => {
        cells++;
        const res = await contexts[who].get(`${teams[side].share}${route}`, { maxRedirects: 0 });
        expect(res.status()).toBe(200);
        expect(res.headers()['cache-control']).toBe('no-store');
        expect(res.headers()['referrer-policy']).toBe('no-referrer');
        expect(res.headers()['x-robots-tag']).toMatch(/noindex/);
        const body = await res.text();
        expect(body).toContain(teams[side].name);
        noTraceOf(body, other(side));
        expect(body).not.toContain('@e2e.');
      });
    }
  }
}

test('the matrix had every cell', () => {
  // 14 per-team cells × 5 viewers × 2 teams, 4 list pages × 5, 2 doc pages × 5, 3 share routes × 5 × 2.
  expect(cells).toBe(14 * 5 * 2 + 4 * 5 + 2 * 5 + 3 * 5 * 2);
  console.log(`e2e access matrix: ${cells} cells, all as expected`);
});

test('cross-site and header tricks get nothing', async () => {
  const admin = contexts.admin;
  const upload = (headers: Record<string, string>) =>
    admin.post(`/api/uploads?team=${teams.A.slug}&format=ndjson`, {
      headers: { 'content-type': 'text/plain', ...headers },
      data: ndjson(validEvents(uniqueTag('csrf'), 2)),
    });
  // A cross-site text/plain post with the admin's cookie: no Origin, `null` or another site.
  expect((await upload({})).status()).toBe(403);
  expect((await upload({ origin: 'null' })).status()).toBe(403);
  expect((await upload({ origin: 'https://evil.example' })).status()).toBe(403);
  // CVE-2025-29927-style headers open nothing to someone without a session.
  for (const value of ['middleware', 'proxy', 'src/middleware', 'middleware:middleware:middleware:middleware:middleware']) {
    const headers = { 'x-middleware-subrequest': value };
    const page = await contexts.nobody.get(`/teams/${teams.A.slug}`, { headers, maxRedirects: 0 });
    expect(page.status()).toBe(307);
    const api = await contexts.nobody.get(`/api/v1/kpis?team=${teams.A.slug}`, { headers });
    expect(api.status()).toBe(401);
  }
});

test('sessions: HttpOnly, SameSite=Lax, a new id at each sign-in, useless after sign-out', async ({ browser }) => {
  const context = await browser.newContext({ storageState: EMPTY });
  const page = await context.newPage();
  await signInThroughPage(page, server.baseURL, { email: `a-${tag}@e2e.test`, password: PASSWORD });
  const first = (await context.cookies()).find((c) => c.name === 'loopscope_session')!;
  expect(first).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  expect(first.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);
  expect((await context.cookies()).find((c) => c.name === 'loopscope_session')).toBeUndefined();
  // The old cookie no longer opens anything.
  const replay = await requests.newContext({
    baseURL: server.baseURL,
    extraHTTPHeaders: { cookie: `loopscope_session=${first.value}` },
  });
  expect((await replay.get(`/api/v1/kpis?team=${teams.A.slug}`)).status()).toBe(401);
  expect((await replay.get('/', { maxRedirects: 0 })).status()).toBe(307);
  await replay.dispose();
  await signInThroughPage(page, server.baseURL, { email: `a-${tag}@e2e.test`, password: PASSWORD });
  const second = (await context.cookies()).find((c) => c.name === 'loopscope_session')!;
  expect(second.value).not.toBe(first.value);
  await context.close();
});

test('a wrong password is refused without saying which part was wrong', async ({ browser }) => {
  const context = await browser.newContext({ storageState: EMPTY });
  const page = await context.newPage();
  await page.goto(`${server.baseURL}/login`);
  await page.getByLabel('E-mail').fill(`nobody-${tag}@e2e.test`);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('login-error')).toHaveText('Wrong e-mail or password.');
  await context.close();
});
