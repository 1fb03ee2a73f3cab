/**
 * 10. Auth bypass: every route handler and page under app/ (found by globbing the files) is
 * called without a session or token, with another team's token, with a session of a member of
 * another team, and with the `x-middleware-subrequest` header variants of CVE-2025-29927; every
 * server action of the build (its manifest) is posted without a session. Each answer is a
 * 401/403/404/405 or a redirect to the sign-in page (a few pages are public by design: sign-in,
 * setup and share links, health, the documentation), no answer contains the team's data, and nothing in the
 * database changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DIST_DIR, fmt, makeFixtures, openSqlite, request, ROOT, Server, workDir, writeRow } from './harness';

const SECRETS = ['Alpha Confidential', 'alpha-secret-run', 'alpha-secret-model', '987654321', '987,654,321', 'alpha-secret-repo'];
const SUBREQUEST = ['middleware', 'src/middleware', 'pages/_middleware', 'middleware:middleware:middleware:middleware:middleware', 'src/middleware:src/middleware:src/middleware:src/middleware:src/middleware', 'proxy', 'proxy:proxy:proxy:proxy:proxy', 'src/proxy'];
/** Answered 200 to anyone by design: these must still show no team data. */
const PUBLIC = new Set(['/login', '/api/health', '/docs', '/docs/api']);

let server: Server | null = null;
afterAll(async () => server?.kill());

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name === 'route.ts' || e.name === 'page.tsx') out.push(path.relative(ROOT, p));
  }
  return out;
}

/** Counts and contents of the tables an attacker would want to change (sign-in throttling excluded: it counts failures by design). */
function snapshot(dbPath: string): string {
  const db = openSqlite(dbPath, true);
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('login_throttle') AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
    // A legitimate use of beta's own token records its last use: not a change an attacker made.
    const rows = (t: string) => (db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all() as Record<string, unknown>[]).map((r) => (t === 'api_tokens' ? { ...r, last_used_at: null } : r));
    return tables.map((t) => `${t}:${JSON.stringify(rows(t))}`).join('\n');
  } finally {
    db.close();
  }
}

