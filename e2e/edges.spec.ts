import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { readServerDb } from './helpers';
import { E2E_SERVERS, REPO_ROOT } from './servers';

/**
 * Edges an adversarial pass found, each against the running server as the signed-in admin:
 * an open redirect through a normalised `next`, addresses that do not decode, windows far
 * beyond the API's 3,660 days, and server actions called with arguments their forms never send.
 */

const server = E2E_SERVERS.demo;
const TEAM = 'payments';

/** Share links of a view with this range. */
function shareLinksFrom(day: string): Promise<number> {
  return readServerDb(server, async (db) => {
    const row = await db.get<{ n: number }>('SELECT count(*) AS n FROM share_links WHERE view LIKE @pattern', { pattern: `%"from":"${day}"%` });
    return Number(row?.n ?? 0);
  });
}

test('signed in, /login?next= never sends the browser to another origin, even once normalised', async ({ page }) => {
  for (const next of ['/.//evil.test/x', '/..//evil.test/x', '/%2e//evil.test/x', '//evil.test/x']) {
    const res = await page.request.get(`/login?next=${encodeURIComponent(next)}`, { maxRedirects: 0 });
    expect(res.status(), next).toBe(307);
    const location = res.headers().location;
    expect(location.startsWith('/') && !location.startsWith('//') && !location.startsWith('/\\'), `${next} → ${location}`).toBe(true);
    expect(new URL(location, server.baseURL).origin).toBe(server.baseURL);
  }
});

test('an address that does not decode is not found, never a 500', async ({ page }) => {
  for (const p of ['/runs/%E0%A4%A', '/runs/%FF?team=payments', '/teams/%FF', '/teams/%FF/settings', '/teams/%FF/export.csv', '/setup/%FF']) {
    const res = await page.request.get(p, { maxRedirects: 0 });
    expect(res.status(), p).toBe(404);
    expect(await res.text(), p).toContain('There is nothing here');
  }
  for (const p of ['/share/%FF', '/share/%C0%AF', '/share/%FF/export.json']) {
    const res = await page.request.get(p, { maxRedirects: 0 });
    expect(res.status(), p).toBe(404);
    expect(res.headers()['cache-control'], p).toBe('no-store');
    expect(res.headers()['x-robots-tag'], p).toMatch(/noindex/);
    expect(await res.text(), p).toContain('There is no shared report at this address');
  }
  // A run id with a literal % is decoded once: an unknown run, not a crash.
  const percent = await page.request.get(`/runs/${encodeURIComponent('50%-done')}?team=${TEAM}`, { maxRedirects: 0 });
  expect(percent.status()).toBe(404);
});

test.describe('windows longer than the API allows (3,660 days)', () => {
  const LONG = 'from=0000-01-01&to=2026-11-26';

  test('the dashboard says so and shows the last 4 weeks', async ({ page }) => {
    const res = await page.goto(`/teams/${TEAM}?${LONG}`);
    expect(res?.status()).toBe(200);
    // The default range's page (the 2,000-year one was 75 MB, built in thirteen seconds of CPU).
    expect((await res!.body()).length).toBeLessThan(2_000_000);
    await expect(page.getByTestId('range-notice')).toContainText('longer than 3660 days; showing the last 4 weeks');
    await expect(page.getByRole('link', { name: '4 weeks' })).toHaveAttribute('aria-current', 'true');
    for (const p of [`/?${LONG}`, `/flags?${LONG}`]) {
      await page.goto(p);
      await expect(page.getByTestId('range-notice'), p).toContainText('longer than 3660 days');
    }
  });

  test('the exports answer 400 naming the field, as the API does', async ({ page }) => {
    for (const format of ['csv', 'json']) {
      const res = await page.request.get(`/teams/${TEAM}/export.${format}?${LONG}`);
      expect(res.status(), format).toBe(400);
      expect(await res.json()).toEqual({ error: expect.stringContaining('longer than 3660 days'), field: 'from' });
    }
    const bad = await page.request.get(`/teams/${TEAM}/export.json?from=2026-01-01&to=someday`);
    expect(bad.status()).toBe(400);
    expect((await bad.json()).field).toBe('to');
    const api = await page.request.get(`/api/v1/kpis?team=${TEAM}&from=0000-01-01T00:00:00Z&to=2026-11-26T00:00:00Z`);
    expect(api.status()).toBe(400);
    expect((await api.json()).field).toBe('from');
  });

  test('a share link of such a view is refused in the form', async ({ page }) => {
    await page.goto(`/teams/${TEAM}?${LONG}`);
    await page.getByTestId('share-control').locator('summary').click();
    const form = page.getByTestId('share-form');
    await form.getByRole('button', { name: 'Create share link' }).click();
    await expect(form.getByRole('alert')).toHaveText('Cannot share this view: the range 0000-01-01 to 2026-11-26 is longer than 3660 days.');
    await expect(form.getByTestId('secret-value')).toHaveCount(0);
    expect(await shareLinksFrom('0000-01-01')).toBe(0);
  });
});

interface ManifestAction {
  filename: string;
  exportedName: string;
  workers: Record<string, unknown>;
}

test('an upload named with U+0000 is refused with a 400, never a 500', async ({ page }) => {
  const res = await page.request.post(`/api/uploads?team=${TEAM}&format=ndjson&filename=a%00b.ndjson`, {
    headers: { origin: server.baseURL, 'content-type': 'application/x-ndjson' },
    data: '',
  });
  expect(res.status()).toBe(400);
  expect((await res.json()).error).toContain('U+0000');
});

test('server actions called with arguments their forms never send answer the form\'s error, never a 500', async ({ page }) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, '.next', 'server', 'server-reference-manifest.json'), 'utf8'));
  const actions = Object.entries(manifest.node as Record<string, ManifestAction>).filter(([, a]) => a.exportedName !== 'signOutAction');
  expect(actions.length).toBeGreaterThanOrEqual(14);
  const payloads: unknown[][] = [
    [null, null, null, null],
    [{ constructor: 'x' }, { toString: 1 }, null, { get: 'x' }],
    ['../../etc', -1, null, 'not a form'],
    [1e308, '1', { ok: true }, []],
    [TEAM, { __proto__: { polluted: true } }, null, null],
  ];
  const outcomes: string[] = [];
  const failures: string[] = [];
  for (const [id, action] of actions) {
    const worker = Object.keys(action.workers).find((w) => w !== 'app/_not-found/page') ?? 'app/page';
    const pagePath = worker.replace(/^app/, '').replace(/\/page$/, '').replace('[slug]', TEAM).replace('[token]', 'A'.repeat(43)).replace('[id]', 'x') || '/';
    for (const payload of payloads) {
      const res = await page.request.post(pagePath, {
        headers: { 'next-action': id, origin: server.baseURL, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component' },
        data: JSON.stringify(payload),
        maxRedirects: 0,
      });
      const body = await res.text();
      outcomes.push(`${action.exportedName} ${res.status()}`);
      if (res.status() !== 200 || !body.includes('This form was sent with something it does not take')) {
        failures.push(`${action.filename}#${action.exportedName} ${JSON.stringify(payload)}: ${res.status()} ${body.slice(0, 160)}`);
      }
    }
  }
  expect(failures).toEqual([]);
  // The admin's session survived every call (each was refused before it ran).
  await page.goto('/settings');
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  expect(outcomes).toHaveLength(actions.length * payloads.length);
});
