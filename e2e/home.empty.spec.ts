import path from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO_ROOT } from './servers';

test('an empty database shows the empty state, not a table', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'No teams yet' })).toBeVisible();
  await expect(page.getByTestId('team-table')).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' })).toBeVisible();

  const file = path.join(REPO_ROOT, 'test-results', 'screenshots', 'home-empty.png');
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach('home-empty', { path: file, contentType: 'image/png' });
});

test('the upload page says there is no team to upload into', async ({ page }) => {
  await page.goto('/upload');
  await expect(page.getByRole('heading', { name: 'No team to upload into' })).toBeVisible();
  await expect(page.getByTestId('file-input')).toHaveCount(0);
  // An admin is shown where to make one, in the app itself.
  await page.getByRole('link', { name: 'Create a team in Settings' }).click();
  await expect(page).toHaveURL(/\/settings#add-team$/);
  await expect(page.getByTestId('create-team')).toBeVisible();
});
