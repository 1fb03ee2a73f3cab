import { createHmac } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { DEMO_TEAMS } from '../lib/demo/teams';
import { startReceiver } from '../lib/testing/receiver';
import { E2E_SERVERS } from './servers';

const SECRET = 'e2e-alert-signing-secret';

/**
 * The demo team with the fewest open flags over the sender's window (the last 7 days), but at
 * least one: the sender posts all of them to the new destination. Which team that is depends on
 * the day the demo was made.
 */
async function teamWithFewFlags(request: APIRequestContext): Promise<string> {
  const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const counts: [string, number][] = [];
  for (const { slug } of DEMO_TEAMS) {
    const res = await request.get(`/api/v1/flags?team=${slug}&from=${encodeURIComponent(from)}`);
    expect(res.status()).toBe(200);
    counts.push([slug, ((await res.json()) as { flags: unknown[] }).flags.length]);
  }
  const flagged = counts.filter(([, n]) => n > 0).sort((a, b) => a[1] - b[1]);
  expect(flagged.length, JSON.stringify(counts)).toBeGreaterThan(0);
  return flagged[0][0];
}

test('an admin adds an alert destination, sends a test and sees its delivery; the sender then posts the team flags', async ({ page }) => {
  const TEAM = await teamWithFewFlags(page.request);
  const hook = await startReceiver();
  try {
    await page.goto(`/teams/${TEAM}/settings`);
    await expect(page.getByRole('heading', { name: 'Alerts' })).toBeVisible();
    // The e2e server has no LOOPSCOPE_PUBLIC_URL: the page says where links will point instead.
    await expect(page.getByTestId('public-url-warning')).toContainText(`:${E2E_SERVERS.demo.port}`);

    const add = page.getByTestId('add-alert');
    await add.getByLabel('Incoming-webhook URL').fill(hook.url);
    await add.getByLabel('Signing secret (optional)').fill(SECRET);
    await add.getByLabel('Weekly digest').check();
    await add.getByRole('button', { name: 'Add destination' }).click();
    await expect(add.getByRole('status')).toContainText('added: press "Send test" to check it.');
    // Added: the form is cleared for the next one.
    await expect(add.getByLabel('Incoming-webhook URL')).toHaveValue('');
    await expect(add.getByLabel('Weekly digest')).not.toBeChecked();

    const port = new URL(hook.url).port;
    const destination = page.getByTestId('alert-destination').filter({ hasText: `127.0.0.1:${port}` });
    await expect(destination).toHaveCount(1);
    await expect(destination).toContainText('active');
    await expect(destination).toContainText('Burn without outcome, Stalled, Chatter, Divergence · weekly digest · signed');
    // The webhook's path is its credential: the page never shows it whole.
    await expect(destination).not.toContainText('/hooks/T123/abcdef');

    await destination.getByTestId('send-test').getByRole('button', { name: 'Send test' }).click();
    await expect(destination.getByTestId('send-test').getByRole('status')).toHaveText('Test delivered: HTTP 200: ok');
    const testRow = destination.locator('[data-testid="alert-delivery"][data-kind="test"]');
    await expect(testRow).toHaveCount(1);
    await expect(testRow).toHaveAttribute('data-status', 'delivered');
    await expect(testRow).toContainText('HTTP 200: ok');

    const tests = hook.received.filter((r) => (JSON.parse(r.body) as { test?: boolean }).test === true);
    expect(tests).toHaveLength(1);
    expect(tests[0].headers['x-loopscope-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(tests[0].body).digest('hex')}`);
    expect(JSON.parse(tests[0].body)).toMatchObject({ team: TEAM, flag: null });

    // The server's own sender (every 2 s here) posts the team's open flags, each once, and lists them.
    await expect.poll(() => hook.bodies().filter((b) => b.flag).length, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.reload();
    const flagRows = destination.locator('[data-testid="alert-delivery"][data-status="delivered"]:not([data-kind="test"])');
    await expect(flagRows.first()).toBeVisible();
    const flagged = hook.received.filter((r) => (JSON.parse(r.body) as { flag: unknown }).flag);
    const ids = flagged.map((r) => r.headers['x-loopscope-delivery']);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of flagged) expect(r.headers['x-loopscope-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`);

    await destination.getByRole('button', { name: 'Pause' }).click();
    await expect(destination).toContainText('paused');
    await destination.getByRole('button', { name: 'Remove' }).click();
    await expect(destination).toContainText("Remove this destination? The team's flags stop reaching it.");
    await destination.getByRole('button', { name: 'Cancel' }).click();
    await expect(destination).toHaveCount(1);
    await destination.getByRole('button', { name: 'Remove' }).click();
    await destination.getByRole('button', { name: 'Yes, remove' }).click();
    await expect(destination).toHaveCount(0);
  } finally {
    await hook.close();
  }
});

test('a URL that is not http(s) is refused with the reason', async ({ page }) => {
  await page.goto(`/teams/${DEMO_TEAMS[0].slug}/settings`);
  const add = page.getByTestId('add-alert');
  // type=url accepts any scheme; the server refuses what is not http(s).
  await add.getByLabel('Incoming-webhook URL').fill('ftp://example.com/hook');
  await add.getByRole('button', { name: 'Add destination' }).click();
  await expect(add.getByRole('alert')).toHaveText('Only http:// and https:// URLs can receive alerts, not ftp:.');
  // What was typed and ticked stays, so that only the field at fault needs fixing.
  await expect(add.getByLabel('Incoming-webhook URL')).toHaveValue('ftp://example.com/hook');
});
