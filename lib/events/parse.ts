/**
 * Streaming readers for events-v1 files: NDJSON, a JSON array, or CSV (../shared/spec/events-v1.md).
 *
 * Input arrives in chunks of bytes (or strings); `readEvents` never holds the whole input. Each format
 * is a small push parser working on bytes (`Buffer`), so multi-byte characters split across
 * chunks need no care (every delimiter is ASCII), and an over-long line / element / record is
 * skipped without being buffered. Every event is checked by `validateEvent`.
 */
import { repeatedKey } from './duplicate-keys';
import { ARRAY_FIELDS, BOOLEAN_FIELDS, INTEGER_FIELDS, NUMBER_FIELDS, validateEvent } from './validate';
import type { Place } from './validate';
import type { InputFormat, LoopEvent, Problem } from './types';

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

/** NDJSON decodes up to this many bytes of whole lines at a time. */
const DECODE_WINDOW = 1024 * 1024;

/**
 * Reads events from a stream of chunks. Yields one item per event (valid or not) and one per
 * problem that belongs to no event (e.g. an over-long line, a JSON array that is not closed).
 */
export async function* readEvents(
  input: AsyncIterable<Uint8Array | string>,
  format: InputFormat,
  options?: ReadOptions,
): AsyncGenerator<ParsedItem> {
  const parser = createEventParser(format, options);
  for await (const chunk of input) {
    const items = parser.push(chunk);
    for (let i = 0; i < items.length; i++) yield items[i];
  }
  const items = parser.end();
  for (let i = 0; i < items.length; i++) yield items[i];
}

/** Parses a whole input held in memory (small inputs, tests). */
export function parseEvents(input: Uint8Array | string, format: InputFormat, options?: ReadOptions): ParsedItem[] {
  const parser = createEventParser(format, options);
  const items = parser.push(input);
  const rest = parser.end();
  for (let i = 0; i < rest.length; i++) items.push(rest[i]);
  return items;
}

export function createEventParser(format: InputFormat, options?: ReadOptions): StreamingEventParser {
  const max = options?.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!(max >= 1)) throw new RangeError(`maxLineBytes must be at least 1, got ${max}`);
  const team = options?.fixedTeam;
  switch (format) {
    case 'ndjson':
      return new NdjsonParser(max, team);
    case 'json':
      return new JsonArrayParser(max, team);
    case 'csv':
      return new CsvParser(max, team);
    default:
      throw new RangeError(`unknown input format '${String(format)}'`);
  }
}

// ---------------------------------------------------------------------------------------------

const NL = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

