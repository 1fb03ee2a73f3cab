/**
 * How the e2e suite, the reliability suite and the benchmark launch Chromium: Playwright's own
 * browser when installed (a laptop after `npx playwright install`), else Debian's (browsers
 * cannot be downloaded here), with the flags that keep it off the network.
 */
import fs from 'node:fs';
import { chromium, type LaunchOptions } from '@playwright/test';

export const SYSTEM_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumLaunchOptions(): LaunchOptions {
  let bundled = '';
  try {
    bundled = chromium.executablePath();
  } catch {
    // No browser registered for this platform.
  }
  if (bundled && fs.existsSync(bundled)) return {};
  const system = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  // Without one, Playwright says which browser is missing and how to install it.
  return system ? { executablePath: system, args: SYSTEM_CHROMIUM_ARGS } : {};
}
