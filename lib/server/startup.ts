/**
 * Server start (instrumentation.ts): open and migrate the database; on an empty one, make the
 * demo organisation so a new user sees live dashboards at once; make sure someone can sign in
 * (accounts.ts); start the OTLP/gRPC receiver (lib/otlp/grpc.ts); then keep expired sessions and
 * links purged, hourly, and start the alert sender (lib/alerts). SIGTERM / SIGINT stop the server
 * gracefully (shutdown.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startAlertSender } from '@/lib/alerts/service';
import { spoolDirectory } from '@/lib/config';
import { dataContext } from '@/lib/data/context';
import { runExclusively } from '@/lib/data/exclusive';
import { seedDemoIfEmpty } from '@/lib/demo/seed';
import { parseTrustedProxies, servedByLoopscopeServer } from '@/lib/http/client-address';
import { startOtlpGrpcServer } from '@/lib/otlp/grpc';
import { ensureFirstAdmin } from './accounts';
import { installGracefulShutdown } from './shutdown';

const PURGE_INTERVAL_MS = 3_600_000;

/**
 * Request bodies left in the spool folder by a crash or a kill (nothing is pending at start:
 * their uploads were never stored, or were stored and not yet deleted).
 */
function removeStaleSpoolFiles(): void {
  const dir = spoolDirectory();
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // no folder yet
  }
  for (const name of names) {
    if (/^(upload|webhook)-\d+-[0-9a-f]+/.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/**
 * A malformed LOOPSCOPE_TRUSTED_PROXIES stops the start; without the Loopscope server (plain
 * `next start` or `next dev`) the throttles cannot tell clients apart, which is said once.
 */
function checkClientAddressSetup(): void {
  parseTrustedProxies(process.env.LOOPSCOPE_TRUSTED_PROXIES);
  if (!servedByLoopscopeServer()) {
    console.warn('Loopscope: not started by scripts/server.mjs (npm start): sign-in and share-link throttling count every client as one address');
  }
}

export async function startServer(): Promise<void> {
  checkClientAddressSetup();
  installGracefulShutdown();
  removeStaleSpoolFiles();
  const ctx = dataContext();
  // Instances starting together on one PostgreSQL database: one makes the demo and the admin.
  await runExclusively('first start', async () => {
    const started = Date.now();
    const demo = await seedDemoIfEmpty(await ctx.db);
    if (demo.seeded) {
      console.log(`Loopscope: made the demo organisation (${demo.events} events) in ${Date.now() - started} ms`);
    }
    await ensureFirstAdmin(ctx, { demoSeeded: demo.seeded });
  });
  await startOtlpGrpcServer();
  // Deleting what expired is the same work whichever instance does it, and harmless twice.
  const purge = () => ctx.write({ name: 'purgeExpired', now: Date.now() }).catch((err) => console.error(`Loopscope: purge failed: ${(err as Error).message}`));
  await purge();
  setInterval(purge, PURGE_INTERVAL_MS).unref();
  startAlertSender();
}
