import { expect, test, type APIRequestContext } from '@playwright/test';

const DAY = 86_400_000;
/** Pinned to the minute so the page and the API compute the very same windows. */
const AS_OF = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
const TO = Date.parse(AS_OF);
const iso = (ms: number) => new Date(ms).toISOString();
const DEMO_TEAMS = ['payments', 'platform', 'mobile', 'search', 'growth'];

async function api(request: APIRequestContext, path: string) {
  const res = await request.get(path);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

const window = (from: number, to: number) => `from=${iso(from)}&to=${iso(to)}&asOf=${AS_OF}`;

/**
 * The verdict of docs/dashboards.md ("The verdict"), written again from the documentation alone
 * over the API's figures: the page's must agree with it.
 */
function documentedVerdicts(teams: Record<string, any>): Record<string, string> {
  const placeable = (k: any) => k.weekSurvival.eligible >= 5 && k.costPerSurvivingChange !== null && k.mergedPerWeek !== null;
  const output = (k: any) => k.mergedPerWeek * k.weekSurvival.rate;
  const lowerMedian = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1];
  const placed = Object.values(teams).filter(placeable);
  const compare = placed.length >= 3;
  const outputMedian = compare ? lowerMedian(placed.map(output)) : null;
  const costMedian = compare ? lowerMedian(placed.map((k) => k.costPerSurvivingChange)) : null;
  const out: Record<string, string> = {};
  for (const [slug, k] of Object.entries(teams)) {
    if (k.tokens.total === 0 && k.mergedChanges === 0) out[slug] = 'too-little-data';
    else if (k.mergedChanges === 0) out[slug] = 'burning';
    else if (k.weekSurvival.eligible >= 5 && k.weekSurvival.survived === 0 && k.tokens.total > 0) out[slug] = 'burning';
    else if (!placeable(k)) out[slug] = 'too-little-data';
    else if (!compare) out[slug] = 'ships';
    else if (k.costPerSurvivingChange > 1.5 * costMedian!) out[slug] = output(k) < outputMedian! ? 'burning' : 'costly';
    else out[slug] = 'ships';
  }
  return out;
}

