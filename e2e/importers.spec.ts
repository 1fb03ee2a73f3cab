import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { loginFixPullRequests } from '../lib/importers/testing/github-prs';
import { makeZip } from '../lib/testing/zip';
import { cli, uniqueTag, type UploadFile } from './helpers';
import { E2E_SERVERS, REPO_ROOT } from './servers';

// Importers through the upload page and their HTTP receivers, on real-format fixtures.
const server = E2E_SERVERS.demo;
const FIXTURES = path.join(REPO_ROOT, 'lib', 'importers', 'fixtures');
const SECRET = 'e2e-webhook-secret-0123456789abcdef';

let team = '';
let token = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  team = uniqueTag('imp').toLowerCase();
  expect(cli(server, 'team', 'create', team)).toBe(team);
  expect(cli(server, 'team', 'set', team, '--repo-map', '/home/dev/src/api=acme/api', '--github-secret', SECRET)).toBe(team);
  token = cli(server, 'token', 'create', '--team', team, '--scope', 'ingest');
});

function projectsZip(): Buffer {
  const root = path.join(FIXTURES, 'claude-code');
  const entries: { name: string; data: Buffer }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else entries.push({ name: path.relative(root, p).split(path.sep).join('/'), data: fs.readFileSync(p) });
    }
  };
  walk(root);
  return makeZip(entries);
}

const fixture = (name: string, rel: string, mimeType = 'application/octet-stream'): UploadFile => ({
  name,
  mimeType,
  buffer: fs.readFileSync(path.join(FIXTURES, rel)),
});

async function upload(page: Page, file: UploadFile, format = 'auto'): Promise<void> {
  await page.goto('/upload');
  await page.getByLabel('Team').selectOption(team);
  await page.locator('#format').selectOption(format);
  await page.getByTestId('file-input').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(page.getByTestId('upload-result').or(page.getByTestId('upload-error'))).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('upload-error')).toHaveCount(0);
}

test('a zip of Claude Code projects imports every session once, through the upload page', async ({ page }) => {
  const file = { name: 'claude-projects.zip', mimeType: 'application/zip', buffer: projectsZip() };
  await upload(page, file);
  await expect(page.getByTestId('accepted-count')).toHaveText('21');
  await upload(page, file, 'claude-code');
  await expect(page.getByTestId('accepted-count')).toHaveText('0');
  await expect(page.getByTestId('duplicate-count')).toHaveText('21');
});

test('an imported Claude Code session shows, on its drill-down, the PR it produced and that PR’s fate', async ({ page }) => {
  // The session 3f6b1c2e-… (imported from the zip above) worked on acme/api, branch
  // fix-login-redirect; GitHub then reports the PR from that branch, its merge and its revert.
  const deliveries = loginFixPullRequests().map((d) => JSON.stringify(d)).join('\n') + '\n';
  await upload(page, { name: 'pull-requests.jsonl', mimeType: 'application/octet-stream', buffer: Buffer.from(deliveries) }, 'github');
  await page.goto(`/runs/3f6b1c2e-8d4a-4b7e-9c1f-2a5d6e7f8a90?team=${team}&range=quarter`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('3f6b1c2e');
  const changes = page.getByTestId('run-changes');
  await expect(changes).toContainText('acme/api#42');
  await expect(changes).toContainText('Fix the login redirect loop');
  await expect(changes).toContainText(/merged .*reverted .* by acme\/api#57/);
  await expect(page.getByTestId('flag-status')).toContainText('Not flagged');
});

test('a malformed transcript is refused whole, naming the line', async ({ page }) => {
  await upload(page, fixture('session.jsonl', 'claude-code-malformed/77777777-8888-4999-aaaa-bbbbbbbbbbbb.jsonl'), 'claude-code');
  await expect(page.getByTestId('upload-result').getByRole('alert')).toContainText('nothing was stored');
  const row = page.getByTestId('problems').locator('tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row.first().locator('td').nth(0)).toHaveText('3');
  await expect(row.first().locator('td').nth(2)).toContainText('not valid JSON');
});

test('Codex rollouts, OTLP traces and GitHub payloads are recognised and imported', async ({ page }) => {
  await upload(page, fixture('rollout-2026-11-03T10-00-00-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9.jsonl', 'codex/sessions/2026/11/03/rollout-2026-11-03T10-00-00-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9.jsonl'));
  await expect(page.getByTestId('accepted-count')).toHaveText('6');
  await upload(page, fixture('agent-trace.json', 'otlp/agent-trace.json', 'application/json'));
  await expect(page.getByTestId('accepted-count')).toHaveText('6');
  await upload(page, fixture('deliveries.json', 'github/deliveries.json', 'application/json'));
  await expect(page.getByTestId('accepted-count')).toHaveText('4');
});

test('POST /v1/traces takes OTLP/HTTP JSON and protobuf with an ingest token, and refuses an undecodable body', async ({ request }) => {
  const trace = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'otlp', 'collector-export.jsonl'), 'utf8').split('\n')[0]);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const res = await request.post('/v1/traces', { headers, data: trace });
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({});
  // One empty ResourceSpans: a valid export of nothing.
  const pb = await request.post('/v1/traces', { headers: { ...headers, 'content-type': 'application/x-protobuf' }, data: Buffer.from([0x0a, 0x00]) });
  expect(pb.status()).toBe(200);
  expect(pb.headers()['content-type']).toBe('application/x-protobuf');
  const cut = await request.post('/v1/traces', { headers: { ...headers, 'content-type': 'application/x-protobuf' }, data: Buffer.from([0x0a, 0x05, 0x0a]) });
  expect(cut.status()).toBe(400);
  expect((await request.post('/v1/traces', { headers: { 'content-type': 'application/json' }, data: trace })).status()).toBe(401);
});

test('the GitHub webhook checks signatures and processes a redelivery once', async ({ request }) => {
  const payload = JSON.stringify({
    action: 'opened',
    number: 43,
    pull_request: {
      id: 2041000043, number: 43, title: 'Tidy the login form', created_at: '2026-11-02T09:05:00Z',
      head: { ref: 'tidy-login-form' }, base: { ref: 'main' }, additions: 18, deletions: 3, merged: false,
    },
    repository: { full_name: 'acme/api', default_branch: 'main' },
    sender: { login: 'dev' },
  });
  const url = `/api/v1/github/webhook?team=${team}`;
  const headers = { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': uniqueTag('d') };
  expect((await request.post(url, { headers, data: payload })).status()).toBe(401);
  const signed = { ...headers, 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}` };
  const first = await request.post(url, { headers: signed, data: payload });
  expect(first.status()).toBe(200);
  expect(await first.json()).toMatchObject({ accepted: 1, duplicates: 0 });
  const again = await request.post(url, { headers: signed, data: payload });
  expect(await again.json()).toMatchObject({ duplicate: true });
});
