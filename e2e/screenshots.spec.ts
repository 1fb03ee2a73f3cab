import fs from 'node:fs';
import path from 'node:path';
import { test, type Page } from '@playwright/test';
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
const DOCS = path.join(REPO_ROOT, 'docs', 'screenshots');

// Four full-length screenshots of a long page take a while on a busy machine.
test.describe.configure({ timeout: 240_000 });

let signedIn: Page;
let pages: ReturnType<typeof appPages>;

test.beforeAll(async ({ browser }, testInfo) => {
  testInfo.setTimeout(120_000);
  const project = testInfo.project.use;
  const context = await browser.newContext({ storageState: project.storageState, baseURL: project.baseURL });
  signedIn = await context.newPage();
  const { sharePath, runPath } = await preparePages(signedIn);
  pages = appPages(sharePath, runPath);
  if (REFRESH) fs.mkdirSync(DOCS, { recursive: true });
});

test.afterAll(async () => {
  await signedIn.context().close();
});

// One test per page (the list is fixed; the share and run paths are filled in before).
for (const name of appPages('/share/x', '/runs/x').map((p) => p.name)) {
  test(`screenshots of ${name} at both widths, light and dark`, async ({ browser }, testInfo) => {
    const p = pages.find((x) => x.name === name)!;
    for (const size of WIDTHS) {
      // One load per width: the scheme is a media feature, switched in place.
      const shot = await openAppPage(browser, signedIn, p, { ...size, colorScheme: SCHEMES[0] });
      // Charts animate in; let them settle.
      await shot.waitForTimeout(600);
      for (const colorScheme of SCHEMES) {
        await shot.emulateMedia({ colorScheme });
        const file = testInfo.outputPath(`${name}-${size.width}-${colorScheme}.png`);
        await shot.screenshot({ path: file, fullPage: true });
        if (REFRESH) fs.copyFileSync(file, path.join(DOCS, path.basename(file)));
      }
      await shot.context().close();
    }
  });
}
