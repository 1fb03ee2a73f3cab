/**
 * A signed-in session for the benchmark's page requests (pages are behind sign-in).
 *
 * `benchSession()` makes an admin with the CLI (`user create <email> --admin`, the password on
 * LOOPSCOPE_PASSWORD), then signs in the way a browser does: Chromium (Playwright's own, else
 * Debian's /usr/bin/chromium) opens /login, fills the form, presses "Sign in" (the form posts
 * the sign-in server action, which sets the session cookie and redirects to /), and the
 * `loopscope_session` cookie is read from the browser context. The browser is closed before
 * anything is timed. When no browser can be started, the session is made instead in a child
 * process through lib/data/sessions.ts `insertSession` against the same database, with the id
 * and cookie made exactly as lib/auth/sign-in.ts + lib/auth/session-cookie.ts do (result says
 * which: `method`; BENCH_SESSION=db skips the browser).
 *
 * Child mode (the fallback): `node --conditions=react-server --import tsx bench/session.ts
 * make-session <db> <email>`.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SESSION_COOKIE, SESSION_TTL_MS } from '@/lib/auth/session-cookie';
import { chromiumLaunchOptions } from '../lib/testing/chromium';
import { ROOT, runChild } from './child';


export interface BenchSession {
  email: string;
  /** The value of the `Cookie` request header that carries the session. */
  cookie: string;
  method: 'browser sign-in' | 'session made in the database';
  /** Why the browser was not used (method = database), else null. */
  browserError: string | null;
}

/** An admin for the benchmark, made with the CLI; returns its e-mail and password. */
export function createBenchAdmin(env: NodeJS.ProcessEnv): { email: string; password: string } {
  const email = `bench-admin-${randomBytes(4).toString('hex')}@bench.invalid`;
  const password = `bench-${randomBytes(18).toString('base64url')}`;
  const r = spawnSync('npm', ['run', '-s', 'cli', '--', 'user', 'create', email, '--admin'], {
    cwd: ROOT,
    env: { ...env, LOOPSCOPE_PASSWORD: password },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) throw new Error(`cli user create failed: ${r.stderr || r.stdout}`);
  return { email, password };
}


/** Signs in on /login in Chromium; returns the session cookie's value. */
async function signInWithBrowser(base: string, account: { email: string; password: string }): Promise<string> {
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ headless: true, ...(chromiumLaunchOptions()) });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/login?next=%2F`, { timeout: 60_000 });
    await page.getByLabel('E-mail').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`, { timeout: 60_000 });
    const shown = (await page.getByTestId('signed-in-as').innerText({ timeout: 30_000 })).trim();
    if (shown !== account.email) throw new Error(`signed in, but the page shows '${shown}'`);
    const cookie = (await context.cookies(base)).find((c) => c.name === SESSION_COOKIE);
    if (!cookie) throw new Error(`no ${SESSION_COOKIE} cookie after signing in`);
    return cookie.value;
  } finally {
    await browser.close();
  }
}

/** The fallback: a session row made through lib/data/sessions.ts in a child process. */
async function sessionInDatabase(dbFile: string, email: string): Promise<string> {
  return (await runChild('session.ts', ['make-session', dbFile, email])).sessionId;
}

/**
 * An admin signed in on the server at `base` (database `env.DATABASE_PATH`), checked: `GET /`
 * with the cookie must answer 200 with the overview, not the sign-in page.
 */
export async function benchSession(base: string, env: NodeJS.ProcessEnv): Promise<BenchSession> {
  const account = createBenchAdmin(env);
  let sessionId: string;
  let method: BenchSession['method'] = 'browser sign-in';
  let browserError: string | null = null;
  try {
    if (process.env.BENCH_SESSION === 'db') throw new Error('BENCH_SESSION=db');
    sessionId = await signInWithBrowser(base, account);
  } catch (err) {
    browserError = String((err as Error).message ?? err).split('\n')[0].slice(0, 300);
    console.log(`  note: browser sign-in failed (${browserError}); making the session in the database instead`);
    method = 'session made in the database';
    sessionId = await sessionInDatabase(env.DATABASE_PATH!, account.email);
  }
  const session: BenchSession = { email: account.email, cookie: `${SESSION_COOKIE}=${sessionId}`, method, browserError };
  const res = await fetch(`${base}/`, { headers: { cookie: session.cookie }, redirect: 'manual' });
  const body = await res.text();
  const problem = pageProblem('overview', res.status, body, account.email);
  if (problem) throw new Error(`the session does not work: GET / ${problem}`);
  return session;
}

export type PageKind = 'overview' | 'dashboard' | 'run';

/** Markers in each page's HTML that only the signed-in page has. */
const MARKERS: Record<PageKind, string[]> = {
  overview: ['data-testid="team-table"'],
  dashboard: ['data-testid="kpi-cards"', 'data-testid="runs-table"'],
  run: ['<h1>Run <code>'],
};

/**
 * Why a page answer is not the signed-in page asked for (status, sign-in page, a marker
 * missing), or null when it is.
 */
export function pageProblem(kind: PageKind, status: number, body: string, email?: string): string | null {
  if (status !== 200) return `answered ${status}`;
  if (!body.includes('data-testid="signed-in-as"') || (email && !body.includes(email))) return 'answered 200 but not signed in (sign-in page?)';
  for (const m of MARKERS[kind]) if (!body.includes(m)) return `answered 200 without ${m}`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Child mode: a session row for an existing user, as lib/auth/sign-in.ts startSession makes it.

async function makeSessionChild(dbFile: string, email: string): Promise<void> {
  const { openDatabase } = await import('@/db/client');
  const { findCredentials } = await import('@/lib/data/users');
  const { insertSession } = await import('@/lib/data/sessions');
  const { newSessionId } = await import('@/lib/auth/session-cookie');
  const { hashSecret } = await import('@/lib/auth/tokens');
  const { report } = await import('./common');
  const db = openDatabase(dbFile);
  const user = await findCredentials(email, db);
  if (!user) throw new Error(`no account for ${email}`);
  const sessionId = newSessionId();
  const at = Date.now();
  await insertSession(db, { idHash: hashSecret(sessionId), userId: user.id, at, expiresAt: at + SESSION_TTL_MS });
  db.client.close();
  report({ sessionId });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href && process.argv[2] === 'make-session') {
  makeSessionChild(process.argv[3], process.argv[4]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
