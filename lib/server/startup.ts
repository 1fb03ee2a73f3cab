/**
 * Server start (instrumentation.ts): open and migrate the database, then, on an empty one,
 * make the demo organisation so a new user sees live dashboards at once.
 */
import { getDb } from '@/lib/data/connection';
import { seedDemoIfEmpty } from '@/lib/demo/seed';

export async function startServer(): Promise<void> {
  const db = getDb();
  const started = Date.now();
  const demo = await seedDemoIfEmpty(db);
  if (demo.seeded) {
    console.log(`Loopscope: made the demo organisation (${demo.events} events) in ${Date.now() - started} ms`);
  }
}
