/**
 * Graceful shutdown on SIGTERM / SIGINT (installed at start by instrumentation.ts → startup.ts).
 *
 * The Loopscope server (scripts/server.mjs), like `next start`, handles these signals itself: it
 * stops accepting connections, waits for the requests in flight, then exits — however long an
 * upload takes. `next start` with `NEXT_MANUAL_SIG_HANDLE` set does nothing and leaves the exit
 * to the app. This handler works with both:
 *
 * 1. at once: new uploads are refused with 503 "shutting down" (Retry-After), on every
 *    ingestion endpoint (lib/ingest/receive.ts, the webhook), and so are those whose body is
 *    still being received (a slow client would otherwise hold the server up);
 * 2. the upload being stored may finish for up to finishMs() (6 s); after that it is rolled back at
 *    its next chunk (its request answers 503, nothing stored) and the queued ones are refused;
 * 3. the OTLP/gRPC receiver closes its port and the alert sender stops (lib/alerts/sender.ts: attempts
 *    in flight are cut short and retried later, its lease is given up); then the worker closes its connection, then this process's own (closeDb): the WAL is
 *    checkpointed and the files are left clean;
 * 4. the server exits once the answers are sent; with NEXT_MANUAL_SIG_HANDLE this handler exits.
 *    Whatever happens, the process is gone by HARD_EXIT_MS (< 10 s).
 */
import { stopAlertSender } from '@/lib/alerts/service';
import { closeDb } from '@/lib/data/connection';
import { abortIngest, beginIngestShutdown, closeIngestWorker, drainIngest } from '@/lib/ingest/queue';
import { abortReceiving } from '@/lib/ingest/receive';
import { stopOtlpGrpcServer } from '@/lib/otlp/grpc';

/**
 * How long the upload in progress may go on after the signal before it is rolled back:
 * `LOOPSCOPE_SHUTDOWN_GRACE_MS` (0 to 8000; default 6000).
 */
export function finishMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.LOOPSCOPE_SHUTDOWN_GRACE_MS ?? '');
  return env.LOOPSCOPE_SHUTDOWN_GRACE_MS && Number.isFinite(n) ? Math.min(8_000, Math.max(0, n)) : 6_000;
}
/** The latest the process exits after the signal. */
export const HARD_EXIT_MS = 9_000;

const flags = globalThis as unknown as { loopscopeShutdown?: { installed: boolean; started: boolean } };

export function installGracefulShutdown(): void {
  flags.loopscopeShutdown ??= { installed: false, started: false };
  if (flags.loopscopeShutdown.installed) return;
  flags.loopscopeShutdown.installed = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));
  process.on('exit', () => {
    // SQLite closes synchronously; a PostgreSQL pool's sockets close with the process.
    closeDb().catch(() => {});
  });
}

async function shutdown(signal: 'SIGTERM' | 'SIGINT'): Promise<void> {
  const state = flags.loopscopeShutdown!;
  if (state.started) return;
  state.started = true;
  const exitCode = signal === 'SIGTERM' ? 143 : 130;
  const t0 = Date.now();
  const log = (m: string) => console.log(`Loopscope: ${signal}: ${m} (+${Date.now() - t0} ms)`);
  log('refusing new uploads; letting the one in progress finish');
  const hard = setTimeout(() => {
    log('still running: exiting now (an unfinished upload is rolled back)');
    process.exit(exitCode);
  }, HARD_EXIT_MS);
  beginIngestShutdown();
  // Its last writes (attempt outcomes, the lease) go through the worker: done before it closes.
  const alertsStopped = stopAlertSender().catch((err: Error) => console.error(`Loopscope: shutdown: alerts: ${err.message}`));
  const cut = abortReceiving();
  if (cut > 0) log(`stopped receiving ${cut} upload(s) still being sent (answered 503)`);
  try {
    if (!(await drainIngest(finishMs()))) {
      log('the upload in progress is rolled back');
      abortIngest();
      await drainIngest(1_500);
    }
    await alertsStopped;
    // Calls still open have been answered (stored, or refused with UNAVAILABLE): close the port.
    await stopOtlpGrpcServer(500);
    await closeIngestWorker();
    log('OTLP/gRPC receiver and ingest worker stopped, the connection closed');
  } catch (err) {
    console.error(`Loopscope: shutdown: ${(err as Error).message}`);
  }
  if (process.env.NEXT_MANUAL_SIG_HANDLE) {
    // Let the answers of the last requests reach their clients, then stop.
    setTimeout(() => {
      void closeDb()
        .catch(() => {})
        .finally(() => {
          clearTimeout(hard);
          log('stopped');
          process.exit(exitCode);
        });
    }, 200);
  }
  // Otherwise the server's own handler exits once it has closed; `hard` is the backstop.
}