test('the verdict chart and its table agree with the API, and the rule is written under the chart', async ({ page, request }) => {
  await page.goto(`/?asOf=${AS_OF}`);
  const current: Record<string, any> = {};
  const previous: Record<string, any> = {};
  for (const slug of DEMO_TEAMS) {
    current[slug] = await api(request, `/api/v1/kpis?team=${slug}&${window(TO - 28 * DAY, TO)}`);
    previous[slug] = await api(request, `/api/v1/kpis?team=${slug}&${window(TO - 56 * DAY, TO - 28 * DAY)}`);
  }
  const expected = documentedVerdicts(current);
  // The demo has a team that burns tokens without shipping, and teams that ship.
  expect(Object.values(expected)).toContain('burning');
  expect(Object.values(expected)).toContain('ships');

  const chart = page.getByTestId('verdict-chart');
  await expect(chart).toBeVisible();
  const bubbles = chart.locator('svg.chart-wide a[data-team]');
  for (const slug of DEMO_TEAMS) {
    const k = current[slug];
    const row = page.locator(`[data-testid="team-table"] tr[data-team="${slug}"]`);
    await expect(row, slug).toHaveAttribute('data-verdict', expected[slug]);
    const bubble = bubbles.and(page.locator(`[data-team="${slug}"]`));
    if (expected[slug] === 'too-little-data' || k.costPerSurvivingChange === null) {
      await expect(bubble).toHaveCount(0);
      continue;
    }
    await expect(bubble, slug).toHaveAttribute('data-verdict', expected[slug]);
    expect(Number(await bubble.getAttribute('data-x'))).toBeCloseTo(k.mergedPerWeek * k.weekSurvival.rate, 9);
    expect(Number(await bubble.getAttribute('data-y'))).toBeCloseTo(k.costPerSurvivingChange, 9);
    // The bubble links to the team, and names its verdict for a screen reader and on hover.
    await expect(bubble).toHaveAttribute('href', new RegExp(`^/teams/${slug}\\?asOf=`));
    await expect(bubble).toHaveAttribute('aria-label', /: (burning without outcome|costly|ships) — [\d.]+ surviving changes a week at \$[\d.,]+ each$/);
    // Rates with numerator and denominator, period-over-period merged and cost.
    const cells = row.locator('td');
    await expect(cells.nth(3)).toContainText(
      k.weekSurvival.eligible === 0 ? 'none yet' : `${k.weekSurvival.survived.toLocaleString('en-US')} of ${k.weekSurvival.eligible.toLocaleString('en-US')}`,
    );
    await expect(cells.nth(4)).toContainText(k.defectRate.eligible === 0 ? 'none yet' : `${k.defectRate.failed} of ${k.defectRate.eligible}`);
    const p = previous[slug];
    const change = (a: number, b: number) => (b === 0 ? null : (a - b) / b);
    for (const [testId, c] of [['merged-delta', change(k.mergedChanges, p.mergedChanges)], ['cost-delta', change(k.costUsd, p.costUsd)]] as const) {
      const text = (await row.getByTestId(testId).innerText()).replace(/^(merged|cost)\s+/, '');
      if (c === null) expect(text, testId).toBe('—');
      else if (Math.abs(c) < 0.005) expect(text, testId).toContain('no change');
      else expect(text, testId).toContain(`${c > 0 ? '+' : ''}${Math.round(c * 100)}%`);
    }
  }
  // The rule is written under the chart, with a link to the docs that explain it.
  const rule = page.getByTestId('verdict-rule');
  await expect(rule).toContainText('1.5× the teams\' median');
  await expect(rule).toContainText('at least 5');
  await rule.getByRole('link', { name: 'How the verdict is reached' }).click();
  await expect(page).toHaveURL(/\/docs\/dashboards#the-verdict$/);
  await expect(page.locator('#the-verdict')).toBeVisible();
});

test('the overview counts runs flagged, not flags, marks divergence, and trends tokens beside merges', async ({ page, request }) => {
  await page.goto(`/?asOf=${AS_OF}`);
  for (const slug of DEMO_TEAMS) {
    const q = `team=${slug}&${window(TO - 28 * DAY, TO)}`;
    const { flags } = await api(request, `/api/v1/flags?${q}`);
    const runs = (await api(request, `/api/v1/runs?${q}&limit=1000`)).runs;
    const flaggedRuns = new Set(flags.filter((f: any) => f.run).map((f: any) => f.run));
    const row = page.locator(`[data-testid="team-table"] tr[data-team="${slug}"]`);
    const cell = row.getByTestId('runs-flagged');
    const text = (await cell.innerText()).replace(/\s+/g, ' ');
    const runFlags = flags.filter((f: any) => f.run).length;
    expect(text, slug).toBe(`${flaggedRuns.size} of ${runs.length} ${runFlags} ${runFlags === 1 ? 'flag' : 'flags'}`);
    await expect(row.getByTestId('divergence'), slug).toHaveCount(flags.some((f: any) => f.kind === 'divergence') ? 1 : 0);
    await expect(row.getByRole('img', { name: /^tokens per week: / })).toBeVisible();
    await expect(row.getByRole('img', { name: /^merged changes per week: / })).toBeVisible();
  }
});

test('a change against a period the data only partly covers is marked as running high', async ({ page }) => {
  // The demo's ten weeks of data start inside the six weeks before a six-week range ending now.
  const day = (ms: number) => iso(ms).slice(0, 10);
  const range = `from=${day(TO - 41 * DAY)}&to=${day(TO)}&asOf=${AS_OF}`;
  await page.goto(`/?${range}`);
  const marked = page.locator('[data-testid="team-table"] tr[data-team]').filter({ has: page.getByTestId('partial-previous') });
  await expect(marked.first()).toBeVisible();
  await expect(marked.first().getByTestId('partial-previous')).toHaveText(/^runs high: data starts \d{4}-\d{2}-\d{2}$/);
  const slug = await marked.first().getAttribute('data-team');
  await page.goto(`/teams/${slug}?${range}`);
  await expect(page.getByTestId('previous-note')).toContainText('“vs previous period” runs high');
  // Over four weeks the period before lies inside the demo's data: none of its teams is marked
  // (teams that other specs make, with a few days of data, may be).
  await page.goto(`/?range=4w&asOf=${AS_OF}`);
  for (const team of DEMO_TEAMS) await expect(page.locator(`[data-testid="team-table"] tr[data-team="${team}"]`).getByTestId('partial-previous')).toHaveCount(0);
});
