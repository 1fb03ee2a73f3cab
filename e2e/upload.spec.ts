import { expect, test } from '@playwright/test';
import { DEMO_MAX_UPLOAD_BYTES } from './servers';
import { benchNdjson, homeEventCount, ndjson, uniqueTag, uploadThroughPage, validEvents } from './helpers';

const TEAM = 'growth';

// The tests compare growth's event count before and after: run them one after another.
test.describe.configure({ mode: 'serial' });

test('a valid NDJSON file is stored, and the same file again only counts duplicates', async ({ page }) => {
  const events = validEvents(uniqueTag('up'), 6);
  const file = { name: 'run-log.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(ndjson(events)) };
  const before = await homeEventCount(page, TEAM);

  await uploadThroughPage(page, TEAM, file);
  await expect(page.getByTestId('accepted-count')).toHaveText(String(events.length));
  await expect(page.getByTestId('duplicate-count')).toHaveText('0');
  expect(await homeEventCount(page, TEAM)).toBe(before + events.length);

  await uploadThroughPage(page, TEAM, file);
  await expect(page.getByTestId('accepted-count')).toHaveText('0');
  await expect(page.getByTestId('duplicate-count')).toHaveText(String(events.length));
  expect(await homeEventCount(page, TEAM)).toBe(before + events.length);
});

test('a file with a bad event on line 3 is refused whole, naming the line and field', async ({ page }) => {
  const tag = uniqueTag('bad');
  const events = validEvents(tag, 5);
  // Line 3 is an llm.call: drop its required model.
  expect(events[2].type).toBe('llm.call');
  delete events[2].model;
  const before = await homeEventCount(page, TEAM);

  await uploadThroughPage(page, TEAM, { name: 'bad.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(ndjson(events)) });
  await expect(page.getByTestId('upload-result').getByRole('alert')).toContainText(/\d+ invalid events?: nothing was stored/);
  const problems = page.getByTestId('problems');
  await expect(problems).toBeVisible();
  await expect(problems.locator('thead th')).toHaveText(['Line', 'Field', 'Problem']);
  const rows = problems.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator('td').nth(0)).toHaveText('3');
  await expect(rows.first().locator('td').nth(1)).toHaveText('model');
  await expect(page.getByTestId('accepted-count')).toHaveCount(0);

  expect(await homeEventCount(page, TEAM)).toBe(before);
});

test('one mistake on many lines is listed once with how often; an empty file and one of no known format say so', async ({ page }) => {
  const events = validEvents(uniqueTag('same-bad'), 40).map((e) => ({ ...e, ts: 'yesterday' }));
  await uploadThroughPage(page, TEAM, { name: 'same.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(ndjson(events)) });
  const rows = page.getByTestId('problems').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator('td').nth(0)).toHaveText('1');
  await expect(rows.first().locator('td').nth(1)).toHaveText('ts');
  await expect(rows.first().getByTestId('problem-repeats')).toHaveText('(and 39 more lines like it, up to line 40)');

  await uploadThroughPage(page, TEAM, { name: 'empty.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.alloc(0) });
  await expect(page.getByTestId('upload-empty')).toHaveText('Nothing to import: the file holds no events.');
  await expect(page.getByTestId('stored-links')).toHaveCount(0);

  await uploadThroughPage(page, TEAM, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('meeting notes, not events\n') });
  await expect(page.getByTestId('upload-refused')).toContainText('Nothing was stored: cannot tell the format of notes.txt');
  await expect(page.getByTestId('problems')).toHaveCount(0);
});

test('a CSV file is recognised by its .csv name', async ({ page }) => {
  const tag = uniqueTag('csv');
  const csv = [
    'id,type,ts,run,model,input_tokens,output_tokens,status',
    `${tag}-1,run.started,2026-11-20T10:00:00Z,${tag}-run,,,,`,
    `${tag}-2,llm.call,2026-11-20T10:00:05Z,${tag}-run,claude-sonnet-4-5,1200,340,`,
    `${tag}-3,llm.call,2026-11-20T10:00:09Z,${tag}-run,claude-sonnet-4-5,1500,410,`,
    `${tag}-4,run.ended,2026-11-20T10:00:30Z,${tag}-run,,,,succeeded`,
  ].join('\n') + '\n';
  const before = await homeEventCount(page, TEAM);

  // What Chrome on Windows reports for .csv: a content type that says nothing, so the name decides.
  await uploadThroughPage(page, TEAM, { name: 'export.csv', mimeType: 'application/vnd.ms-excel', buffer: Buffer.from(csv) });
  await expect(page.locator('#format')).toHaveValue('auto');
  await expect(page.getByTestId('accepted-count')).toHaveText('4');
  await expect(page.getByTestId('duplicate-count')).toHaveText('0');
  expect(await homeEventCount(page, TEAM)).toBe(before + 4);
});

test('a file of 5,000 events shows progress, then the summary', async ({ page }) => {
  const count = 5000;
  const buffer = benchNdjson(TEAM, count);
  // The demo server's upload limit is 1 MiB (for the API's 413 test).
  expect(buffer.length).toBeLessThan(DEMO_MAX_UPLOAD_BYTES);
  const before = await homeEventCount(page, TEAM);

  await page.goto('/upload');
  await page.getByLabel('Team').selectOption(TEAM);
  await page.getByTestId('file-input').setInputFiles({ name: 'bench.ndjson', mimeType: 'application/x-ndjson', buffer });
  await expect(page.getByText('bench.ndjson')).toBeVisible();
  // Notice a progress bar or the busy button, however briefly they are shown.
  await page.evaluate(() => {
    const w = window as unknown as { sawProgress: boolean };
    w.sawProgress = false;
    const check = () => {
      const busy = [...document.querySelectorAll('button')].some((b) => b.textContent?.includes('Uploading'));
      if (busy || document.querySelector('[role=progressbar]')) w.sawProgress = true;
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Upload', exact: true }).click();

  await expect(page.getByTestId('upload-result')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('accepted-count')).toHaveText('5,000');
  await expect(page.getByTestId('duplicate-count')).toHaveText('0');
  expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);
  await expect(page.getByRole('button', { name: 'Upload', exact: true })).toBeEnabled();

  expect(await homeEventCount(page, TEAM)).toBe(before + count);
});
