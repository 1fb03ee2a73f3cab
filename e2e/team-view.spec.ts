import { expect, test, type Page } from '@playwright/test';

const DAY = 86_400_000;
/** Pinned to the minute so the page and the API compute the very same window. */
const AS_OF = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
const TO = Date.parse(AS_OF);
const iso = (ms: number) => new Date(ms).toISOString();
const LAST_4_WEEKS = `from=${iso(TO - 28 * DAY)}&to=${AS_OF}&asOf=${AS_OF}`;

async function api(page: Page, path: string) {
  const res = await page.request.get(path);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

/** "$0.0531", "$12.50", "103.6M", "4.1K" → the number, and the rounding the text allows. */
function shown(text: string): { value: number; within: number } {
  const m = /^\$?([\d,]+(?:\.(\d+))?)([KMB])?$/.exec(text.trim());
  if (!m) throw new Error(`not a figure: '${text}'`);
  const scale = { K: 1e3, M: 1e6, B: 1e9 }[m[3] as 'K' | 'M' | 'B'] ?? 1;
  return { value: Number(m[1].replace(/,/g, '')) * scale, within: 0.5 * 10 ** -(m[2]?.length ?? 0) * scale + 1e-9 };
}

function expectShown(text: string, value: number, what: string) {
  const s = shown(text);
  expect(Math.abs(s.value - value), `${what}: '${text}' against ${value}`).toBeLessThanOrEqual(s.within);
}

test('the filters that change every card sit at the top with the range, say what is filtered, and reset', async ({ page }) => {
  await page.goto(`/teams/mobile?asOf=${AS_OF}`);
  const bar = page.getByTestId('view-filters');
  // Above the cards, beside the range; status and flagged stay with the runs table.
  const barBox = (await bar.boundingBox())!;
  const cardsBox = (await page.getByTestId('kpi-cards').boundingBox())!;
  expect(barBox.y).toBeLessThan(cardsBox.y);
  const runsSection = page.locator('section[aria-labelledby="runs-heading"]');
  await expect(runsSection.locator('#filter-status')).toHaveCount(1);
  await expect(runsSection.locator('#filter-flagged')).toHaveCount(1);
  await expect(runsSection.locator('#view-agent, #view-model, #view-repo')).toHaveCount(0);
  await expect(page.getByTestId('filtered-bar')).toHaveCount(0);

  const allCost = await page.getByTestId('kpi-cost-value').innerText();
  const agents = await page.locator('#view-agent option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  expect(agents.length).toBeGreaterThan(1);
  await page.selectOption('#view-agent', agents[0]);
  await bar.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`agent=${encodeURIComponent(agents[0])}`));
  const filtered = page.getByTestId('filtered-bar');
  await expect(filtered).toContainText(`Filtered: agent ${agents[0]}`);
  // Another agent can be chosen straight away: the choices are not narrowed by the filter.
  expect(await page.locator('#view-agent option').count()).toBe(agents.length + 1);
  await expect(page.getByTestId('kpi-cost-value')).not.toHaveText(allCost);

  await filtered.getByRole('link', { name: 'Reset filters' }).click();
  await expect(page).not.toHaveURL(/agent=/);
  await expect(page).toHaveURL(/asOf=/);
  await expect(page.getByTestId('filtered-bar')).toHaveCount(0);
  await expect(page.getByTestId('kpi-cost-value')).toHaveText(allCost);
});

test('the view links its CSV and JSON exports, rounded as the page shows them', async ({ page }) => {
  await page.goto(`/teams/platform?asOf=${AS_OF}`);
  const model = (await page.locator('#view-model option').nth(1).getAttribute('value'))!;
  await page.selectOption('#view-model', model);
  await page.getByTestId('view-filters').getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('filtered-bar')).toBeVisible();
  const links = page.getByTestId('export-links');
  const csvHref = (await links.getByRole('link', { name: 'CSV' }).getAttribute('href'))!;
  const jsonHref = (await links.getByRole('link', { name: 'JSON' }).getAttribute('href'))!;
  for (const href of [csvHref, jsonHref]) {
    expect(href).toMatch(/^\/teams\/platform\/export\.(csv|json)\?/);
    expect(href).toContain(`model=${encodeURIComponent(model)}`);
    expect(href).toContain('asOf=');
  }
  const json = await api(page, jsonHref);
  const exact = await api(page, `/api/v1/kpis?team=platform&${LAST_4_WEEKS}&model=${encodeURIComponent(model)}`);
  expect(json.filters).toEqual({ model });
  expect(json.kpis.mergedChanges).toBe(exact.mergedChanges);
  expect(json.kpis.tokens).toEqual(exact.tokens);
  expect(json.kpis.costUsd).toBe(Math.round(exact.costUsd * (exact.costUsd < 0.1 ? 1e4 : 100)) / (exact.costUsd < 0.1 ? 1e4 : 100));
  if (exact.weekSurvival.rate !== null) expect(json.kpis.weekSurvival.rate).toBe(Math.round(exact.weekSurvival.rate * 1000) / 1000);
  // No figure carries more digits than the page shows.
  const csv = await (await page.request.get(csvHref)).text();
  expect(csv).toContain(`filter.model,${model}`);
  for (const line of csv.split('\r\n').filter((l) => /^(kpis|previous|weekly),/.test(l))) {
    const value = line.split(',')[3];
    expect(value, line).toMatch(/^(-?\d+(\.\d{1,4})?)?$/);
  }
});

