/**
 * What an alert says: the JSON body POSTed to a destination (docs: README, Alerts). Every body
 * has `text`, the one message a chat tool shows (Slack, Mattermost, Microsoft Teams workflows and
 * Discord's Slack-compatible endpoint all read it), `team`, `url` and `id`, the alert's stable id
 * (also sent as `X-Loopscope-Delivery`), plus the fields of its kind. Pure: no I/O.
 */
import { createHash, randomUUID } from 'node:crypto';
import { withParams } from '@/lib/dashboard/search-params';
import type { KpisAnswer } from '@/lib/data/kpis';
import { describeFlag } from '@/lib/flags/describe';
import type { Flag } from '@/lib/flags/flags';
import { FLAG_KIND_LABELS } from '@/lib/flags/kinds';
import { kpiCardModels } from '@/lib/kpi/cards';
import { isoWeekStart, utcDate } from '@/lib/kpi/time';
import type { KpiWindow } from '@/lib/kpi/types';

export interface AlertTeam {
  slug: string;
  name: string;
}

/** An alert ready for the outbox. */
export interface NewAlert {
  id: string;
  destinationId: number;
  /** A flag kind, `digest` or `test`. */
  kind: string;
  run: string | null;
  week: string | null;
  /** The exact JSON sent (and signed). */
  body: string;
}

/**
 * The stable id of an alert: a hash of the destination and what the alert is about, so that
 * evaluating the same flag again gives the same id (and the outbox, which keys on it, nothing new).
 */
export function alertId(destinationId: number, kind: string, subject: string): string {
  return createHash('sha256').update(`${destinationId}\u0000${kind}\u0000${subject}`).digest('hex').slice(0, 32);
}

/** What a flag's alert is keyed by: its run, or (divergence) the ISO week it was judged in. */
export function flagAlertSubject(flag: Flag, asOf: number): { run: string | null; week: string | null } {
  return 'run' in flag ? { run: flag.run, week: null } : { run: null, week: utcDate(isoWeekStart(asOf)) };
}

export function flagAlertId(destinationId: number, flag: Flag, asOf: number): string {
  const s = flagAlertSubject(flag, asOf);
  return alertId(destinationId, flag.kind, s.run ?? s.week!);
}

const teamLabel = (team: AlertTeam) => (team.name === team.slug ? team.slug : `${team.name} (${team.slug})`);

export function runUrl(base: string, team: string, run: string): string {
  return `${base}/runs/${encodeURIComponent(run)}?team=${encodeURIComponent(team)}`;
}

export function dashboardUrl(base: string, team: string, query: Record<string, string> = {}): string {
  return `${base}/teams/${encodeURIComponent(team)}${withParams(query, {})}`;
}

/** One flag, as a destination receives it. */
export function flagAlert(destinationId: number, team: AlertTeam, flag: Flag, asOf: number, base: string): NewAlert {
  const subject = flagAlertSubject(flag, asOf);
  const id = flagAlertId(destinationId, flag, asOf);
  const url = subject.run !== null ? runUrl(base, team.slug, subject.run) : dashboardUrl(base, team.slug);
  const what = subject.run !== null ? `run ${subject.run}` : 'whole team';
  const text = `[Loopscope] ${teamLabel(team)}: ${FLAG_KIND_LABELS[flag.kind]}, ${what}. ${describeFlag(flag)}. ${url}`;
  const body = { text, team: team.slug, flag: { kind: flag.kind, run: subject.run, evidence: flag.evidence }, url, id };
  return { id, destinationId, kind: flag.kind, run: subject.run, week: subject.week, body: JSON.stringify(body) };
}

/** A test message, sent at once from the settings page or `alert test`; a new id each time. */
export function testAlert(destinationId: number, team: AlertTeam, base: string): NewAlert {
  const id = alertId(destinationId, 'test', randomUUID());
  const url = `${dashboardUrl(base, team.slug)}/settings`;
  const text = `[Loopscope] Test alert for ${teamLabel(team)}: this destination receives Loopscope alerts. ${url}`;
  const body = { text, team: team.slug, test: true, flag: null, url, id };
  return { id, destinationId, kind: 'test', run: null, week: null, body: JSON.stringify(body) };
}

export interface DigestInput {
  destinationId: number;
  team: AlertTeam;
  /** The week and the week before (lib/alerts/schedule.ts digestWindows). */
  week: KpiWindow;
  previousWeek: KpiWindow;
  /** getKpis of the week and of the week before. */
  kpis: KpisAnswer;
  previous: KpisAnswer;
  /** getFlags of the week. */
  flags: Flag[];
  base: string;
}

/** Flags the digest's text names one by one; the rest are counted (all are in `flags`). */
const DIGEST_LISTED_FLAGS = 5;

export function digestAlertId(destinationId: number, week: KpiWindow): string {
  return alertId(destinationId, 'digest', utcDate(week.from));
}

/** The weekly digest: the week's KPI cards against the week before, and its open flags. */
export function digestAlert(d: DigestInput): NewAlert {
  const week = utcDate(d.week.from);
  const id = digestAlertId(d.destinationId, d.week);
  const lastDay = utcDate(d.week.to - 1);
  const url = dashboardUrl(d.base, d.team.slug, { from: week, to: lastDay, asOf: new Date(d.week.asOf).toISOString() });
  const lines = [`[Loopscope] Weekly digest for ${teamLabel(d.team)}, ${week} to ${lastDay} (UTC), against the week before:`];
  for (const card of kpiCardModels(d.kpis, d.previous)) {
    lines.push(`• ${card.label}: ${card.value}${card.delta ? ` (${card.delta.text})` : ''}, ${card.detail}`);
  }
  if (d.flags.length === 0) {
    lines.push('No open flag: every busy run converged or stayed under the thresholds.');
  } else {
    const counts = new Map<string, number>();
    for (const f of d.flags) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
    const byKind = [...counts].map(([kind, n]) => `${n} ${FLAG_KIND_LABELS[kind as Flag['kind']].toLowerCase()}`).join(', ');
    lines.push(`Open flags: ${d.flags.length} (${byKind})`);
    for (const f of d.flags.slice(0, DIGEST_LISTED_FLAGS)) {
      const what = 'run' in f ? `run ${f.run}` : 'whole team';
      lines.push(`• ${FLAG_KIND_LABELS[f.kind]}, ${what}: ${describeFlag(f)}`);
    }
    if (d.flags.length > DIGEST_LISTED_FLAGS) lines.push(`…and ${d.flags.length - DIGEST_LISTED_FLAGS} more`);
  }
  lines.push(url);
  const body = {
    text: lines.join('\n'),
    team: d.team.slug,
    digest: { week, from: new Date(d.week.from).toISOString(), to: new Date(d.week.to).toISOString(), asOf: new Date(d.week.asOf).toISOString() },
    kpis: d.kpis,
    previous: d.previous,
    flags: d.flags,
    url,
    id,
  };
  return { id, destinationId: d.destinationId, kind: 'digest', run: null, week, body: JSON.stringify(body) };
}
