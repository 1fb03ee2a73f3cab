import { expect, test } from '@playwright/test';
import { cliUser, ndjson, uniqueTag, uploadThroughPage, validEvents } from './helpers';
import { appPages, openAppPage, preparePages, SIGNED_OUT } from './pages';
import { E2E_SERVERS } from './servers';

test('pages speak plainly: no "(s)", no spec file names, placeholders that are not values', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const { sharePath, runPath } = await preparePages(page);
  for (const p of appPages(sharePath, runPath)) {
    const opened = await openAppPage(browser, page, p, { width: 1440, height: 900 });
    const text = await opened.locator('body').innerText();
    expect(text, p.name).not.toMatch(/\w\(s\)/);
    expect(text, p.name).not.toMatch(/kpis-v1|api-v1|events-v1/);
    for (const placeholder of await opened.locator('input[placeholder]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).placeholder))) {
      expect(placeholder, `${p.name}: placeholder '${placeholder}'`).toMatch(/^(e\.g\. |default |new password$)/);
    }
    await opened.context().close();
  }
});

test('an empty window says there is nothing yet instead of a formula of zeros', async ({ page }) => {
  await page.goto('/teams/payments?from=2020-01-01&to=2020-01-28');
  await expect(page.getByRole('heading', { name: 'No activity in this window' })).toBeVisible();
  await expect(page.getByTestId('kpi-cost-surviving')).toContainText('nothing merged yet · $0.00 spent');
  await expect(page.getByTestId('kpi-survival')).toContainText('no merged change to judge yet');
  await expect(page.getByTestId('kpi-convergence')).toContainText('no run ended in this window');
  await expect(page.locator('main')).not.toContainText('÷ (0 ×');
  // Empty charts and tables would only repeat it: they are left out.
  await expect(page.locator('#weekly-heading')).toHaveCount(0);
  await expect(page.getByTestId('what-if')).toHaveCount(0);
  await expect(page.locator('#runs-heading')).toHaveCount(0);
});

test('revoking an API token asks first', async ({ page }) => {
  await page.goto('/teams/growth/settings');
  const name = uniqueTag('revoke');
  const form = page.getByTestId('create-token');
  await form.getByLabel('Name (optional)').fill(name);
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(form.getByTestId('secret-value')).toHaveValue(/.+/);
  await page.reload();
  const row = page.getByTestId('token-table').locator('tr', { hasText: name });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Whatever uses it gets 401 from now on');
  await expect(row.getByRole('button', { name: 'Yes, revoke' })).toBeFocused();
  await row.getByRole('button', { name: 'Cancel' }).click();
  await page.reload();
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(row).toHaveCount(0);
});

test('the sign-in form keeps the e-mail after a wrong password', async ({ browser }) => {
  const email = `${uniqueTag('keep')}@e2e.loopscope.test`;
  cliUser(E2E_SERVERS.demo, email, 'right-horse-battery-77');
  const context = await browser.newContext({ storageState: SIGNED_OUT, baseURL: E2E_SERVERS.demo.baseURL });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('login-error')).toBeVisible();
  await expect(page.getByLabel('E-mail')).toHaveValue(email);
  await expect(page.getByLabel('Password')).toHaveValue('');
  await context.close();
});

test('an upload links to the team for the days it stored and to its runs, and the page remembers the team', async ({ page }) => {
  const tag = uniqueTag('links');
  await uploadThroughPage(page, 'growth', { name: `${tag}.ndjson`, mimeType: 'application/x-ndjson', buffer: Buffer.from(ndjson(validEvents(tag, 5))) });
  const stored = page.getByTestId('stored-links');
  await expect(stored).toContainText('1 run stored');
  await expect(page.getByTestId('stored-team-link')).toHaveAttribute('href', '/teams/growth?from=2026-11-20&to=2026-11-20');
  await expect(page.getByTestId('stored-team-link')).toHaveText("Open Growth's dashboard for 2026-11-20 to 2026-11-20 →");
  await stored.getByRole('link', { name: `${tag}-run` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`${tag}-run`);
  await page.goto('/upload');
  await expect(page.getByLabel('Team')).toHaveValue('growth');
});
