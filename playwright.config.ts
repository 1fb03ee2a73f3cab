import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './lib/testing/chromium';
import { E2E_SERVERS, storageStatePath, type E2EServer } from './e2e/servers';

/**
 * End-to-end tests against the production build (`next build` first: see the `test:e2e`
 * script). Two servers, each on a fresh database (a SQLite file under test-results/e2e-db/, or a
 * PostgreSQL database when LOOPSCOPE_TEST_DATABASE_URL names a server: `npm run
 * test:e2e:postgres`): `demo` (filled
 * with the demo organisation at start, upload limit 1 MiB for the 413 test) and `empty`
 * (LOOPSCOPE_DEMO=off). Specs named `*.empty.spec.ts` run against the empty one. Both make the
 * admin E2E_ADMIN at start; `auth.setup.ts` signs in on each and the specs run signed in as it
 * (a spec that wants no session, or another user, makes its own browser context).
 */

const CI = !!process.env.CI;
/**
 * LOOPSCOPE_E2E_SKIP_VISUAL=1 leaves out the specs about presentation only (screenshots of every
 * page, layout at each width), which read nothing a backend could answer differently: CI runs
 * them on SQLite, and the rest of the suite again on PostgreSQL.
 */
const VISUAL_ONLY = process.env.LOOPSCOPE_E2E_SKIP_VISUAL === '1' ? [/screenshots\.spec\.ts$/, /layout\.spec\.ts$/] : [];


/**
 * Empties the server's database (its folder; on PostgreSQL, its database too), then starts the
 * built app on its port (the Loopscope server, as `npm start` does).
 */
function webServer(server: E2EServer) {
  return {
    command: `node scripts/reset-database.mjs ${JSON.stringify(server.dbDir)} && node scripts/server.mjs -p ${server.port} -H 127.0.0.1`,
    url: `${server.baseURL}/api/health`,
    // Making the demo organisation (~42k events) happens before the server answers.
    timeout: 180_000,
    reuseExistingServer: !CI,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    env: {
      NEXT_TELEMETRY_DISABLED: '1',
      ...server.dbEnv,
      ...server.env,
    },
  };
}

export default defineConfig({
  testDir: './e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  workers: 2,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    screenshot: 'only-on-failure',
    trace: 'on-first-retry',
  },
  projects: [
    { name: 'sign-in', testMatch: /auth\.setup\.ts$/ },
    {
      name: 'demo',
      testMatch: /.*\.spec\.ts$/,
      testIgnore: [/.*\.empty\.spec\.ts$/, ...VISUAL_ONLY],
      dependencies: ['sign-in'],
      use: { baseURL: E2E_SERVERS.demo.baseURL, storageState: storageStatePath('demo') },
    },
    {
      name: 'empty',
      testMatch: /.*\.empty\.spec\.ts$/,
      dependencies: ['sign-in'],
      use: { baseURL: E2E_SERVERS.empty.baseURL, storageState: storageStatePath('empty') },
    },
  ],
  webServer: [webServer(E2E_SERVERS.demo), webServer(E2E_SERVERS.empty)],
});
