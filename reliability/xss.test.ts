/**
 * 8. XSS: script payloads in every string field of events (ids, run, agent, model, repo,
 * branch, task, tool, from, to, change, title, defect, severity, attrs values), in a team's name
 * and in uploaded file names are shown as text on every page that can show them, in a real
 * Chromium: no dialog fires, no element is injected (no onerror/onload attribute, no javascript:
 * link, no stray <img src=x>/<svg>/<script>), and the payload text itself is visible.
 */
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { chromiumLaunchOptions } from '../lib/testing/chromium';
import { afterAll, expect, it } from 'vitest';
import { fmt, makeFixtures, request, Server, workDir, writeRow } from './harness';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">x</a>',
  '{{constructor.constructor(\'alert(1)\')()}}',
];

let server: Server | null = null;
let browser: Browser | null = null;
afterAll(async () => {
  await browser?.close();
  await server?.kill();
});


it('shows script payloads as text on every page: no dialog, no injected element', async () => {
  const t0 = Date.now();
  const dir = workDir('xss');
  const dbPath = path.join(dir, 'db', 'loopscope.db');
  server = await Server.start({ dbPath, logFile: path.join(dir, 'server.log'), env: { LOOPSCOPE_RATE_LIMIT_PER_MINUTE: '0' } });
  const admin = { email: 'xss-admin@reliability.test', password: 'xss-admin-password-13' };
  const fx = makeFixtures(dbPath, {
    teams: [{ slug: 'xss', name: `Team ${PAYLOADS[1]}`, tokens: [['ingest', 'read']] }],
    users: [{ ...admin, role: 'admin', teams: ['xss'], sessions: 1 }],
  });
  const base = server.base;
  // Every string field of every event type carries a payload (cycled).
  let k = 0;
  const p = () => PAYLOADS[k++ % PAYLOADS.length];
  const run = `run ${PAYLOADS[0]}`;
  const change = `acme/api#1 ${PAYLOADS[1]}`;
  const ts = (m: number) => new Date(Date.now() - 3 * 86_400_000 + m * 60_000).toISOString();
  const events = [
    { id: `e0 ${p()}`, type: 'run.started', ts: ts(0), run, agent: `agent ${p()}`, model: `model ${p()}`, repo: `acme/${p()}`, branch: `branch ${p()}`, task: `task ${p()}`, attrs: { note: p(), [PAYLOADS[0]]: p() } },
    { id: `e1 ${p()}`, type: 'iteration', ts: ts(1), run, n: 1 },
    { id: `e2 ${p()}`, type: 'llm.call', ts: ts(2), run, model: `model ${PAYLOADS[2]}`, input_tokens: 100, output_tokens: 10 },
    { id: `e3 ${p()}`, type: 'tool.call', ts: ts(3), run, tool: `tool ${p()}`, ok: false },
    { id: `e4 ${p()}`, type: 'message', ts: ts(4), run, from: `from ${p()}`, to: `to ${p()}` },
    { id: `e5 ${p()}`, type: 'test.result', ts: ts(5), run, passed: 1, failed: 1 },
    { id: `e6 ${p()}`, type: 'change.opened', ts: ts(6), change, run, repo: `acme/${PAYLOADS[3]}`, branch: `branch ${p()}`, title: `title ${PAYLOADS[0]}` },
    { id: `e7 ${p()}`, type: 'change.merged', ts: ts(7), change, run },
    { id: `e8 ${p()}`, type: 'defect.opened', ts: ts(8), defect: `defect ${PAYLOADS[1]}`, changes: [change], severity: `sev ${PAYLOADS[0]}` },
    { id: `e9 ${p()}`, type: 'change.reverted', ts: ts(9), change, by: `by ${p()}` },
    { id: `e10 ${p()}`, type: 'run.ended', ts: ts(10), run, status: 'failed' },
  ];
  const seeded = await request(`${base}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fx.tokens.xss[0]}`, 'content-type': 'application/x-ndjson' },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  expect(seeded.status, seeded.body).toBe(200);

  browser = await chromium.launch(chromiumLaunchOptions());
  const context = await browser.newContext({ baseURL: base });
  await context.addCookies([{ name: 'loopscope_session', value: fx.sessions[admin.email][0], url: base }]);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${page.url()}: ${d.message()}`);
    void d.dismiss();
  });
  const injectedOn: Record<string, string[]> = {};
  const visibleOn: Record<string, boolean> = {};
  const check = async (label: string) => {
    await page.waitForLoadState('networkidle');
    injectedOn[label] = await page.evaluate(() => {
      const found: string[] = [];
      for (const el of Array.from(document.querySelectorAll('*'))) {
        for (const attr of Array.from(el.attributes)) {
          if (/^on/i.test(attr.name)) found.push(`${el.tagName} ${attr.name}`);
          if (['href', 'src', 'action', 'formaction'].includes(attr.name) && /^\s*javascript:/i.test(attr.value)) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
        }
      }
      for (const img of Array.from(document.querySelectorAll('img[src="x"], svg[onload]'))) found.push(img.outerHTML.slice(0, 80));
      for (const s of Array.from(document.querySelectorAll('script'))) if (/^\s*alert\(1\)/.test(s.textContent ?? '')) found.push('script alert(1)');
      return found;
    });
    const text = await page.evaluate(() => document.body.innerText);
    visibleOn[label] = PAYLOADS.slice(0, 3).some((pl) => text.includes(pl));
  };

  const pages: [string, string][] = [
    ['overview', '/'],
    ['team dashboard + runs table', '/teams/xss?range=quarter'],
    ['run drill-down', `/runs/${encodeURIComponent(run)}?team=xss`],
    ['flags', '/flags'],
    ['settings', '/settings'],
    ['team settings', '/teams/xss/settings'],
  ];
  for (const [label, url] of pages) {
    await page.goto(url);
    await check(label);
  }
  // A run's drill-down reached by clicking its link in the runs table (the real URL).
  await page.goto('/teams/xss?range=quarter');
  const runLink = page.locator('[data-testid="runs-table"] a[href*="/runs/"]', { hasText: run }).first();
  expect(await runLink.count(), 'the runs table links the run').toBe(1);
  await runLink.click();
  await page.waitForURL(/\/runs\//);
  expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/runs/${run}`);
  await check('run drill-down (from the table)');
  // Share link made from the dashboard, then its page.
  await page.goto('/teams/xss?range=quarter');
  await page.getByTestId('share-control').locator('summary').click();
  const form = page.getByTestId('share-form');
  await form.getByRole('button', { name: 'Create share link' }).click();
  const secret = form.getByTestId('secret-value');
  await secret.waitFor();
  const shareUrl = await secret.inputValue();
  await page.goto(new URL(shareUrl).pathname);
  await check('share link page');
  // Upload page: a file whose name and events carry payloads; one bad event for the problems table.
  await page.goto('/upload');
  await page.getByLabel('Team').selectOption('xss');
  const bad = JSON.stringify({ id: `bad ${PAYLOADS[0]}`, type: `type ${PAYLOADS[1]}`, ts: 'never', run: PAYLOADS[2] });
  await page.getByTestId('file-input').setInputFiles({
    name: `${PAYLOADS[1]}.ndjson`,
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(`${JSON.stringify({ ...events[0], id: `u ${PAYLOADS[2]}` })}\n${bad}\n`),
  });
  await page.getByLabel(/store the valid/i).check();
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.getByTestId('upload-result').waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('upload-error').count(), 'the upload is answered, not refused').toBe(0);
  expect(await page.getByTestId('accepted-count').innerText()).toBe('1');
  expect(await page.getByTestId('problems').locator('tbody tr').count(), 'the rejected event is listed').toBeGreaterThan(0);
  await check('upload result + problems');
  await page.goto('/');
  await check('overview after upload');

  const injected = Object.entries(injectedOn).filter(([, v]) => v.length > 0);
  const mustShow = ['team dashboard + runs table', 'run drill-down', 'run drill-down (from the table)', 'share link page', 'upload result + problems'];
  expect(mustShow.filter((l) => !(l in visibleOn)), 'every page was checked').toEqual([]);
  const notVisible = mustShow.filter((l) => !visibleOn[l]);
  writeRow('08-xss', {
    order: 8,
    test: 'XSS in event fields and file names',
    load: `${events.length} events with payloads in all ${15} string fields + attrs, a team name, an uploaded file name and a rejected event`,
    faults: `${PAYLOADS.length} payloads (<script>, onerror, onload, javascript: URLs, template injection)`,
    inputs: `${Object.keys(injectedOn).length} pages in Chromium: ${Object.keys(injectedOn).join(', ')}`,
    result: `${dialogs.length} dialogs, ${injected.length} pages with an injected element; payload shown as text on ${Object.values(visibleOn).filter(Boolean).length} of ${Object.keys(visibleOn).length} pages`,
    lost: `0 (${dialogs.length} scripts run)`,
    passed: dialogs.length === 0 && injected.length === 0 && notVisible.length === 0,
    seconds: Math.round((Date.now() - t0) / 1000),
  });
  expect(dialogs).toEqual([]);
  expect(injected).toEqual([]);
  expect(notVisible).toEqual([]);
  void fmt;
});
