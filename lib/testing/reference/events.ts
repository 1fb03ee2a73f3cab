/**
 * The events that exist for a computation: per team, de-duplicated, cut at asOf.
 *
 * events-v1: "`id` — unique within a team; re-sending an event with the same `id` is a no-op
 * (idempotent ingest)". So the event that counts is the FIRST one sent with that id in that team
 * (uploads in order, lines in order), whatever its ts and whatever the later copies say.
 * kpis-v1: "Events with `ts > asOf` do not exist for the computation." The cut comes after the
 * de-duplication: a re-sent copy with an earlier ts does not resurrect an id whose first copy is
 * after asOf.
 */
import type { RawEvent } from './types';

/** An event that exists: its fields as sent, `ts` in epoch ms. */
export type Ev = Record<string, unknown> & { id: string; type: string; ts: number; team: string };

export const RUN_SCOPED = new Set(['run.started', 'run.ended', 'iteration', 'llm.call', 'tool.call', 'test.result', 'message']);

function tsOf(e: RawEvent): number {
  if (typeof e.ts === 'number') return e.ts;
  const t = Date.parse(e.ts);
  if (!Number.isFinite(t)) throw new Error(`reference: unreadable ts ${JSON.stringify(e.ts)} of ${e.id}`);
  return t;
}

/** The stored events of `team`: first copy of each id, in upload order. */
export function storedEvents(uploads: readonly (readonly RawEvent[])[], team: string): Ev[] {
  const byId = new Map<string, Ev>();
  for (const upload of uploads) {
    for (const e of upload) {
      if (e.team !== team || byId.has(e.id)) continue;
      byId.set(e.id, { ...e, ts: tsOf(e) });
    }
  }
  return [...byId.values()];
}

/** The stored events of `team` that exist at `asOf` (ts <= asOf). */
export function eventsAt(uploads: readonly (readonly RawEvent[])[], team: string, asOf: number): Ev[] {
  return storedEvents(uploads, team).filter((e) => e.ts <= asOf);
}

/**
 * Tie rule wherever the spec says "the earliest": the smallest ts, and among events of that ts
 * the smallest event id (plain string order). The spec leaves same-ms ties open; the product
 * uses the same rule.
 */
export function earlier(a: Ev, b: Ev): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.id < b.id);
}

/** The earliest of `events` (see `earlier`), or null when there is none. */
export function earliest(events: readonly Ev[]): Ev | null {
  let best: Ev | null = null;
  for (const e of events) if (best === null || earlier(e, best)) best = e;
  return best;
}

/** A field as a string, or null when absent (or not a string). */
export const str = (e: Ev | null, field: string): string | null =>
  e !== null && typeof e[field] === 'string' ? (e[field] as string) : null;

/** A field as a number, or 0 when absent ("integers ≥ 0", optional cache tokens). */
export const num = (e: Ev, field: string): number => (typeof e[field] === 'number' ? (e[field] as number) : 0);
