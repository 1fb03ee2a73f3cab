import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parseCount } from './helpers';
import { REPO_ROOT } from './servers';

const DEMO_TEAMS = ['payments', 'platform', 'mobile', 'search', 'growth'];

test('the overview lists the five demo teams with their events', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/Loopscope/);

  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link', { name: 'Upload' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Loopscope' })).toBeVisible();

  await expect(page.getByRole('heading', { level: 1, name: 'Teams' })).toBeVisible();
  const table = page.getByTestId('team-table');
  await expect(table).toBeVisible();
  for (const slug of DEMO_TEAMS) {
    const count = table.locator(`tr[data-team="${slug}"] [data-testid="event-count"]`);
    await expect(count, `row of ${slug}`).toBeVisible();
    expect(parseCount(await count.innerText()), `events of ${slug}`).toBeGreaterThan(0);
  }

  const file = path.join(REPO_ROOT, 'test-results', 'screenshots', 'home.png');
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach('home', { path: file, contentType: 'image/png' });
});

test('the Upload link leads to the upload form', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click();
  await expect(page).toHaveURL(/\/upload$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Upload run logs' })).toBeVisible();
  // Other specs may add teams meanwhile: check the demo ones are offered.
  const team = page.getByLabel('Team');
  for (const slug of DEMO_TEAMS) await expect(team.locator(`option[value="${slug}"]`)).toHaveCount(1);
  // Among several teams none is chosen for the user: a file must not land in the first by default.
  await expect(team).toHaveValue('');
  await expect(team.locator('option:checked')).toHaveText('Choose a team…');
  await expect(page.getByRole('button', { name: 'Upload', exact: true })).toBeDisabled();
});
