import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { expectFigure } from './figures';

/**
 * The Agents & models section and the What if panel in Chromium, read off the page and held
 * against GET /api/v1/compare and /api/v1/whatif for the same window (figures within the rounding
 * shown, counts exactly).
 */

const DAY = 86_400_000;
/** Pinned to the minute so the page and the API compute the very same window. */
const AS_OF = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
const FROM = new Date(Date.parse(AS_OF) - 84 * DAY).toISOString();
const WINDOW = `team=platform&from=${FROM}&to=${AS_OF}&asOf=${AS_OF}`;
const PAGE = `/teams/platform?range=12w&asOf=${AS_OF}`;

async function api(page: Page, path: string) {
  const res = await page.request.get(path);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.locator(`[data-testid="${name}"]`).screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Every row of the section against the API's groups: ranked ones with their figures, the others "too few runs to tell". */
async function expectGroupsMatch(page: Page, groups: Record<string, any>[]): Promise<void> {
  const rows = page.locator('[data-testid="econ-table"] tbody tr');
  await expect(rows).toHaveCount(groups.length);
  for (const g of groups) {
    const row = page.locator(`[data-testid="econ-table"] tbody tr[data-key="${g.key}"]`);
    expect(Number((await row.locator('[data-figure="runs"]').innerText()).replace(/,/g, ''))).toBe(g.runs);
    if (g.runs < 10) {
      await expect(row).toHaveAttribute('data-ranked', 'no');
      await expect(row).toContainText('too few runs to tell');
      continue;
    }
    const convergence = (await row.locator('[data-figure="convergence"]').innerText()).split(' ')[0];
    expectFigure(convergence, g.convergenceRate, `${g.key} convergence`);
    const interval = /\(([\d.]+%)–([\d.]+%)\)/.exec(await row.locator('[data-figure="convergence"]').innerText())!;
    expectFigure(interval[1], g.convergenceCi95[0], `${g.key} interval low`);
    expectFigure(interval[2], g.convergenceCi95[1], `${g.key} interval high`);
    expectFigure((await row.locator('[data-figure="survival"]').innerText()).split(' ')[0], g.weekSurvival.rate, `${g.key} survival`);
    expectFigure(await row.locator('[data-figure="cost-per-surviving"]').innerText(), g.costPerSurvivingChange, `${g.key} cost per surviving change`);
    expectFigure(await row.locator('[data-figure="median-tokens"]').innerText(), g.medianTokensPerConvergedRun, `${g.key} median tokens`);
  }
}

test('Agents & models shows what /api/v1/compare answers, by agent and by model', async ({ page }, testInfo) => {
  await page.goto(PAGE);
  const byAgent = await api(page, `/api/v1/compare?by=agent&${WINDOW}`);
  expect(byAgent.groups.length).toBeGreaterThan(0);
  await expectGroupsMatch(page, byAgent.groups);
  // Ranked groups are drawn with their interval as an error bar.
  if (byAgent.groups.some((g: { runs: number }) => g.runs >= 10)) await expect(page.getByTestId('convergence-chart').locator('.recharts-errorBar').first()).toBeAttached();
  await screenshot(page, testInfo, 'agents-models');

  await page.getByTestId('econ-by-model').click();
  await expect(page).toHaveURL(/econBy=model/);
  await expectGroupsMatch(page, (await api(page, `/api/v1/compare?by=model&${WINDOW}`)).groups);

  // A group links to the runs table narrowed to it.
  const ranked = page.locator('[data-testid="econ-table"] tbody tr[data-ranked="yes"]').first();
  if ((await ranked.count()) > 0) {
    const key = (await ranked.getAttribute('data-key'))!;
    await ranked.getByRole('link', { name: 'its runs →' }).click();
    await expect(page).toHaveURL(new RegExp(`model=${encodeURIComponent(key).replace(/\./g, '\\.')}`));
  }
});

/** The panel's table against the API's answer for the same scenario. */
async function expectWhatIfMatch(page: Page, answer: Record<string, any>): Promise<void> {
  for (const key of ['costUsd', 'costPerMergedChange', 'costPerSurvivingChange']) {
    const row = page.locator(`[data-testid="whatif-table"] tr[data-figure="${key}"]`);
    expectFigure(await row.locator('[data-column="baseline"]').innerText(), answer.baseline[key], `today's ${key}`);
    expectFigure(await row.locator('[data-column="whatif"]').innerText(), answer.whatIf[key], `what-if ${key}`);
  }
  const saving = page.locator('[data-testid="whatif-table"] tr[data-figure="costUsd"] [data-column="saving"]');
  expectFigure(await saving.innerText(), answer.savingUsd, 'saving');
}

test('What if shows what /api/v1/whatif answers, for a node preset and for a model picked in the form', async ({ page }, testInfo) => {
  await page.goto(`${PAGE}#what-if`);
  // Without a choice: the first node preset, with its break-even.
  const node = await page.locator('[data-preset]').first().getAttribute('href');
  const nodeQuery = new URLSearchParams(node!.split('?')[1].split('#')[0]);
  const nodeParams = [...nodeQuery].filter(([k]) => k.startsWith('whatif.')).map(([k, v]) => `${k.slice(7)}=${v}`).join('&');
  await expectWhatIfMatch(page, await api(page, `/api/v1/whatif?${nodeParams}&${WINDOW}`));
  await expect(page.getByTestId('break-even')).toContainText('breaks even');
  await screenshot(page, testInfo, 'what-if');

  // The model offered first is one the team's runs used (the view's model filter lists them), not the table's first.
  const modelSelect = page.getByTestId('what-if').getByLabel('Model to re-price at');
  const values = (options: Locator) => options.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  const teamModels = await values(page.locator('#view-model option'));
  const priced = await values(modelSelect.locator('option'));
  expect(teamModels.some((m) => priced.includes(m))).toBe(true);
  await expect(modelSelect).toHaveValue(teamModels.find((m) => priced.includes(m))!);

  // Pick a priced model and submit the form.
  await modelSelect.selectOption('claude-sonnet-4-5');
  await page.getByRole('button', { name: 'Re-price at this model' }).click();
  await expect(page).toHaveURL(/whatif\.scenario=model/);
  await expect(page.getByTestId('whatif-scenario')).toContainText('claude-sonnet-4-5');
  await expectWhatIfMatch(page, await api(page, `/api/v1/whatif?scenario=model&model=claude-sonnet-4-5&${WINDOW}`));

  // A bad field is named, not a crash.
  await page.goto(`${PAGE}&whatif.scenario=selfhosted&whatif.gpuHourUsd=2&whatif.gpus=0&whatif.prefillTokensPerSecond=1&whatif.decodeTokensPerSecond=1`);
  await expect(page.getByTestId('whatif-error')).toContainText(/^GPUs: /);
  // What was typed stays in the form, so only the field at fault needs fixing.
  await expect(page.getByTestId('what-if').locator('input[name="whatif.gpuHourUsd"]')).toHaveValue('2');
  await expect(page.getByTestId('what-if').locator('input[name="whatif.gpus"]')).toHaveValue('0');
});
