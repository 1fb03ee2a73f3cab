import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectFigure } from './figures';

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

/** The numbers in a card's detail line, in order, matched by `pattern`'s groups. */
async function detailNumbers(page: Page, testId: string, pattern: RegExp): Promise<string[]> {
  const text = await page.getByTestId(testId).innerText();
  const m = pattern.exec(text.replace(/\s+/g, ' '));
  if (!m) throw new Error(`${testId}: '${text}' does not match ${pattern}`);
  return m.slice(1);
}

const int = (s: string) => Number(s.replace(/,/g, ''));

/**
 * Every card of the dashboard, read off the page and held against the API's answer for the
 * same window and filters: values within the rounding shown, counts exactly.
 */
async function expectCardsMatch(page: Page, api: Record<string, any>): Promise<void> {
  const value = (testId: string) => page.getByTestId(`${testId}-value`).innerText();
  expect(int(await value('kpi-merged'))).toBe(api.mergedChanges);
  const [perWeek] = await detailNumbers(page, 'kpi-merged', /([\d.,]+|—) per week/);
  expectFigure(perWeek, api.mergedPerWeek, 'merged per week');
  for (const [testId, rate, key] of [['kpi-survival', api.weekSurvival, 'survived'], ['kpi-defects', api.defectRate, 'failed']] as const) {
    expectFigure(await value(testId), rate.rate, testId);
    if (rate.eligible === 0) {
      // Nothing old enough to judge: said in words, with what is pending.
      await expect(page.getByTestId(testId)).toContainText(rate.pending === 0 ? 'no merged change to judge yet' : `none old enough to judge yet · ${rate.pending} pending`);
      continue;
    }
    const [n, eligible, pending] = await detailNumbers(page, testId, /([\d,]+) of ([\d,]+) eligible · ([\d,]+) pending/);
    expect([int(n), int(eligible), int(pending)], testId).toEqual([rate[key], rate.eligible, rate.pending]);
  }
  const ttf = api.timeToFix;
  // The headline is the Kaplan–Meier median; p50 and p90 are of the fixed ones, labelled so.
  await expect(page.getByTestId('kpi-ttf')).toContainText('Kaplan–Meier median');
  expectFigure(await value('kpi-ttf'), ttf.kmP50Hours, 'time to fix');
  if (ttf.opened === 0) {
    await expect(page.getByTestId('kpi-ttf')).toContainText('no defect opened in this window');
  } else {
    const [p50, p90, fixed, open] = await detailNumbers(page, 'kpi-ttf', /fixed ones only: p50 (\S+(?: [hd])?) · p90 (\S+(?: [hd])?) · ([\d,]+) fixed, ([\d,]+) open/);
    expectFigure(p50, ttf.p50Hours, 'p50 hours');
    expectFigure(p90, ttf.p90Hours, 'p90 hours');
    expect([int(fixed), int(open)]).toEqual([ttf.fixed, ttf.open]);
  }
  expectFigure(await value('kpi-cost'), api.costUsd, 'cost');
  const [tokens] = await detailNumbers(page, 'kpi-cost', /([\d,]+) tokens/);
  expect(int(tokens)).toBe(api.tokens.total);
  expectFigure(await value('kpi-cost-merged'), api.costPerMergedChange, 'cost per merged change');
  expectFigure(await value('kpi-cost-surviving'), api.costPerSurvivingChange, 'cost per surviving change');
  expectFigure(await value('kpi-convergence'), api.runs.convergenceRate, 'convergence');
  if (api.runs.ended === 0) {
    await expect(page.getByTestId('kpi-convergence')).toContainText('no run ended in this window');
  } else {
    const [converged, ended] = await detailNumbers(page, 'kpi-convergence', /([\d,]+) of ([\d,]+) ended runs?/);
    expect([int(converged), int(ended)]).toEqual([api.runs.converged, api.runs.ended]);
  }
}

test('the team dashboard shows the same figures as /api/v1/kpis for the same window', async ({ page }, testInfo) => {
  await page.goto(`/teams/platform?range=12w&asOf=${AS_OF}`);
  const to = Date.parse(AS_OF);
  const from = to - 84 * DAY;
  const current = await kpisFromApi(page, `team=platform&from=${iso(from)}&to=${AS_OF}&asOf=${AS_OF}`);
  const previous = await kpisFromApi(page, `team=platform&from=${iso(from - 84 * DAY)}&to=${iso(from)}&asOf=${AS_OF}`);
  expect(current.mergedChanges).toBeGreaterThan(0);
  await expectCardsMatch(page, current);
  // The change against the previous period, from the API's two answers.
  const mergedDelta = page.locator('[data-testid="kpi-merged"] .kpi-delta');
  if (previous.mergedChanges === 0) {
    await expect(mergedDelta).toHaveCount(0); // no ratio against nothing
  } else {
    const change = (current.mergedChanges - previous.mergedChanges) / previous.mergedChanges;
    await expect(mergedDelta).toContainText(Math.abs(change) < 0.005 ? 'no change' : `${change > 0 ? '+' : ''}${Math.round(change * 100)}%`);
  }
  await screenshot(page, testInfo, 'team-dashboard');
});

test('changing a filter changes the URL, the runs and the figures', async ({ page }, testInfo) => {
  await page.goto(`/teams/mobile?asOf=${AS_OF}`);
  const allCost = await page.getByTestId('kpi-cost-value').innerText();
  const agent = (await page.locator('#view-agent option').nth(1).getAttribute('value'))!;
  await page.selectOption('#view-agent', agent);
  await page.getByTestId('view-filters').getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`agent=${encodeURIComponent(agent)}`));
  await expect(page).toHaveURL(/asOf=/);
  const agents = await page.locator('[data-testid="runs-table"] tbody tr td:nth-child(2)').allInnerTexts();
  expect(agents.length).toBeGreaterThan(0);
  for (const cell of agents) expect(cell).toContain(agent);
  await expect(page.getByTestId('kpi-cost-value')).not.toHaveText(allCost);
  // The filtered cards are the API's figures for the same filter.
  const to = Date.parse(AS_OF);
  const filtered = await kpisFromApi(page, `team=mobile&from=${iso(to - 28 * DAY)}&to=${AS_OF}&asOf=${AS_OF}&agent=${encodeURIComponent(agent)}`);
  await expectCardsMatch(page, filtered);
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

test('the overview lists the worst verdict first and sorts on demand', async ({ page }, testInfo) => {
  await page.goto(`/?asOf=${AS_OF}`);
  const order = ['burning', 'costly', 'ships', 'too-little-data'];
  const verdicts = await page.locator('[data-testid="team-table"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-verdict')!));
  expect(verdicts.map((v) => order.indexOf(v))).toEqual([...verdicts.map((v) => order.indexOf(v))].sort((a, b) => a - b));
  await page.getByRole('link', { name: /^Runs flagged/ }).click();
  await expect(page).toHaveURL(/sort=runsFlagged/);
  const flagged = (await page.getByTestId('runs-flagged').allInnerTexts()).map((t) => Number(t.trim().split(/\s/)[0].replace(/,/g, '')));
  expect(flagged).toEqual([...flagged].sort((a, b) => b - a));
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
