import { expect, test } from '@playwright/test';
import { uniqueTag } from './helpers';

test('an admin adds a person: a refused password keeps the rest of the form; removing asks first', async ({ page }) => {
  const email = `${uniqueTag('person')}@example.com`;
  await page.goto('/settings');
  const form = page.getByTestId('create-user');
  await form.getByLabel('E-mail').fill(email);
  await form.getByLabel('Password (at least 8 characters)').fill('password');
  await form.getByLabel('Platform').check();
  await form.getByLabel('Search').check();
  await form.getByRole('button', { name: 'Create account' }).click();
  await expect(form.getByRole('alert')).toBeVisible();
  // Only the password needs fixing: the e-mail and the teams are as they were.
  await expect(form.getByLabel('E-mail')).toHaveValue(email);
  await expect(form.getByLabel('Platform')).toBeChecked();
  await expect(form.getByLabel('Search')).toBeChecked();

  await form.getByLabel('Password (at least 8 characters)').fill('a long and unusual passphrase');
  await form.getByRole('button', { name: 'Create account' }).click();
  await expect(form.getByRole('status')).toContainText(`Created ${email}`);
  await expect(form.getByLabel('E-mail')).toHaveValue('');
  const row = page.getByTestId('user-table').locator(`tr[data-user="${email}"]`);
  await expect(row.locator('td').nth(2)).toHaveText('platform, search');

  await row.getByRole('button', { name: 'Remove' }).click();
  await expect(row).toContainText(`Remove ${email}? Their account and sessions end.`);
  await row.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(row).toHaveCount(0);
});
