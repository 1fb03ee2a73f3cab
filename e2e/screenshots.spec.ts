import fs from 'node:fs';
import path from 'node:path';
import { test } from '@playwright/test';
import { appPages, openAppPage, preparePages } from './pages';
import { REPO_ROOT } from './servers';

/**
 * Every page at desktop and phone width, light and dark, full length: kept with the test's output
 * on every run, and copied into docs/screenshots/ (what the README and the docs show) only on
 * purpose, with LOOPSCOPE_REFRESH_SCREENSHOTS=1.
 */
const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
const REFRESH = process.env.LOOPSCOPE_REFRESH_SCREENSHOTS === '1';

test('screenshots of every page at both widths, light and dark', async ({ page, browser }, testInfo) => {
  test.setTimeout(300_000);
  const { sharePath, runPath } = await preparePages(page);
  const docs = path.join(REPO_ROOT, 'docs', 'screenshots');
  if (REFRESH) fs.mkdirSync(docs, { recursive: true });
  for (const p of appPages(sharePath, runPath)) {
    for (const size of WIDTHS) {
      for (const colorScheme of SCHEMES) {
        const shot = await openAppPage(browser, page, p, { ...size, colorScheme });
        // Charts animate in; let them settle.
        await shot.waitForTimeout(600);
        const name = `${p.name}-${size.width}-${colorScheme}.png`;
        const file = testInfo.outputPath(name);
        await shot.screenshot({ path: file, fullPage: true });
        if (REFRESH) fs.copyFileSync(file, path.join(docs, name));
        await shot.context().close();
      }
    }
  }
});
