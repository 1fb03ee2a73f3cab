import { test as setup } from '@playwright/test';
import { signInThroughPage } from './helpers';
import { E2E_ADMIN, E2E_SERVERS, storageStatePath } from './servers';

// Signs the e2e admin in on each server and keeps the session for the specs.
for (const [name, server] of Object.entries(E2E_SERVERS)) {
  setup(`sign in as the admin on the ${name} server`, async ({ page }) => {
    await signInThroughPage(page, server.baseURL, E2E_ADMIN);
    await page.context().storageState({ path: storageStatePath(name) });
  });
}
