import path from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { kpiCardModels } from '../lib/kpi/cards';
import { REPO_ROOT } from './servers';

const DAY = 86_400_000;
/** Pinned to the minute so the page and the API compute the very same window. */
const AS_OF = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
const iso = (ms: number) => new Date(ms).toISOString();

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

async function kpisFromApi(page: Page, query: string) {
  const res = await page.request.get(`/api/v1/kpis?${query}`);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

test('the team dashboard shows the same figures as /api/v1/kpis for the same window', async ({ page }, testInfo) => {
  await page.goto(`/teams/platform?range=12w&asOf=${AS_OF}`);
  const to = Date.parse(AS_OF);
  const from = to - 84 * DAY;
  const current = await kpisFromApi(page, `team=platform&from=${iso(from)}&to=${AS_OF}&asOf=${AS_OF}`);
  const previous = await kpisFromApi(page, `team=platform&from=${iso(from - 84 * DAY)}&to=${iso(from)}&asOf=${AS_OF}`);
  expect(current.mergedChanges).toBeGreaterThan(0);
  for (const card of kpiCardModels(current, previous)) {
    await expect(page.getByTestId(`${card.testId}-value`)).toHaveText(card.value);
    await expect(page.getByTestId(card.testId)).toContainText(card.detail);
  }
  // The README's picture of the product, kept current by this test.
  await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'screenshots', 'team-dashboard.png') });
  await screenshot(page, testInfo, 'team-dashboard');
});

test('changing a filter changes the URL, the runs and the figures', async ({ page }, testInfo) => {
  await page.goto(`/teams/mobile?asOf=${AS_OF}`);
  const allCost = await page.getByTestId('kpi-cost-value').innerText();
  const agent = (await page.locator('#filter-agent option').nth(1).getAttribute('value'))!;
  await page.selectOption('#filter-agent', agent);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`agent=${encodeURIComponent(agent)}`));
  await expect(page).toHaveURL(/asOf=/);
  const agents = await page.locator('[data-testid="runs-table"] tbody tr td:nth-child(2)').allInnerTexts();
  expect(agents.length).toBeGreaterThan(0);
  for (const cell of agents) expect(cell).toContain(agent);
  await expect(page.getByTestId('kpi-cost-value')).not.toHaveText(allCost);
  // The filtered cards are the API's figures for the same filter.
  const to = Date.parse(AS_OF);
  const filtered = await kpisFromApi(page, `team=mobile&from=${iso(to - 28 * DAY)}&to=${AS_OF}&asOf=${AS_OF}&agent=${encodeURIComponent(agent)}`);
  const [merged] = kpiCardModels(filtered, null);
  await expect(page.getByTestId('kpi-merged-value')).toHaveText(merged.value);
  await screenshot(page, testInfo, 'team-dashboard-filtered');
});

test('a flagged run opens its drill-down with the evidence', async ({ page }, testInfo) => {
  await page.goto(`/teams/platform?asOf=${AS_OF}`);
  const link = page.locator('[data-testid="flag-list"] li[data-flag-kind="burn_without_outcome"] a').first();
  const run = (await link.innerText()).trim();
  await link.click();
  await expect(page).toHaveURL(/\/runs\//);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(run);
  await expect(page.getByTestId('flag-status')).toContainText('Flagged');
  const rule = page.locator('[data-testid="flag-rules"] li[data-flag-kind="burn_without_outcome"]');
  await expect(rule).toHaveAttribute('data-tripped', 'yes');
  await expect(rule).toContainText(/Burned [\d,]+ tokens/);
  await screenshot(page, testInfo, 'run-drill-down');
});

test('the flags page lists every open flag and filters by kind', async ({ page }, testInfo) => {
  await page.goto(`/flags?asOf=${AS_OF}`);
  const rows = page.locator('[data-testid="flags-table"] tbody tr');
  await expect(rows.first()).toBeVisible();
  const kinds = new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-flag-kind'))));
  expect(kinds.size).toBeGreaterThan(1);
  await page.getByRole('link', { name: 'Stalled' }).click();
  await expect(page).toHaveURL(/kind=stalled/);
  const filtered = new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-flag-kind'))));
  expect([...filtered]).toEqual(['stalled']);
  await screenshot(page, testInfo, 'flags');
});

test('the overview ranks teams by their headline figures and sorts on demand', async ({ page }, testInfo) => {
  await page.goto(`/?asOf=${AS_OF}`);
  const flags = await page.locator('[data-testid="open-flags"]').allInnerTexts();
  const counts = flags.map((t) => Number(t.replace(/,/g, '')));
  expect(counts).toEqual([...counts].sort((a, b) => b - a));
  await page.getByRole('link', { name: /^Team/ }).click();
  await expect(page).toHaveURL(/sort=name/);
  await screenshot(page, testInfo, 'overview');
});

test('the team dashboard fits a phone screen', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/teams/payments?asOf=${AS_OF}`);
  await expect(page.getByTestId('kpi-merged-value')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, testInfo, 'team-dashboard-phone');
});
