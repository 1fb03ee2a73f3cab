import { expect, test, type Locator } from '@playwright/test';
import { createShareLinkThroughPage, signInThroughPage } from './helpers';
import { E2E_ADMIN, E2E_SERVERS } from './servers';

const server = E2E_SERVERS.demo;
const EMPTY = { cookies: [], origins: [] };

test('a manager shares a dashboard view; a visitor without an account sees it until it is revoked', async ({ browser }) => {
  // Sign in.
  const managerContext = await browser.newContext({ storageState: EMPTY });
  const manager = await managerContext.newPage();
  await signInThroughPage(manager, server.baseURL, E2E_ADMIN, '/teams/payments?range=12w');
  await expect(manager.getByRole('heading', { level: 1 })).toBeVisible();
  const merged = await manager.getByTestId('kpi-merged-value').innerText();
  const cost = await manager.getByTestId('kpi-cost-value').innerText();

  // Share this view (a snapshot, the default).
  const url = await createShareLinkThroughPage(manager);
  expect(url.startsWith(`${server.baseURL}/share/`)).toBe(true);

  // A fresh browser without a session opens it.
  const visitorContext = await browser.newContext({ storageState: EMPTY });
  const visitor = await visitorContext.newPage();
  const shown = await visitor.goto(url);
  expect(shown?.status()).toBe(200);
  const headers = shown!.headers();
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['cache-control']).toBe('no-store');
  expect(headers['x-robots-tag']).toMatch(/noindex/);
  await expect(visitor.locator('meta[name="robots"]')).toHaveAttribute('content', /noindex/);
  await expect(visitor.getByText('Shared report')).toBeVisible();
  await expect(visitor.getByTestId('share-title')).toHaveText('Payments');
  await expect(visitor.getByTestId('share-window')).toContainText('12 weeks');
  await expect(visitor.getByTestId('share-as-of')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  await expect(visitor.getByTestId('kpi-merged-value')).toHaveText(merged);
  await expect(visitor.getByTestId('kpi-cost-value')).toHaveText(cost);
  await expect(visitor.getByTestId('weekly-table').locator('tbody tr')).not.toHaveCount(0);
  // The weekly charts, drawn as static SVG (the page runs no script).
  for (const chart of ['weekly-chart', 'rates-chart']) {
    await expect(visitor.getByTestId(chart).locator('svg.chart-wide')).toBeVisible();
    await expect(visitor.getByTestId(chart).locator('svg.chart-wide polyline').first()).toBeAttached();
  }
  await expect(visitor.getByTestId('weekly-chart').locator('svg.chart-wide rect.bar:has(> title)')).toHaveCount(await visitor.getByTestId('weekly-table').locator('tbody tr').count());
  // At most 25 flags listed; the downloads carry the rest.
  const flagCount = Number(/\((\d+)\)/.exec(await visitor.getByRole('heading', { name: /^Busy but not converging/ }).innerText())![1]);
  await expect(visitor.getByTestId('flag-list').locator('li')).toHaveCount(Math.min(flagCount, 25));
  if (flagCount > 25) await expect(visitor.getByTestId('more-flags')).toHaveText(`The other ${flagCount - 25} flags are in the CSV and JSON downloads below.`);
  // In the dashboard's order: the team's own flag, then the most recent runs first.
  const flagged = (list: Locator) => list.locator('li').evaluateAll((lis) => lis.map((li) => li.querySelector('code')?.textContent ?? 'whole team'));
  const recent = await flagged(manager.getByTestId('flag-list'));
  expect((await flagged(visitor.getByTestId('flag-list'))).slice(0, recent.length)).toEqual(recent);
  // 12 weeks back from the demo's 10 weeks of data: the period before holds nothing, and the page says why no change is shown.
  await expect(visitor.getByTestId('previous-note')).toContainText('holds no activity to compare with');
  await expect(visitor.locator('.delta')).toHaveCount(0);
  // No navigation, no sign-in, no other team: the only links are this report's downloads.
  const hrefs = await visitor.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  expect(hrefs).toEqual([`${url}/export.csv`, `${url}/export.json`]);
  await expect(visitor.locator('script')).toHaveCount(0);
  for (const otherTeam of ['Platform', 'Mobile', 'Search', 'Growth']) await expect(visitor.getByText(otherTeam, { exact: true })).toHaveCount(0);
  const csv = await visitorContext.request.get(`${url}/export.csv`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="loopscope-payments-/);

  // The manager sees the link listed (who, when, expiry), and revokes it.
  const rows = manager.getByTestId('share-links').locator('tbody tr');
  const row = rows.first();
  await expect(row).toContainText(E2E_ADMIN.email);
  await expect(row).toContainText('snapshot');
  await expect(row).toContainText('12 weeks');
  const id = await row.getAttribute('data-share-link');
  // Revoking asks first; nothing happens until the answer.
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoke this link?');
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row.getByRole('button', { name: 'Revoke' })).toBeVisible();
  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  // Revoked links leave the list of active ones.
  await expect(manager.locator(`[data-share-link="${id}"]`)).toHaveCount(0);

  // Gone at once: 410 with a plain page, for the page and its exports.
  const gone = await visitor.goto(url);
  expect(gone?.status()).toBe(410);
  await expect(visitor.getByRole('heading', { name: 'This link is no longer valid' })).toBeVisible();
  await expect(visitor.getByText('Payments')).toHaveCount(0);
  expect((await visitorContext.request.get(`${url}/export.csv`)).status()).toBe(410);
  expect((await visitorContext.request.get(`${url}/export.json`)).status()).toBe(410);
  // An unknown token: 404.
  expect((await visitorContext.request.get(`${server.baseURL}/share/${'A'.repeat(43)}`)).status()).toBe(404);

  await managerContext.close();
  await visitorContext.close();
});

test('a live link follows new data while a snapshot keeps its figures', async ({ page, request }) => {
  // Both made from the same view; the figures match now (nothing newer arrives in this demo
  // team during the test), and the live one says so.
  await page.goto('/teams/search');
  const snapshot = await createShareLinkThroughPage(page, 'snapshot');
  await page.reload();
  const live = await createShareLinkThroughPage(page, 'live');
  const snap = await (await request.get(`${snapshot}/export.json`)).json();
  const now = await (await request.get(`${live}/export.json`)).json();
  expect(snap.mode).toBe('snapshot');
  expect(now.mode).toBe('live');
  expect(now.kpis.mergedChanges).toBe(snap.kpis.mergedChanges);
  expect(Date.parse(now.window.asOf)).toBeGreaterThanOrEqual(Date.parse(snap.window.asOf));
  const livePage = await request.get(live);
  const html = await livePage.text();
  expect(html).toContain('live figures, computed when you open this page');
  // 4 weeks: the 4 before hold data, so the changes are shown and nothing needs explaining.
  expect(html).toContain('vs previous period');
  expect(html).not.toContain('data-testid="previous-note"');
});
