/**
 * The stored form of an event: the validated event as JSON — unknown top-level fields dropped,
 * `attrs` as sent, `ts` as RFC 3339 UTC, and without `team` (the row names its team). Stored
 * rather than the text as sent, so that what is read back is exactly what was checked, whatever
 * form the event came in (NDJSON, a JSON array, CSV, an importer's object).
 */
import { isoUtc } from './iso';
import type { LoopEvent } from './types';

/**
 * One JSON.stringify of the event, then its `ts` number swapped for the date and its `team` cut
 * out, where validateEvent puts them (`id`, `type`, `ts`, then `team` if any): copying the event
 * without them before stringifying cost as much again, a tenth of an import. An event laid out
 * otherwise is copied as before.
 */
export function canonicalJson(event: LoopEvent): string {
  const json = JSON.stringify(event);
  let at = 6 + JSON.stringify(event.id).length; // past {"id":<id>
  const typed = json.startsWith('{"id":') && json.startsWith(',"type":', at);
  at += 10 + event.type.length; // the name of an event type needs no escape
  if (!typed || !json.startsWith(',"ts":', at)) return copied(event);
  const tsAt = at + 6;
  let rest = tsAt + String(event.ts).length; // a number's JSON is its String()
  if (event.team !== undefined) {
    if (!json.startsWith(',"team":', rest)) return copied(event);
    rest += 8 + JSON.stringify(event.team).length;
  }
  return `${json.slice(0, tsAt)}"${isoUtc(event.ts)}"${json.slice(rest)}`;
}

function copied(event: LoopEvent): string {
  const { team: _team, ...fields } = event;
  return JSON.stringify({ ...fields, ts: isoUtc(event.ts) });
}
