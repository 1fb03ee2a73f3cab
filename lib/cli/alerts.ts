/**
 * The CLI's alert commands (README, Alerts), kept apart from main.ts:
 *
 * - `alert add --team <slug> --url <url> [--secret <s>] [--kinds a,b] [--digest]`: a destination;
 *   prints its id last;
 * - `alert list --team <slug>`: the team's destinations and their latest deliveries;
 * - `alert pause|resume|remove <id>`;
 * - `alert test <id>`: sends a test message now and says what the receiver answered.
 */
import { sendTestAlert } from '@/lib/alerts/sender';
import { alertLinkBase } from '@/lib/config';
import { addAlertDestination, listAlertDestinations, removeAlertDestination, setAlertDestinationPaused } from '@/lib/data/alerts';
import { dataContext } from '@/lib/data/context';
import type { Team } from '@/lib/data/teams';
import { OPERATOR } from '@/lib/data/viewer';
import { formatUtcMinute } from '@/lib/format';
import { CliUsageError } from './importers';

export const ALERT_USAGE = `  alert add --team <slug> --url <url> [--secret <s>] [--kinds burn_without_outcome,stalled,chatter,divergence] [--digest]
                                                     send the team's flags (default: every kind) and, with
                                                     --digest, the weekly digest to an incoming webhook
  alert list --team <slug>                           a team's alert destinations and their latest deliveries
  alert test <id>                                    send a test message now; prints what the receiver answered
  alert pause <id> | alert resume <id> | alert remove <id>`;

export async function alertAdd(team: Team, values: { url?: string; secret?: string; kinds?: string; digest?: boolean }): Promise<void> {
  if (!values.url) throw new CliUsageError('alert add needs --url <incoming-webhook URL>');
  const kinds = values.kinds === undefined ? undefined : values.kinds.split(',').filter((k) => k.trim() !== '');
  const { id } = await addAlertDestination(OPERATOR, team.slug, { url: values.url, secret: values.secret, kinds, digest: values.digest ?? false }, dataContext());
  const [made] = (await listAlertDestinations(OPERATOR, team.slug, dataContext().db))!.filter((d) => d.id === id);
  console.log(`Added alert destination ${id} for team ${team.slug}: ${describe(made)}`);
  console.log(String(id));
}

export async function alertList(team: Team): Promise<void> {
  const list = (await listAlertDestinations(OPERATOR, team.slug, dataContext().db))!;
  if (list.length === 0) console.log(`Team ${team.slug} has no alert destination (add one: alert add --team ${team.slug} --url <url>)`);
  for (const d of list) {
    console.log(`${d.id}  ${describe(d)}`);
    for (const r of d.recent.slice(0, 5)) {
      const about = r.run ?? r.week ?? '';
      console.log(`    ${formatUtcMinute(r.lastAttemptAt ?? r.createdAt)}  ${r.kind}${about ? ` ${about}` : ''}  ${r.status} after ${r.attempts} attempt(s)${r.lastAnswer ? `: ${r.lastAnswer}` : ''}`);
    }
  }
  console.log(`${list.length} destination(s)`);
}

export async function alertSetPaused(id: number, paused: boolean): Promise<void> {
  await setAlertDestinationPaused(OPERATOR, id, paused, dataContext());
  console.log(`${paused ? 'Paused' : 'Resumed'} alert destination ${id}`);
  console.log(String(id));
}

export async function alertRemove(id: number): Promise<void> {
  await removeAlertDestination(OPERATOR, id, dataContext());
  console.log(`Removed alert destination ${id} and its deliveries`);
  console.log(String(id));
}

/** Sends a test message; a receiver that does not accept it is an error (exit 1) naming its answer. */
export async function alertTest(id: number): Promise<void> {
  const { deliveryId, result } = await sendTestAlert(OPERATOR, id, dataContext(), { baseUrl: alertLinkBase() });
  if (result.status !== 'delivered') throw new Error(`the test alert to destination ${id} was not accepted: ${result.answer}`);
  console.log(`Delivered a test alert to destination ${id}: ${result.answer}`);
  console.log(deliveryId);
}

/** `<id>` of `alert test|pause|resume|remove`. */
export function destinationId(text: string | undefined, command: string): number {
  const id = Number(text);
  if (!text || !Number.isSafeInteger(id) || id <= 0) throw new CliUsageError(`alert ${command} needs a destination id (see alert list)`);
  return id;
}

/** One line about a destination (its URL as listAlertDestinations masks it). */
function describe(d: { url: string; signed: boolean; kinds: string[]; digest: boolean; paused: boolean }): string {
  return [
    d.paused ? 'paused' : 'active',
    d.url,
    d.signed ? 'signed' : 'unsigned',
    `kinds: ${d.kinds.join(',') || 'none'}`,
    `digest: ${d.digest ? 'yes' : 'no'}`,
  ].join('  ');
}
