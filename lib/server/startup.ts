/**
 * Server start (instrumentation.ts): open and migrate the database; on an empty one, make the
 * demo organisation so a new user sees live dashboards at once; make sure someone can sign in
 * (accounts.ts); then keep expired sessions and links purged, hourly.
 */
import { dataContext } from '@/lib/data/context';
import { seedDemoIfEmpty } from '@/lib/demo/seed';
import { writeInWorker } from '@/lib/ingest/queue';
import { ensureFirstAdmin } from './accounts';

const PURGE_INTERVAL_MS = 3_600_000;

export async function startServer(): Promise<void> {
  const ctx = dataContext();
  const started = Date.now();
  const demo = await seedDemoIfEmpty(ctx.db);
  if (demo.seeded) {
    console.log(`Loopscope: made the demo organisation (${demo.events} events) in ${Date.now() - started} ms`);
  }
  await ensureFirstAdmin(ctx, { demoSeeded: demo.seeded });
  const purge = () => writeInWorker({ name: 'purgeExpired', now: Date.now() }).catch((err) => console.error(`Loopscope: purge failed: ${(err as Error).message}`));
  await purge();
  setInterval(purge, PURGE_INTERVAL_MS).unref();
}
