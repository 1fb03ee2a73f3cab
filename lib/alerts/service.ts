/**
 * The server's one alert sender (started by lib/server/startup.ts, stopped by shutdown.ts). Kept
 * on globalThis because Next may load this module more than once in one process; it holds only
 * the timer and this instance's holder name, everything else is in the database.
 */
import { alertIntervalMs, alertLinkBase, digestSchedule } from '@/lib/config';
import { dataContext } from '@/lib/data/context';
import { AlertSender, newHolderName } from './sender';

const state = globalThis as unknown as { loopscopeAlertSender?: AlertSender };

/** Starts the sender (settings are read and checked now: a bad one stops the server's start). */
export function startAlertSender(): void {
  if (state.loopscopeAlertSender) return;
  const sender = new AlertSender({
    context: dataContext,
    holder: newHolderName(),
    intervalMs: alertIntervalMs(),
    baseUrl: alertLinkBase(),
    digest: digestSchedule(),
  });
  state.loopscopeAlertSender = sender;
  sender.start();
}

export async function stopAlertSender(): Promise<void> {
  const sender = state.loopscopeAlertSender;
  state.loopscopeAlertSender = undefined;
  await sender?.stop();
}