it('no route, page or server action answers data or changes anything without the right credentials', async () => {
  const t0 = Date.now();
  const dir = workDir('auth-bypass');
  const dbPath = path.join(dir, 'db', 'loopscope.db');
  server = await Server.start({ dbPath, logFile: path.join(dir, 'server.log'), env: { LOOPSCOPE_RATE_LIMIT_PER_MINUTE: '0' } });
  const fx = makeFixtures(dbPath, {
    teams: [
      { slug: 'alpha', name: 'Alpha Confidential', tokens: [['ingest', 'read']] },
      { slug: 'beta', name: 'Beta', tokens: [['ingest', 'read'], ['read']] },
    ],
    users: [
      { email: 'alpha@reliability.test', password: 'alpha-member-pw-31', role: 'member', teams: ['alpha'] },
      { email: 'beta@reliability.test', password: 'beta-member-pw-31', role: 'member', teams: ['beta'], sessions: 1 },
    ],
    shareLinks: [{ by: 'alpha@reliability.test', team: 'alpha', mode: 'live' }],
  });
  const base = server.base;
  const alphaData = [
    { id: 'a0', type: 'run.started', ts: '2026-11-20T10:00:00Z', run: 'alpha-secret-run', agent: 'codex', model: 'alpha-secret-model', repo: 'acme/alpha-secret-repo', branch: 'b' },
    { id: 'a1', type: 'llm.call', ts: '2026-11-20T10:01:00Z', run: 'alpha-secret-run', model: 'alpha-secret-model', input_tokens: 987654321, output_tokens: 1 },
  ];
  const seeded = await request(`${base}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fx.tokens.alpha[0]}`, 'content-type': 'application/x-ndjson' },
    body: alphaData.map((e) => JSON.stringify(e)).join('\n'),
  });
  expect(seeded.status).toBe(200);
  const before = snapshot(dbPath);

  // Every route handler and page, as URLs about team alpha.
  const files = walk(path.join(ROOT, 'app'));
  const fill = (p: string) =>
    p
      .replace(/^app/, '')
      .replace(/\/(route\.ts|page\.tsx)$/, '')
      .replace('[slug]', 'alpha')
      .replace('[id]', 'alpha-secret-run')
      .replace('[token]', 'A'.repeat(43))
      .replace('[page]', 'api') || '/';
  // Endpoints that need more than a team to get as far as the team's data: asked for fully, so a
  // refusal is about the credentials, not a missing parameter (400).
  const REQUIRED_QUERY: Record<string, string> = {
    '/api/v1/compare': '?by=agent',
    '/api/v1/whatif': '?scenario=price&inputPerM=1&outputPerM=1&cacheReadPerM=0&cacheWritePerM=0',
  };
  const targets: { url: string; method: string; file: string }[] = [];
  for (const f of files) {
    const url = fill(f) + (REQUIRED_QUERY[fill(f)] ?? '');
    if (f.endsWith('page.tsx')) targets.push({ url, method: 'GET', file: f }, { url, method: 'POST', file: f });
    else {
      const src = fs.readFileSync(path.join(ROOT, f), 'utf8');
      for (const m of src.matchAll(/export (?:async )?function (GET|POST|PUT|PATCH|DELETE)\b/g)) targets.push({ url, method: m[1], file: f });
    }
  }
  const withTeam = (url: string) => `${url}${url.includes('?') ? '&' : '?'}team=alpha`;
  const body = JSON.stringify({ id: 'x1', type: 'run.started', ts: '2026-11-20T10:00:00Z', run: 'evil', team: 'alpha' });
  const variants: { name: string; headers: Record<string, string> }[] = [
    { name: 'no credentials', headers: {} },
    { name: "another team's token", headers: { authorization: `Bearer ${fx.tokens.beta[0]}` } },
    { name: "another team's read token", headers: { authorization: `Bearer ${fx.tokens.beta[1]}` } },
    { name: "another team's member", headers: { cookie: `loopscope_session=${fx.sessions['beta@reliability.test'][0]}`, origin: base } },
    { name: 'a forged session', headers: { cookie: 'loopscope_session=forged-session-id', origin: base } },
    ...SUBREQUEST.map((v) => ({ name: `x-middleware-subrequest: ${v}`, headers: { 'x-middleware-subrequest': v } })),
  ];
  const results: { target: string; variant: string; status: number; leak: string | null }[] = [];
  const failures: string[] = [];
  for (const t of targets) {
    for (const v of variants) {
      const url = `${base}${withTeam(t.url)}`;
      const a = await request(url, {
        method: t.method,
        headers: { ...v.headers, ...(t.method !== 'GET' && { 'content-type': 'application/x-ndjson' }) },
        body: t.method === 'GET' ? undefined : body,
      });
      // The request's own path (e.g. the run id in /runs/<id>, echoed in `next=`) is not a leak.
      const leak = SECRETS.find((s) => !t.url.includes(s) && a.body.includes(s)) ?? null;
      const location = String(a.headers.location ?? '');
      const redirectToLogin = [302, 303, 307, 308].includes(a.status) && location.includes('/login');
      const publicPage = PUBLIC.has(t.url) && a.status === 200;
      // A webhook with no valid signature, or an ingest call with beta's own token (which can
      // only write to beta: alpha's data unchanged, checked below), may answer 2xx/400.
      const ownTeamWrite = v.name.startsWith("another team's") && t.method === 'POST' && /\/(api\/v1\/events|v1\/traces)$/.test(t.url) && a.status !== 500;
      // A member of beta sees beta's own pages (200) and is sent on from /login: fine without alpha's data.
      const ownPages = v.name === "another team's member" && (a.status === 200 || [302, 303, 307, 308].includes(a.status));
      const ok = [401, 403, 404, 405, 410].includes(a.status) || redirectToLogin || publicPage || ownTeamWrite || ownPages || (a.status === 400 && t.method !== 'GET');
      results.push({ target: `${t.method} ${t.url}`, variant: v.name, status: a.status, leak });
      if (!ok || leak) failures.push(`${t.method} ${t.url} [${v.name}]: ${a.status} ${location} ${leak ? `LEAKS ${leak}` : ''} ${a.body.slice(0, 160)}`);
    }
  }

  // Server actions: each action id of the build, posted without a session (and with a forged one).
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, DIST_DIR, 'server', 'server-reference-manifest.json'), 'utf8'));
  const actions = Object.entries(manifest.node as Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>);
  const actionResults: { action: string; status: number; leak: string | null }[] = [];
  for (const [id, a] of actions) {
    const page = Object.keys(a.workers).find((w) => w !== 'app/_not-found/page') ?? 'app/page';
    const pageUrl = fill(`${page}.tsx`).replace(/\/page\.tsx$/, '') || '/';
    for (const headers of [{}, { cookie: 'loopscope_session=forged' }] as Record<string, string>[]) {
      for (const payload of ['[]', JSON.stringify([{ ok: true }, 'alpha']), JSON.stringify(['alpha', 1, 'snapshot'])]) {
        const r = await request(`${base}${pageUrl}`, {
          method: 'POST',
          headers: { ...headers, 'next-action': id, origin: base, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component' },
          body: payload,
        });
        const leak = SECRETS.find((s) => r.body.includes(s)) ?? null;
        actionResults.push({ action: `${a.filename}#${a.exportedName}`, status: r.status, leak });
        if (leak) failures.push(`action ${a.filename}#${a.exportedName}: LEAKS ${leak}`);
        if (r.status >= 500) failures.push(`action ${a.filename}#${a.exportedName} ${payload}: ${r.status} ${r.body.slice(0, 300)}`);
      }
    }
  }
  const after = snapshot(dbPath);
  const changed = before !== after;
  if (changed) {
    const b = before.split('\n');
    const a = after.split('\n');
    failures.push(`the database changed: ${a.filter((l) => !b.includes(l)).map((l) => l.slice(0, 400)).join(' | ')}`);
  }
  const byStatus: Record<number, number> = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const actionStatus: Record<number, number> = {};
  for (const r of actionResults) actionStatus[r.status] = (actionStatus[r.status] ?? 0) + 1;
  const leaks = results.filter((r) => r.leak).length + actionResults.filter((r) => r.leak).length;
  writeRow('10-auth-bypass', {
    order: 10,
    test: 'Auth bypass',
    load: `${targets.length} route/page × method pairs from ${files.length} files under app/; ${actions.length} server actions`,
    faults: `${variants.length} credential variants each: none, another team's tokens, another team's member, a forged session, ${SUBREQUEST.length} x-middleware-subrequest values; actions posted without a (valid) session`,
    inputs: `${fmt(results.length + actionResults.length)} requests`,
    result: `routes/pages: ${JSON.stringify(byStatus)} (redirects go to /login); actions: ${JSON.stringify(actionStatus)}; ${failures.length} failures; database ${changed ? 'CHANGED' : 'unchanged'}`,
    lost: `${leaks} leaks of team data`,
    passed: failures.length === 0,
    seconds: Math.round((Date.now() - t0) / 1000),
  });
  expect(failures).toEqual([]);
});
