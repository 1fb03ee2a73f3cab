import { expect, test } from '@playwright/test';
import { appPages, openAppPage, preparePages } from './pages';

test('no page scrolls sideways at phone width; wide tables scroll inside their card with a hint', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const { sharePath, runPath } = await preparePages(page);
  for (const p of appPages(sharePath, runPath)) {
    const phone = await openAppPage(browser, page, p, { width: 390, height: 844 });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${p.name} (${p.path}) scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
    if (p.name === 'team-dashboard') {
      // A wide table scrolls in its card, and says so.
      const wide = phone.locator('.wide-table:has([data-testid="econ-table"])').first();
      const { scrollWidth, clientWidth } = await wide.locator('.table-scroll').evaluate((e) => ({ scrollWidth: e.scrollWidth, clientWidth: e.clientWidth }));
      expect(scrollWidth).toBeGreaterThan(clientWidth);
      await expect(wide.locator('.scroll-hint')).toHaveText(/Scroll the table sideways/);
      // The runs table shows each run as a block of its labelled cells, all in view.
      const runs = phone.locator('.wide-table:has([data-testid="runs-table"])');
      await expect(runs.locator('.scroll-hint')).toHaveCount(0);
      const cost = runs.locator('tbody tr').first().locator('td[data-label="Cost"]');
      await cost.scrollIntoViewIfNeeded();
      await expect(cost).toBeInViewport({ ratio: 1 });
      expect(await cost.evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"Cost"');
    }
    await phone.context().close();
  }
});

test('keyboard: the skip link moves focus to the content, Apply is a few tabs away, charts are not tab stops', async ({ page }) => {
  await page.goto('/teams/platform');
  await expect(page.locator('.recharts-surface').first()).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  let tabs = 0;
  const apply = page.getByTestId('view-filters').getByRole('button', { name: 'Apply' });
  while (!(await apply.evaluate((b) => b === document.activeElement)) && tabs < 30) {
    await page.keyboard.press('Tab');
    tabs++;
  }
  expect(tabs, 'tabs from the content to Apply').toBeLessThanOrEqual(4);
  // No focusable element inside any chart (the tables and lists beside them are the keyboard's way).
  const inCharts = await page.locator('.recharts-wrapper').evaluateAll((charts) =>
    charts.flatMap((c) => [c, ...c.querySelectorAll('*')]).filter((e) => (e as HTMLElement).tabIndex >= 0 || e.getAttribute('tabindex') === '0').length,
  );
  expect(inCharts).toBe(0);
  // The overview's chart: one labelled link per team shown, nothing else.
  await page.goto('/');
  const links = page.locator('[data-testid="verdict-chart"] svg.chart-wide a');
  const count = await links.count();
  expect(count).toBeGreaterThan(0);
  for (const a of await links.all()) await expect(a).toHaveAttribute('aria-label', /\S/);
  await expect(page.locator('[data-testid="verdict-chart"] svg.chart-narrow')).toBeHidden();
});

test('every page has a favicon', async ({ page }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="icon"]').first().getAttribute('href');
  expect(href).toBeTruthy();
  const icon = await page.request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
});
