/**
 * What the events-v1 parsers share (lib/events/parse.ts is their entry): the items they yield,
 * their interface, and the handling of JSON text and raw bytes common to the three formats.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { repeatedKey } from './duplicate-keys';
import { validateEvent, type Place } from './validate';
import type { LoopEvent, Problem } from './types';

/** One event or the problems of one would-be event; exactly one of `event` and `problems` is set. */
export interface ParsedItem {
  /** Physical line (from 1) where the event starts. */
  line: number;
  /** Index (from 0) in a JSON array; only for JSON arrays. */
  index?: number;
  event?: LoopEvent;
  problems?: Problem[];
  /**
   * The input as a whole cannot be read (e.g. an OTLP body that is not valid protobuf): the
   * upload is refused even when it stores the valid events and lists the rest.
   */
  fatal?: boolean;
}

export interface ReadOptions {
  /** The team the request fixes (a team API token, or an upload into a chosen team). */
  fixedTeam?: string;
  /** Longest accepted line (NDJSON), array element (JSON) or record (CSV), in bytes. Default 1 MiB. */
  maxLineBytes?: number;
}

/** A push parser: feed it chunks, then end it; each call returns the items completed by it. */
export interface EventParser {
  push(chunk: Uint8Array | string): ParsedItem[];
  /** A parser that reads its input whole may look things up in the database here (lib/importers/github.ts). */
  end(): ParsedItem[] | Promise<ParsedItem[]>;
  /**
   * Multi-file sources (a directory, a zip): the next chunks belong to the file `name`, whose
   * lines are numbered from `firstLine` (default 1: a file read from where an earlier import
   * stopped starts further on). Parsers without it get a fresh instance per file.
   */
  startFile?(name: string, firstLine?: number): ParsedItem[] | Promise<ParsedItem[]>;
  /** The agent the input came from, when the format tells it (recorded on the upload). */
  agent?(): string | undefined;
}

/** A parser that needs nothing but its input: it finishes without waiting. */
export interface StreamingEventParser extends EventParser {
  end(): ParsedItem[];
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export const NL = 0x0a;
export const CR = 0x0d;
export const BOM = [0xef, 0xbb, 0xbf];

export function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (Buffer.isBuffer(chunk)) return chunk;
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** "1 MiB", "64 KiB" or "1000 bytes". */
export function formatLimit(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** "not valid JSON: <reason>", the reason from V8's message with the echo of the input cut off. */
export function jsonProblemMessage(e: unknown): string {
  let m = e instanceof Error ? e.message : String(e);
  const echo = m.indexOf(', "');
  if (echo > 0 && m.endsWith(' is not valid JSON')) m = m.slice(0, echo);
  const at = m.indexOf(' in JSON at position ');
  if (at >= 0) {
    const pos = parseInt(m.slice(at + 21), 10);
    m = m.slice(0, at) + (Number.isFinite(pos) ? ` at column ${pos + 1}` : '');
  }
  if (m.length > 0) m = m.charAt(0).toLowerCase() + m.slice(1);
  return `not valid JSON: ${m}`;
}

/**
 * A JSON event's text and its parse, validated: bytes that are not UTF-8 and repeated keys first
 * (events-v1 Validation), then validateEvent. `notUtf8`: the text was decoded from bytes that are
 * not valid UTF-8 (strictUtf8Text gave null), so U+FFFD stands where they were.
 */
export function validateJsonEvent(
  text: string,
  raw: unknown,
  place: Place,
  team: string | undefined,
  notUtf8 = false,
): Pick<ParsedItem, 'event' | 'problems'> {
  const r = validateEvent(raw, place, team);
  const found: Problem[] = [];
  const at = { line: place.line, ...(place.index !== undefined && { index: place.index }) };
  if (notUtf8) found.push({ ...at, field: replacedField(raw), message: NOT_UTF8_MESSAGE });
  const repeated = repeatedKey(text, raw);
  if (repeated !== null) found.push({ ...at, field: repeated, message: repeatedFieldMessage(repeated) });
  if (found.length === 0) return r.ok ? { event: r.event } : { problems: r.problems };
  return { problems: r.ok ? found : [...found, ...r.problems] };
}

export function repeatedFieldMessage(field: string): string {
  return field === '' ? 'names the same field twice' : `names the field '${field}' twice`;
}

/**
 * Text that is not valid UTF-8 is refused rather than stored with U+FFFD in place of its bad
 * bytes: two ids that differ only there would become one, and the second event would be taken
 * for a repeat of the first and dropped.
 */
export const NOT_UTF8_MESSAGE = 'is not valid UTF-8';

/** The top-level field whose name or value holds U+FFFD (where bytes that were not UTF-8 stood), or '' when none does. */
function replacedField(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '';
  for (const [key, value] of Object.entries(raw)) {
    if (key.includes('\uFFFD')) return '';
    if (typeof value === 'string' ? value.includes('\uFFFD') : JSON.stringify(value)?.includes('\uFFFD')) return key;
  }
  return '';
}

export function isJsonWhitespace(b: number): boolean {
  return b === 0x20 || b === NL || b === CR || b === 0x09;
}

/**
 * `buf[start, end)` decoded as UTF-8. Bytes that are all ASCII read the same in Latin-1, which
 * Node copies instead of decoding: 20 × faster on event logs, which are mostly ASCII.
 */
export function utf8Text(buf: Buffer, start: number, end: number): string {
  return isAscii(buf.subarray(start, end)) ? buf.toString('latin1', start, end) : buf.toString('utf8', start, end);
}

/** As utf8Text, but null when the bytes are not valid UTF-8 (where utf8Text would put U+FFFD). */
export function strictUtf8Text(buf: Buffer, start: number, end: number): string | null {
  const bytes = buf.subarray(start, end);
  if (isAscii(bytes)) return buf.toString('latin1', start, end);
  return isUtf8(bytes) ? buf.toString('utf8', start, end) : null;
}

/** Concatenates the pending parts and buf[start, end) into one Buffer. */
export function joinParts(parts: Buffer[], partsLen: number, buf: Buffer, start: number, end: number): Buffer {
  if (parts.length === 0) return buf.subarray(start, end);
  if (end > start) parts.push(buf.subarray(start, end));
  return Buffer.concat(parts, partsLen + (end - start));
}