function toBuffer(chunk: Uint8Array | string): Buffer {
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
function jsonProblemMessage(e: unknown): string {
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

/** A JSON event's text and its parse, validated: repeated keys first (events-v1 Validation), then validateEvent. */
function validateJsonEvent(text: string, raw: unknown, place: Place, team: string | undefined): Pick<ParsedItem, 'event' | 'problems'> {
  const r = validateEvent(raw, place, team);
  const repeated = repeatedKey(text, raw);
  if (repeated === null) return r.ok ? { event: r.event } : { problems: r.problems };
  const problem: Problem = { line: place.line, ...(place.index !== undefined && { index: place.index }), field: repeated, message: repeatedFieldMessage(repeated) };
  return { problems: r.ok ? [problem] : [problem, ...r.problems] };
}

function repeatedFieldMessage(field: string): string {
  return field === '' ? 'names the same field twice' : `names the field '${field}' twice`;
}

function isJsonWhitespace(b: number): boolean {
  return b === 0x20 || b === NL || b === CR || b === 0x09;
}

/** Concatenates the pending parts and buf[start, end) into one Buffer. */
function joinParts(parts: Buffer[], partsLen: number, buf: Buffer, start: number, end: number): Buffer {
  if (parts.length === 0) return buf.subarray(start, end);
  if (end > start) parts.push(buf.subarray(start, end));
  return Buffer.concat(parts, partsLen + (end - start));
}

// ---------------------------------------------------------------------------------------------
// NDJSON

class NdjsonParser implements EventParser {
  /** Number of the line being read. */
  private line = 1;
  /** Bytes of the current line seen in earlier chunks (copies). */
  private parts: Buffer[] = [];
  private partsLen = 0;
  /** The current line is over the limit: skip to its newline. */
  private discarding = false;
  private readonly place: Place = { line: 0 };

  constructor(
    private readonly max: number,
    private readonly team: string | undefined,
  ) {}

  push(input: Uint8Array | string): ParsedItem[] {
    const chunk = toBuffer(input);
    const out: ParsedItem[] = [];
    const n = chunk.length;
    const max = this.max;
    let pos = 0;
    if (this.discarding) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) return out;
      this.discarding = false;
      this.line++;
      pos = nl + 1;
    } else if (this.partsLen > 0) {
      const nl = chunk.indexOf(NL);
      const len = this.partsLen + (nl < 0 ? n : nl);
      if (len > max) {
        this.tooLong(out);
        this.parts = [];
        this.partsLen = 0;
        if (nl < 0) {
          this.discarding = true;
          return out;
        }
      } else if (nl < 0) {
        this.parts.push(Buffer.from(chunk)); // a copy: the producer may reuse its buffer
        this.partsLen += n;
        return out;
      } else {
        const buf = joinParts(this.parts, this.partsLen, chunk, 0, nl);
        this.parts = [];
        this.partsLen = 0;
        this.handleLine(buf, 0, buf.length, out);
      }
      this.line++;
      pos = nl + 1;
    }
    while (pos < n) {
      // Decode a window of whole lines at once (one call instead of one a line), then split it.
      const windowEnd = Math.min(n, pos + DECODE_WINDOW);
      const lastNL = windowEnd - pos > 1 ? chunk.lastIndexOf(NL, windowEnd - 1) : -1;
      if (lastNL > pos) {
        this.handleLines(chunk.toString('utf8', pos, lastNL), out);
        this.line++;
        pos = lastNL + 1;
        continue;
      }
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) {
        if (n - pos > max) {
          this.tooLong(out);
          this.discarding = true;
        } else {
          this.parts.push(Buffer.from(chunk.subarray(pos)));
          this.partsLen = n - pos;
        }
        break;
      }
      if (nl - pos > max) this.tooLong(out);
      else this.handleLine(chunk, pos, nl, out);
      this.line++;
      pos = nl + 1;
    }
    return out;
  }

  /** Whole lines, decoded: `text` holds one or more lines separated by "\n", without the last "\n". */
  private handleLines(text: string, out: ParsedItem[]): void {
    const max = this.max;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      const units = end - start;
      // A UTF-16 unit is 1–3 UTF-8 bytes (a surrogate pair 4 bytes for 2 units).
      if (units * 3 > max && (units > max || Buffer.byteLength(text.slice(start, end), 'utf8') > max)) this.tooLong(out);
      else this.handleText(text, start, end, out);
      if (nl < 0) return;
      this.line++;
      start = nl + 1;
    }
  }

  private handleText(text: string, start: number, end: number, out: ParsedItem[]): void {
    const line = this.line;
    if (end > start && text.charCodeAt(end - 1) === CR) end--;
    if (line === 1 && end > start && text.charCodeAt(start) === 0xfeff) start++;
    if (start >= end) return;
    if (text.charCodeAt(start) !== 0x7b) {
      let i = start;
      while (i < end && isJsonWhitespace(text.charCodeAt(i))) i++;
      if (i === end) return;
    }
    let raw: unknown;
    const source = start === 0 && end === text.length ? text : text.slice(start, end);
    try {
      raw = JSON.parse(source);
    } catch (e) {
      out.push({ line, problems: [{ line, field: '', message: jsonProblemMessage(e) }] });
      return;
    }
    const place = this.place;
    place.line = line;
    out.push({ line, ...validateJsonEvent(source, raw, place, this.team) });
  }

  end(): ParsedItem[] {
    const out: ParsedItem[] = [];
    if (this.partsLen > 0) {
      const buf = Buffer.concat(this.parts, this.partsLen);
      this.parts = [];
      this.partsLen = 0;
      this.handleLine(buf, 0, buf.length, out);
    }
    this.discarding = false;
    return out;
  }

  private tooLong(out: ParsedItem[]): void {
    out.push({ line: this.line, problems: [{ line: this.line, field: '', message: `line is longer than the ${formatLimit(this.max)} limit` }] });
  }

  /** One whole line, as bytes. */
  private handleLine(buf: Buffer, start: number, end: number, out: ParsedItem[]): void {
    const text = buf.toString('utf8', start, end);
    this.handleText(text, 0, text.length, out);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON array

const J_START = 0; // before the '['
const J_BEFORE = 1; // after '[' or ',': expecting an element (or ']')
const J_ELEM = 2; // inside an element
const J_AFTER = 3; // after the closing ']'
const J_DONE = 4; // stopped: the rest of the input is ignored

/**
 * A JSON array of events, scanned for the extent of each top-level element (string / escape
 * state and nesting depth); each element's text is then given to JSON.parse on its own.
 */
class JsonArrayParser implements EventParser {
  private state = J_START;
  /** Physical line of the byte being scanned. */
  private line = 1;
  /** Bytes consumed so far (for the byte-order mark). */
  private offset = 0;
  /** Bytes of a leading byte-order mark skipped so far. */
  private bomSeen = 0;
  private afterComma = false;
  // Current element.
  private index = 0;
  private elemLine = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  private parts: Buffer[] = [];
  private partsLen = 0;
  private discarding = false;
  private readonly place: Place = { line: 0, index: 0 };

  constructor(
    private readonly max: number,
    private readonly team: string | undefined,
  ) {}

  push(input: Uint8Array | string): ParsedItem[] {
    const chunk = toBuffer(input);
    const out: ParsedItem[] = [];
    const n = chunk.length;
    let i = 0;
    /** Start of the current element in this chunk, or -1 when it began in an earlier one. */
    let elemStart = -1;
    while (i < n) {
      const state = this.state;
      if (state === J_ELEM) {
        // Hot loop: find the end of the element.
        let depth = this.depth;
        let inString = this.inString;
        let escape = this.escape;
        let line = this.line;
        let end = -1;
        let closes = false;
        for (; i < n; i++) {
          const b = chunk[i];
          if (inString) {
            if (escape) escape = false;
            else if (b === 0x5c) escape = true;
            else if (b === 0x22) inString = false;
            else if (b === NL) line++;
          } else if (b === 0x22) inString = true;
          else if (b === 0x7b || b === 0x5b) depth++;
          else if (b === 0x7d || b === 0x5d) {
            if (depth > 0) depth--;
            else if (b === 0x5d) {
              end = i;
              closes = true;
              break;
            }
          } else if (b === 0x2c) {
            if (depth === 0) {
              end = i;
              break;
            }
          } else if (b === NL) line++;
        }
        this.depth = depth;
        this.inString = inString;
        this.escape = escape;
        this.line = line;
        if (end < 0) {
          // The element goes on in the next chunk.
          this.carry(chunk, elemStart < 0 ? 0 : elemStart, n, out);
          break;
        }
        this.finishElement(chunk, elemStart < 0 ? 0 : elemStart, end, out);
        elemStart = -1;
        i = end + 1;
        if (closes) this.state = J_AFTER;
        else {
          this.state = J_BEFORE;
          this.afterComma = true;
        }
        continue;
      }
      const b = chunk[i];
      if (state === J_DONE) break;
      if (state === J_START && this.offset + i < 3 && this.offset + i === this.bomSeen && b === BOM[this.bomSeen]) {
        this.bomSeen++;
        i++;
        continue;
      }
      if (b === NL) {
        this.line++;
        i++;
        continue;
      }
      if (b === 0x20 || b === 0x09 || b === CR) {
        i++;
        continue;
      }
      if (state === J_START) {
        if (b === 0x5b) {
          this.state = J_BEFORE;
          this.afterComma = false;
        } else {
          const hint = b === 0x7b ? " (one JSON object a line is NDJSON)" : '';
          out.push(this.arrayProblem(`not a JSON array: the input must start with '['${hint}`));
          this.state = J_DONE;
        }
        i++;
      } else if (state === J_BEFORE) {
        if (b === 0x5d) {
          if (this.afterComma) out.push(this.elementProblem(this.line, "expected an element after ',' (trailing comma)"));
          this.state = J_AFTER;
          i++;
        } else if (b === 0x2c) {
          out.push(this.elementProblem(this.line, "expected an element before ','"));
          this.index++;
          this.afterComma = true;
          i++;
        } else {
          this.state = J_ELEM;
          this.elemLine = this.line;
          this.depth = 0;
          this.inString = false;
          this.escape = false;
          this.discarding = false;
          elemStart = i;
        }
      } else {
        // J_AFTER
        out.push(this.arrayProblem('unexpected text after the end of the JSON array'));
        this.state = J_DONE;
        break;
      }
    }
    this.offset += n;
    return out;
  }

  end(): ParsedItem[] {
    const out: ParsedItem[] = [];
    switch (this.state) {
      case J_START:
        out.push(this.arrayProblem('not a JSON array: the input is empty'));
        break;
      case J_BEFORE:
        out.push(this.arrayProblem("the JSON array is not closed: missing ']'"));
        break;
      case J_ELEM:
        if (this.depth === 0 && !this.inString) {
          // The element itself is whole; only the array's ']' is missing.
          if (this.discarding) this.discarding = false;
          else {
            const buf = Buffer.concat(this.parts, this.partsLen);
            this.parts = [];
            this.partsLen = 0;
            this.handleElement(buf, 0, buf.length, out);
          }
          this.index++;
          out.push(this.arrayProblem("the JSON array is not closed: missing ']'"));
        } else {
          if (!this.discarding) out.push(this.elementProblem(this.elemLine, 'not valid JSON: the input ends inside this element'));
          out.push(this.arrayProblem("the JSON array is not closed: missing ']'"));
        }
        break;
      default:
        break;
    }
    this.parts = [];
    this.partsLen = 0;
    this.state = J_DONE;
    return out;
  }

  /** Keeps chunk[start, end) of the current element for the next chunk, or starts discarding it. */
  private carry(chunk: Buffer, start: number, end: number, out: ParsedItem[]): void {
    if (this.discarding) return;
    const len = this.partsLen + (end - start);
    if (len > this.max) {
      out.push(this.elementProblem(this.elemLine, `element is longer than the ${formatLimit(this.max)} limit`));
      this.discarding = true;
      this.parts = [];
      this.partsLen = 0;
      return;
    }
    if (end > start) {
      this.parts.push(Buffer.from(chunk.subarray(start, end)));
      this.partsLen = len;
    }
  }

  private finishElement(chunk: Buffer, start: number, end: number, out: ParsedItem[]): void {
    if (this.discarding) {
      this.discarding = false;
    } else if (this.partsLen + (end - start) > this.max) {
      out.push(this.elementProblem(this.elemLine, `element is longer than the ${formatLimit(this.max)} limit`));
    } else {
      if (this.parts.length === 0) this.handleElement(chunk, start, end, out);
      else {
        const buf = joinParts(this.parts, this.partsLen, chunk, start, end);
        this.handleElement(buf, 0, buf.length, out);
      }
    }
    this.parts = [];
    this.partsLen = 0;
    this.index++;
  }

  private handleElement(buf: Buffer, start: number, end: number, out: ParsedItem[]): void {
    const line = this.elemLine;
    const index = this.index;
    let raw: unknown;
    const source = buf.toString('utf8', start, end);
    try {
      raw = JSON.parse(source);
    } catch (e) {
      out.push({ line, index, problems: [{ line, index, field: '', message: jsonProblemMessage(e) }] });
      return;
    }
    const place = this.place;
    place.line = line;
    place.index = index;
    out.push({ line, index, ...validateJsonEvent(source, raw, place, this.team) });
  }

  /** A problem of the element at `this.index`. */
  private elementProblem(line: number, message: string): ParsedItem {
    const index = this.index;
    return { line, index, problems: [{ line, index, field: '', message }] };
  }

  /** A problem of the array as a whole, at the current line. */
  private arrayProblem(message: string): ParsedItem {
    const line = this.line;
    return { line, problems: [{ line, field: '', message }] };
  }
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180)

const C_INT = 1;
const C_NUM = 2;
const C_BOOL = 3;
const C_ARRAY = 4;
const C_TS = 5;
const C_STR = 6;
const C_ATTR = 7;
const C_IGNORE = 0;

interface Column {
  kind: number;
  /** Field name (top-level columns). */
  name: string;
  /** Key path below `attrs` (attrs.* columns). */
  path: string[];
}

const INT_RE = /^-?[0-9]+$/;
const NUM_RE = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const DIGITS_RE = /^[0-9]+$/;

class CsvParser implements EventParser {
  /** Physical line of the byte being scanned. */
  private line = 1;
  /** Line where the current record starts. */
  private recordLine = 1;
  /** Bytes of a leading byte-order mark matched so far; 3 once decided either way. */
  private bom = 0;
  // Current field and record.
  private field: Buffer = Buffer.allocUnsafe(256);
  private fieldLen = 0;
  private inQuotes = false;
  /** A '"' closed a quoted part; a second '"' right after it is an escaped quote. */
  private afterQuote = false;
  private fieldQuoted = false;
  private pendingCR = false;
  private cells: string[] = [];
  private recordQuoted = false;
  /** Bytes kept for the current record (cell contents and separators). */
  private recordBytes = 0;
  private discarding = false;
  private columns: Column[] | null = null;
  /** Groups of header columns that name the same field (two non-empty cells of one: the field is named twice). */
  private repeatedColumns: number[][] = [];
  private out: ParsedItem[] = [];
  private readonly place: Place = { line: 0 };

  constructor(
    private readonly max: number,
    private readonly team: string | undefined,
  ) {}

  push(input: Uint8Array | string): ParsedItem[] {
    const chunk = toBuffer(input);
    const out: ParsedItem[] = (this.out = []);
    const n = chunk.length;
    let i = 0;
    while (this.bom < 3 && i < n) {
      if (chunk[i] === BOM[this.bom]) {
        this.bom++;
        i++;
      } else this.notBom();
    }
    for (; i < n; i++) {
      const b = chunk[i];
      if (this.inQuotes) {
        if (b === 0x22) {
          this.inQuotes = false;
          this.afterQuote = true;
        } else {
          if (b === NL) this.line++;
          this.append(b);
        }
      } else this.byte(b);
    }
    return out;
  }

  end(): ParsedItem[] {
    const out: ParsedItem[] = (this.out = []);
    if (this.bom < 3) this.notBom();
    if (this.inQuotes) {
      const line = this.recordLine;
      if (!this.discarding) out.push({ line, problems: [{ line, field: '', message: 'a quoted cell is not closed before the end of the input' }] });
    } else {
      this.pendingCR = false; // a final CR ends the last line
      this.afterQuote = false;
      if (!this.discarding && (this.fieldLen > 0 || this.cells.length > 0 || this.fieldQuoted)) this.endRecord();
    }
    this.inQuotes = false;
    this.cells = [];
    this.fieldLen = 0;
    this.discarding = false;
    return out;
  }

  /** The first bytes matched only part of a byte-order mark: they are data after all. */
  private notBom(): void {
    const k = this.bom;
    this.bom = 3;
    for (let j = 0; j < k; j++) this.byte(BOM[j]);
  }

  /** One byte outside a quoted part. */
  private byte(b: number): void {
    if (this.afterQuote) {
      this.afterQuote = false;
      if (b === 0x22) {
        // "" inside a quoted cell
        this.append(0x22);
        this.inQuotes = true;
        return;
      }
    }
    if (this.pendingCR) {
      this.pendingCR = false;
      if (b === NL) {
        this.endLine();
        return;
      }
      this.append(CR);
    }
    if (b === 0x2c) {
      this.endField();
      if (++this.recordBytes > this.max && !this.discarding) this.startDiscarding();
    } else if (b === NL) this.endLine();
    else if (b === CR) this.pendingCR = true;
    else if (b === 0x22 && this.fieldLen === 0 && !this.fieldQuoted) {
      this.inQuotes = true;
      this.fieldQuoted = true;
      this.recordQuoted = true;
    } else this.append(b); // lenient: a stray quote or text after a closing quote is kept
  }

  private append(b: number): void {
    if (this.discarding) return;
    if (++this.recordBytes > this.max) {
      this.startDiscarding();
      return;
    }
    if (this.fieldLen === this.field.length) {
      const bigger = Buffer.allocUnsafe(this.field.length * 2);
      this.field.copy(bigger, 0, 0, this.fieldLen);
      this.field = bigger;
    }
    this.field[this.fieldLen++] = b;
  }

  private endField(): void {
    if (!this.discarding) this.cells.push(this.fieldLen === 0 ? '' : this.field.toString('utf8', 0, this.fieldLen));
    this.fieldLen = 0;
    this.fieldQuoted = false;
  }

  private startDiscarding(): void {
    this.discarding = true;
    this.cells = [];
    this.fieldLen = 0;
    const line = this.recordLine;
    this.out.push({ line, problems: [{ line, field: '', message: `record is longer than the ${formatLimit(this.max)} limit` }] });
  }

  /** A newline outside quotes: the record ends. */
  private endLine(): void {
    this.endRecord();
    this.line++;
    this.recordLine = this.line;
  }

  private endRecord(): void {
    this.endField();
    const cells = this.cells;
    const discarded = this.discarding;
    const quoted = this.recordQuoted;
    this.cells = [];
    this.recordBytes = 0;
    this.discarding = false;
    this.recordQuoted = false;
    if (discarded) return;
    if (cells.length === 1 && !quoted && cells[0].trim() === '') return; // a blank line
    const columns = this.columns;
    if (columns === null) {
      this.columns = cells.map(planColumn);
      this.repeatedColumns = repeatedColumns(this.columns);
      return;
    }
    const line = this.recordLine;
    const out = this.out;
    if (cells.length !== columns.length) {
      out.push({
        line,
        problems: [{ line, field: '', message: `expected ${columns.length} cells as in the header, found ${cells.length}` }],
      });
      return;
    }
    const raw: Record<string, unknown> = {};
    let attrs: Record<string, unknown> | undefined;
    let conflict: string | null = null;
    for (let c = 0; c < columns.length; c++) {
      const cell = cells[c];
      if (cell === '') continue; // an empty cell: the field is absent
      const col = columns[c];
      switch (col.kind) {
        case C_STR:
          raw[col.name] = cell;
          break;
        case C_INT:
          raw[col.name] = INT_RE.test(cell) ? Number(cell) : cell;
          break;
        case C_NUM:
          raw[col.name] = NUM_RE.test(cell) ? Number(cell) : cell;
          break;
        case C_BOOL:
          raw[col.name] = cell === 'true' ? true : cell === 'false' ? false : cell;
          break;
        case C_ARRAY:
          raw[col.name] = cell.split(';');
          break;
        case C_TS:
          raw[col.name] = DIGITS_RE.test(cell) ? Number(cell) : cell;
          break;
        case C_ATTR:
          if (attrs === undefined) attrs = {};
          if (!setPath(attrs, col.path, cell)) conflict = col.name;
          break;
        default:
          break;
      }
    }
    if (attrs !== undefined) raw.attrs = attrs;
    const place = this.place;
    place.line = line;
    const r = validateEvent(raw, place, this.team);
    const found: Problem[] = [];
    for (const group of this.repeatedColumns) {
      if (group.filter((c) => cells[c] !== '').length > 1) found.push({ line, field: columns[group[0]].name, message: repeatedFieldMessage(columns[group[0]].name) + ' (two header columns name it)' });
    }
    if (conflict !== null) found.push({ line, field: conflict, message: 'conflicts with another attrs column (a value and an object at once)' });
    if (found.length > 0) out.push({ line, problems: r.ok ? found : [...found, ...r.problems] });
    else out.push(r.ok ? { line, event: r.event } : { line, problems: r.problems });
  }
}

/** The header's columns that name the same field, grouped (ignored columns left out). */
function repeatedColumns(columns: readonly Column[]): number[][] {
  const byName = new Map<string, number[]>();
  columns.forEach((c, i) => {
    if (c.kind === C_IGNORE) return;
    const group = byName.get(c.name);
    if (group) group.push(i);
    else byName.set(c.name, [i]);
  });
  return [...byName.values()].filter((g) => g.length > 1);
}

/** How a header column maps onto an event field. */
function planColumn(header: string): Column {
  const name = header.trim();
  if (name.startsWith('attrs.') && name.length > 6) return { kind: C_ATTR, name, path: name.slice(6).split('.') };
  if (name === '' || name.includes('.') || name === 'attrs') return { kind: C_IGNORE, name, path: [] };
  let kind = C_STR;
  if (INTEGER_FIELDS.has(name)) kind = C_INT;
  else if (NUMBER_FIELDS.has(name)) kind = C_NUM;
  else if (BOOLEAN_FIELDS.has(name)) kind = C_BOOL;
  else if (ARRAY_FIELDS.has(name)) kind = C_ARRAY;
  else if (name === 'ts') kind = C_TS;
  return { kind, name, path: [] };
}

/** Sets obj[path[0]][path[1]]... = value (own data properties, even for `__proto__`); false on a conflict. */
function setPath(obj: Record<string, unknown>, path: string[], value: string): boolean {
  let o = obj;
  for (let k = 0; k < path.length - 1; k++) {
    const key = path[k];
    const next = Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
    if (next === undefined) {
      const child: Record<string, unknown> = {};
      define(o, key, child);
      o = child;
    } else if (typeof next === 'object' && next !== null) o = next as Record<string, unknown>;
    else return false;
  }
  const last = path[path.length - 1];
  if (Object.prototype.hasOwnProperty.call(o, last) && typeof o[last] === 'object') return false;
  define(o, last, value);
  return true;
}

function define(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
