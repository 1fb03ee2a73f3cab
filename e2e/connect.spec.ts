import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { cli, uniqueTag } from './helpers';
import { E2E_SERVERS, REPO_ROOT } from './servers';

// The Connect agents page: a team admin makes an ingest token, copies Claude Code's settings,
// and the hook command in them, run by sh with curl, shows up as received on the same page.
const server = E2E_SERVERS.demo;
const SESSION = 'c0ffee00-1111-4222-8333-444455556666';
const TRANSCRIPT = path.join(REPO_ROOT, 'lib', 'importers', 'fixtures', 'claude-code', 'projects', '-home-dev-src-api', `${SESSION}.jsonl`);

let team = '';
test.beforeAll(() => {
  team = uniqueTag('conn').toLowerCase();
  expect(cli(server, 'team', 'create', team)).toBe(team);
});

function runHook(command: string, input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
    child.stdin.end(input);
  });
}

test('an admin makes a token, pastes the Claude Code hook, and sees it arrive', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`/teams/${team}/settings`);
  await page.getByRole('link', { name: 'Connect agents' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${team}: connect agents`);
  const activity = page.getByTestId('agent-activity');
  await expect(activity.locator('tr[data-source="Claude Code hooks"]')).toContainText('Nothing received yet');
  await expect(page.getByTestId('snippet-claude-code')).toContainText('<ingest token>');
  await expect(page.getByTestId('snippet-claude-code')).toContainText(`"OTEL_EXPORTER_OTLP_ENDPOINT": "${server.baseURL}"`);
  await expect(page.getByTestId('snippet-github')).toHaveText(new RegExp(`${server.baseURL}/api/v1/github/webhook\\?team=${team}`));
  await expect(page.getByTestId('webhook-secret-state')).toContainText('no webhook secret yet');

  await page.getByTestId('make-token').getByRole('button', { name: 'Make an ingest token' }).click();
  await expect(page.getByTestId('make-token')).toContainText('made (ingest only)');
  await expect(page.getByTestId('snippet-claude-code')).not.toContainText('<ingest token>');
  await page.getByRole('button', { name: 'Copy managed-settings.json' }).click();
  await expect(page.getByRole('button', { name: 'Copy managed-settings.json' })).toHaveText('Copied');
  const settings = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  expect(settings.env.OTEL_EXPORTER_OTLP_HEADERS).toMatch(/^Authorization=Bearer lsk_/);

  // What Claude Code would run at a session's end.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-e2e-hook-'));
  const transcript = path.join(dir, `${SESSION}.jsonl`);
  fs.copyFileSync(TRANSCRIPT, transcript);
  const input = JSON.stringify({ session_id: SESSION, transcript_path: transcript, cwd: '/home/dev/src/api', hook_event_name: 'SessionEnd', reason: 'logout' });
  expect(await runHook(settings.hooks.SessionEnd[0].hooks[0].command, input)).toBe(0);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('agent-activity').locator('tr[data-source="Claude Code hooks"]')).toContainText(/1 request, \d+ new events/, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  await page.goto(`/runs/${SESSION}?team=${team}&range=quarter`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(SESSION.slice(0, 8));
});

test('the webhook secret is made once and shown once', async ({ page }) => {
  await page.goto(`/teams/${team}/settings/connect`);
  const form = page.getByTestId('webhook-secret');
  await form.getByRole('button', { name: /webhook secret/ }).click();
  await expect(form.getByTestId('secret-value')).toHaveValue(/^[0-9a-f]{48}$/);
  await page.reload();
  await expect(page.getByTestId('webhook-secret-state')).toContainText('The team has a webhook secret');
  await expect(page.getByTestId('secret-value')).toHaveCount(0);
});

test('reads at 390 px without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/teams/${team}/settings/connect`);
  await expect(page.getByTestId('snippet-codex')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
