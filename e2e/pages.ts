import { expect, type Browser, type Page } from '@playwright/test';
import { createShareLinkThroughPage } from './helpers';

/** No cookies: a visitor who is not signed in. */
export const SIGNED_OUT = { cookies: [], origins: [] };

/** A page of the app as a spec visits it: where, and whether it needs a session. */
export interface AppPage {
  name: string;
  path: string;
  signedOut?: boolean;
}

/**
 * Every page of the app with the demo data, for the checks that hold on each (layout at phone
 * width, wording, screenshots). The share link is made first (`sharePath`).
 */
export function appPages(sharePath: string, runPath: string): AppPage[] {
  return [
    { name: 'overview', path: '/' },
    { name: 'team-dashboard', path: '/teams/platform' },
    { name: 'team-dashboard-filtered', path: '/teams/platform?agent=claude-code' },
    { name: 'run', path: runPath },
    { name: 'flags', path: '/flags' },
    { name: 'upload', path: '/upload' },
    { name: 'settings', path: '/settings' },
    { name: 'team-settings', path: '/teams/payments/settings' },
    { name: 'connect', path: '/teams/payments/settings/connect' },
    { name: 'docs', path: '/docs' },
    { name: 'docs-dashboards', path: '/docs/dashboards' },
    { name: 'share', path: sharePath, signedOut: true },
    { name: 'sign-in', path: '/login', signedOut: true },
  ];
}

/**
 * What the page checks need made first: a share link of the payments dashboard, an API token of
 * payments (so its settings list one), and the path of a flagged run's page.
 */
export async function preparePages(page: Page): Promise<{ sharePath: string; runPath: string }> {
  await page.goto('/teams/payments?range=12w');
  const share = new URL(await createShareLinkThroughPage(page));
  await page.goto('/teams/payments/settings');
  const form = page.getByTestId('create-token');
  await form.getByLabel('Name (optional)').fill('layout-check');
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(form.getByTestId('secret-value')).toHaveValue(/.+/);
  await page.goto('/teams/platform');
  const run = page.locator('[data-testid="runs-table"] tbody tr[data-flagged="yes"] a').first();
  return { sharePath: share.pathname, runPath: (await run.getAttribute('href'))! };
}

/** Opens `p` in the browser as its kind of visitor (signed in as `signedIn` is); the caller closes the context. */
export async function openAppPage(browser: Browser, signedIn: Page, p: AppPage, options: { width: number; height: number; colorScheme?: 'light' | 'dark' }): Promise<Page> {
  const baseURL = new URL(signedIn.url()).origin;
  const context = await browser.newContext({ storageState: p.signedOut ? SIGNED_OUT : await signedIn.context().storageState(), baseURL });
  const page = await context.newPage();
  await page.setViewportSize({ width: options.width, height: options.height });
  await page.emulateMedia({ colorScheme: options.colorScheme ?? 'light' });
  const res = await page.goto(p.path);
  expect(res?.status(), p.path).toBe(200);
  await expect(page.locator('h1').first()).toBeVisible();
  // Charts draw after the first paint.
  if (await page.locator('.recharts-responsive-container').count()) await expect(page.locator('.recharts-surface').first()).toBeVisible();
  return page;
}
