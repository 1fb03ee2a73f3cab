/**
 * Events as the demo and the benchmark send them (events-v1 wire objects, docs/events.md: `ts`
 * an RFC 3339 UTC string, `team` set), the time arithmetic their generators share, and their
 * NDJSON and CSV forms.
 */
import type { LoopEvent } from '../events/types';

/** One event as sent on the wire: like `LoopEvent` but `ts` is an RFC 3339 string and `team` is set. */
export type WireEvent = Omit<LoopEvent, 'ts' | 'team'> & { ts: string; team: string };

/** A wire event's own fields, past the four every event has. */
export type WireFields = Omit<WireEvent, 'id' | 'type' | 'ts' | 'team'>;

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

export function toMs(t: Date | number): number {
  const ms = typeof t === 'number' ? t : t.getTime();
  if (!Number.isFinite(ms)) throw new Error('asOf must be a valid date or epoch milliseconds');
  return Math.floor(ms);
}


/** NDJSON lines, each ending with "\n". */
export function* toNdjsonLines(events: Iterable<WireEvent>): Generator<string> {
  for (const e of events) yield JSON.stringify(e) + '\n';
}

/** The CSV columns the demo's events use (attrs keys flattened with `.`). */
export const DEMO_CSV_COLUMNS: string[] = [
  'id',
  'type',
  'ts',
  'team',
  'run',
  'agent',
  'model',
  'repo',
  'branch',
  'task',
  'status',
  'n',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cost_usd',
  'tool',
  'ok',
  'duration_ms',
  'passed',
  'failed',
  'skipped',
  'from',
  'to',
  'tokens',
  'change',
  'title',
  'additions',
  'deletions',
  'by',
  'lines',
  'defect',
  'changes',
  'severity',
  'attrs.trigger',
  'attrs.ticket',
  'attrs.exit_code',
  'attrs.stop_reason',
  'attrs.draft',
];

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s: string;
  if (Array.isArray(v)) s = v.map((x) => String(x)).join(';');
  else if (typeof v === 'number') {
    s = Number.isInteger(v) || Math.abs(v) >= 1e-6 ? String(v) : v.toFixed(20).replace(/0+$/, '');
  } else s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/**
 * CSV with a header row (first string). Nested `attrs` keys become `attrs.<key>` columns; an
 * event with a field or attrs key outside `columns` is an error, never silently dropped.
 */
export function* toCsv(events: Iterable<WireEvent>, columns: string[] = DEMO_CSV_COLUMNS): Generator<string> {
  const known = new Set(columns);
  yield columns.map(csvCell).join(',') + '\n';
  for (const e of events) {
    const rec = e as unknown as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      if (key === 'attrs') {
        const attrs = rec.attrs as Record<string, unknown>;
        for (const a of Object.keys(attrs)) {
          if (!known.has(`attrs.${a}`)) throw new Error(`toCsv: no column for attrs.${a} (event ${e.id})`);
        }
      } else if (!known.has(key)) {
        throw new Error(`toCsv: no column for ${key} (event ${e.id})`);
      }
    }
    const cells = columns.map((c) =>
      c.startsWith('attrs.') ? csvCell((rec.attrs as Record<string, unknown> | undefined)?.[c.slice(6)]) : csvCell(rec[c]),
    );
    yield cells.join(',') + '\n';
  }
}