test('cost is visible: tokens by kind on the cost card, each run’s cost in the table and on its page', async ({ page }) => {
  await page.goto(`/teams/platform?asOf=${AS_OF}`);
  const kpis = await api(page, `/api/v1/kpis?team=platform&${LAST_4_WEEKS}`);
  const parts = page.getByTestId('kpi-cost-parts');
  for (const [label, value] of [['input', kpis.tokens.input], ['output', kpis.tokens.output], ['cache read', kpis.tokens.cacheRead], ['cache write', kpis.tokens.cacheWrite]] as const) {
    const row = parts.locator('div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) });
    expectShown(await row.locator('dd').innerText(), value, label);
  }
  const { runs } = await api(page, `/api/v1/runs?team=platform&${LAST_4_WEEKS}&limit=25`);
  const rows = page.locator('[data-testid="runs-table"] tbody tr');
  await expect(rows).toHaveCount(runs.length);
  for (const r of runs) {
    const cost = await page.locator(`[data-testid="runs-table"] tr[data-run="${r.run}"] [data-testid="run-cost"]`).innerText();
    expectShown(cost, r.costUsd, `cost of ${r.run}`);
  }
  const dear = [...runs].sort((a, b) => b.costUsd - a.costUsd)[0];
  await page.locator(`[data-testid="runs-table"] tr[data-run="${dear.run}"] a`).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(dear.run);
  expectShown(await page.getByTestId('run-cost-value').innerText(), dear.costUsd, 'run page cost');
  await expect(page.getByTestId('run-tokens-parts')).toContainText('cache read');
});

test('sorting, paging and filtering the runs table come back to the table, not the top of the page', async ({ page }) => {
  await page.goto(`/teams/platform?asOf=${AS_OF}`);
  await expect(page).toHaveTitle(/^Platform · /); // the team's name, not its slug
  const table = page.getByTestId('runs-table');
  const tableInView = async () => {
    await expect(table).toBeInViewport();
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
  };
  await table.getByRole('link', { name: /^Tokens/ }).click();
  await expect(page).toHaveURL(/sort=tokens.*#runs-heading$/);
  await tableInView();
  await page.getByRole('navigation', { name: 'Runs pages' }).getByRole('link', { name: 'Next →' }).click();
  await expect(page).toHaveURL(/page=2.*#runs-heading$/);
  await tableInView();
  await page.getByTestId('filters').getByRole('button').click();
  await expect(page).toHaveURL(/#runs-heading$/);
  await tableInView();
});

test('charts: partial weeks marked, labelled bins, a scatter with axis titles whose points open their run', async ({ page }) => {
  await page.goto(`/teams/platform?asOf=${AS_OF}`);
  // The window starts mid-week (asOf is now): its first and last weeks are partial and say so.
  const weekly = page.locator('section[aria-labelledby="weekly-heading"]');
  await expect(weekly.locator('.recharts-cartesian-axis-tick-value').filter({ hasText: /\*$/ }).first()).toBeVisible();
  await expect(weekly).toContainText('* partial week');
  // Every bin of the time-to-fix histogram is labelled, at phone width too.
  await page.setViewportSize({ width: 390, height: 844 });
  const ttf = page.locator('section[aria-labelledby="ttf-heading"] .recharts-wrapper').first();
  await expect(ttf.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value')).toHaveText(['< 4 h', '4–12 h', '12–24 h', '1–2 d', '2–4 d', '4–7 d', '> 7 d']);
  await expect(page.getByTestId('ttf-figures')).toContainText('Kaplan–Meier median');
  await expect(page.getByTestId('ttf-figures')).toContainText('Median of the fixed ones only (p50)');
  await page.setViewportSize({ width: 1440, height: 900 });
  const scatter = page.locator('.run-scatter');
  await scatter.scrollIntoViewIfNeeded();
  // The charts redraw at the new width, and their points grow in.
  await page.waitForTimeout(1500);
  await expect(scatter).toContainText('Tokens burned (log scale)');
  await expect(scatter).toContainText('Iterations');
  expect(await scatter.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').count()).toBeGreaterThanOrEqual(3);
  const point = scatter.locator('.recharts-scatter-symbol').first();
  await point.hover({ force: true });
  const tip = page.locator('.chart-tip');
  await expect(tip).toBeVisible();
  const run = (await tip.locator('strong').innerText()).trim();
  await point.click({ force: true });
  await expect(page).toHaveURL(new RegExp(`/runs/${run}\\?`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(run);
});

test('the dashboard lists its flags whole, counted as runs, and the flags page pages, sorts and filters them', async ({ page }) => {
  await page.goto(`/teams/platform?asOf=${AS_OF}`);
  const section = page.locator('section[aria-labelledby="flags-heading"]');
  const { flags } = await api(page, `/api/v1/flags?team=platform&${LAST_4_WEEKS}`);
  const runs = new Set(flags.filter((f: { run?: string }) => f.run).map((f: { run: string }) => f.run));
  await expect(page.getByTestId('flag-summary')).toContainText(`${runs.size} runs flagged`);
  // No inner scroll box: every listed flag is shown whole.
  const scrollers = await section.locator('*').evaluateAll((els) => els.filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)).length);
  expect(scrollers).toBe(0);
  const box = (await section.boundingBox())!;
  for (const li of await section.locator('[data-testid="flag-list"] li').all()) {
    const b = (await li.boundingBox())!;
    expect(b.y + b.height).toBeLessThanOrEqual(box.y + box.height);
  }
  await page.getByTestId('all-team-flags').click();
  await expect(page).toHaveURL(/\/flags\?.*team=platform/);
  await expect(page.getByTestId('team-chip')).toContainText('team: Platform');
  await expect(page.locator('[data-testid="flags-table"] tbody tr:not([data-team="platform"])')).toHaveCount(0);
  // Cost and date of each flagged run, as the runs API has them.
  const apiRuns = new Map<string, { costUsd: number }>(
    (await api(page, `/api/v1/runs?team=platform&${LAST_4_WEEKS}&limit=1000`)).runs.map((r: { run: string }) => [r.run, r]),
  );
  const first = page.locator('[data-testid="flags-table"] tbody tr').first();
  const firstRun = (await first.locator('td').nth(2).innerText()).trim();
  expectShown(await first.locator('td').nth(4).innerText(), apiRuns.get(firstRun)!.costUsd, 'flag cost');
  await expect(first.locator('td').nth(3)).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  await page.getByTestId('clear-team').click();
  await expect(page).not.toHaveURL(/team=/);
  await expect(page.getByTestId('unknown-team')).toHaveCount(0);
  // A team that is not one of the viewer's is said, not silently dropped.
  await page.goto(`/flags?team=nope&asOf=${AS_OF}`);
  await expect(page.getByTestId('unknown-team')).toHaveText("No team 'nope' among yours: showing all your teams.");
  await page.goto(`/flags?asOf=${AS_OF}`);
  await expect(page.getByTestId('team-chip')).toHaveCount(0);

  // Every team's flags: 25 a page.
  const rows = page.locator('[data-testid="flags-table"] tbody tr');
  await expect(rows).toHaveCount(25);
  await expect(page.getByRole('navigation', { name: 'Flags pages' })).toContainText('page 1 of');
  await page.getByRole('navigation', { name: 'Flags pages' }).getByRole('link', { name: 'Next →' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByRole('navigation', { name: 'Flags pages' })).toContainText('page 2 of');
  // Sorted by time (newest first, the default), by cost, by kind.
  const attr = (name: string) => rows.evaluateAll((trs, n) => trs.map((tr) => tr.getAttribute(n)!), name);
  await page.goto(`/flags?asOf=${AS_OF}`);
  const times = (await attr('data-at')).map(Number);
  expect(times).toEqual([...times].sort((a, b) => b - a));
  await page.getByRole('navigation', { name: 'Sort flags' }).getByRole('link', { name: /^Costliest/ }).click();
  await expect(page).toHaveURL(/sort=cost/);
  const costs = (await attr('data-cost')).filter((c) => c !== '').map(Number);
  expect(costs).toEqual([...costs].sort((a, b) => b - a));
  await page.getByRole('navigation', { name: 'Sort flags' }).getByRole('link', { name: /^Kind/ }).click();
  await expect(page).toHaveURL(/sort=kind/);
  const order = ['burn_without_outcome', 'stalled', 'chatter', 'divergence'];
  const kinds = (await attr('data-flag-kind')).map((k) => order.indexOf(k));
  expect(kinds).toEqual([...kinds].sort((a, b) => a - b));
});
