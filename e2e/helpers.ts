import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { openPostgres } from '../db/postgres';
import { SqliteSql, type Sql } from '../db/sql';
import { generateBenchEvents } from '../lib/demo/bench-events';
import { toNdjsonLines, type WireEvent } from '../lib/demo/wire';
import { REPO_ROOT, type E2EServer } from './servers';

/**
 * Reads a running server's database beside it (SQLite read-only: WAL lets both in; PostgreSQL
 * through a connection of its own), for what no page or endpoint shows.
 */
export async function readServerDb<T>(server: E2EServer, read: (db: Sql) => Promise<T>): Promise<T> {
  const db = server.dbUrl ? await openPostgres(server.dbUrl, { max: 1, migrate: false }) : new SqliteSql(new Database(server.dbPath, { readonly: true }));
  try {
    return await read(db);
  } finally {
    await db.close();
  }
}

/** A prefix that makes event ids unique to this test run (and this call). */
export function uniqueTag(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Valid events-v1 lines, one run: run.started, then llm.calls, then run.ended. */
export function validEvents(tag: string, count: number): Record<string, unknown>[] {
  const run = `${tag}-run`;
  const base = Date.UTC(2026, 10, 20, 10, 0, 0);
  const ts = (i: number) => new Date(base + i * 1000).toISOString();
  const events: Record<string, unknown>[] = [{ id: `${tag}-0`, type: 'run.started', ts: ts(0), run, agent: 'codex' }];
  for (let i = 1; i < count - 1; i++) {
    events.push({ id: `${tag}-${i}`, type: 'llm.call', ts: ts(i), run, model: 'gpt-5', input_tokens: 100 * i, output_tokens: 10 * i });
  }
  if (count > 1) events.push({ id: `${tag}-${count - 1}`, type: 'run.ended', ts: ts(count - 1), run, status: 'succeeded' });
  return events;
}

export const ndjson = (events: unknown[]): string => events.map((e) => JSON.stringify(e) + '\n').join('');

/** `count` generated benchmark events for `team`, with ids unique to this run. */
export function benchNdjson(team: string, count: number): Buffer {
  const tag = uniqueTag('big');
  const relabel = (e: WireEvent): WireEvent => ({ ...e, id: `${tag}-${e.id}` });
  const lines: string[] = [];
  for (const line of toNdjsonLines(mapIter(generateBenchEvents({ count, team, seed: 7 }), relabel))) lines.push(line);
  return Buffer.from(lines.join(''));
}

function* mapIter<T, U>(items: Iterable<T>, f: (t: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

/** `npm run -s cli -- ...args` against a server's database; returns the last line of stdout. */
export function cli(server: E2EServer, ...args: string[]): string {
  const out = execFileSync('npm', ['run', '-s', 'cli', '--', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...server.dbEnv },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const lines = out.trim().split('\n');
  return lines[lines.length - 1].trim();
}

/** A team's event count as the overview page shows it. */
export async function homeEventCount(page: Page, team: string): Promise<number> {
  await page.goto('/');
  const cell = page.locator(`tr[data-team="${team}"] [data-testid="event-count"]`);
  await expect(cell).toBeVisible();
  return parseCount(await cell.innerText());
}

/** "41,937" → 41937 */
export function parseCount(text: string): number {
  const n = Number(text.replace(/[,\s]/g, ''));
  if (!Number.isInteger(n)) throw new Error(`not a count: '${text}'`);
  return n;
}

export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/**
 * On /upload: chooses the team and the file, presses Upload and waits for the outcome (the
 * result panel or an error alert).
 */
export async function uploadThroughPage(page: Page, team: string, file: UploadFile): Promise<void> {
  await page.goto('/upload');
  await page.getByLabel('Team').selectOption(team);
  await page.getByTestId('file-input').setInputFiles(file);
  await expect(page.getByText(file.name)).toBeVisible();
  const upload = page.getByRole('button', { name: 'Upload', exact: true });
  await expect(upload).toBeEnabled();
  await upload.click();
  await expect(page.getByTestId('upload-result').or(page.getByTestId('upload-error'))).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('upload-error')).toHaveCount(0);
}

/** Signs in on /login and waits for the overview (or `landing`). */
export async function signInThroughPage(
  page: Page,
  baseURL: string,
  account: { email: string; password: string },
  landing = '/',
): Promise<void> {
  await page.goto(`${baseURL}/login?next=${encodeURIComponent(landing)}`);
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseURL}${landing}`);
  await expect(page.getByTestId('signed-in-as')).toHaveText(account.email);
}

/** `user create` through the CLI, the password on LOOPSCOPE_PASSWORD; returns the new user's id. */
export function cliUser(server: E2EServer, email: string, password: string, ...args: string[]): string {
  const out = execFileSync('npm', ['run', '-s', 'cli', '--', 'user', 'create', email, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...server.dbEnv, LOOPSCOPE_PASSWORD: password },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return out.trim().split('\n').pop()!.trim();
}

/**
 * On a team dashboard (already open): "Share this view", with the mode, and answers the link
 * shown once.
 */
export async function createShareLinkThroughPage(page: Page, mode: 'snapshot' | 'live' = 'snapshot'): Promise<string> {
  const control = page.getByTestId('share-control');
  await control.locator('summary').click();
  const form = page.getByTestId('share-form');
  await form.getByLabel(mode === 'snapshot' ? 'Snapshot (frozen now)' : 'Live (updated on each view)').check();
  await form.getByRole('button', { name: 'Create share link' }).click();
  const secret = form.getByTestId('secret-value');
  await expect(secret).toHaveValue(/\/share\/[A-Za-z0-9_-]{43}$/);
  return secret.inputValue();
}

/** The id of a server action in the production build under test (its manifest). */
export function serverActionId(exportedName: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, '.next', 'server', 'server-reference-manifest.json'), 'utf8'));
  const found = Object.entries(manifest.node as Record<string, { exportedName: string }>).find(([, a]) => a.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} in the build`);
  return found[0];
}

/**
 * Posts the sign-in form as the page's script does (React's reply encoding: the form's fields
 * as `_1_<name>`, the arguments `[state, form]` as part `0`, after them), over a connection from
 * `localAddress` (any 127.x.y.z: loopback answers them all), so a test can be several clients.
 * Answers the status and what the page would show.
 */
export async function signInFrom(
  server: E2EServer,
  localAddress: string,
  account: { email: string; password: string },
  headers: Record<string, string> = {},
): Promise<{ status: number; signedIn: boolean; message: string }> {
  const form = new FormData();
  form.set('_1_email', account.email);
  form.set('_1_password', account.password);
  form.set('_1_next', '/');
  // Last: the server decodes the parts as they stream in, and this one refers to those before it.
  form.set('0', JSON.stringify([null, '$K1']));
  const encoded = new Request('http://encode.invalid/', { method: 'POST', body: form });
  const body = Buffer.from(await encoded.arrayBuffer());
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.baseURL}/login`,
      {
        method: 'POST',
        localAddress,
        agent: false,
        headers: {
          ...headers,
          'next-action': serverActionId('signInAction'),
          origin: server.baseURL,
          accept: 'text/x-component',
          'content-type': encoded.headers.get('content-type')!,
          'content-length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          const message = /Wrong e-mail or password\.|Too many failed attempts[^"]*|Refused[^"]*|This form[^"]*/.exec(text)?.[0] ?? '';
          resolve({ status: res.statusCode ?? 0, signedIn: /loopscope_session=[A-Za-z0-9_-]{43}/.test(String(res.headers['set-cookie'] ?? '')), message });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
