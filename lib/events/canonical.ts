/**
 * The stored form of an event: the validated event as JSON — unknown top-level fields dropped,
 * `attrs` as sent, `ts` as RFC 3339 UTC, and without `team` (the row names its team). Stored
 * rather than the text as sent, so that what is read back is exactly what was checked, whatever
 * form the event came in (NDJSON, a JSON array, CSV, an importer's object).
 */
import type { LoopEvent } from './types';

export function canonicalJson(event: LoopEvent): string {
  const { team: _team, ...fields } = event;
  return JSON.stringify({ ...fields, ts: new Date(event.ts).toISOString() });
}
