/** CSV, RFC 4180, one event per record (events-v1 Formats). */
import { NL, CR, BOM, toBuffer, formatLimit, repeatedFieldMessage, strictUtf8Text, NOT_UTF8_MESSAGE, type ParsedItem, type EventParser } from './parse-common';
import { ARRAY_FIELDS, BOOLEAN_FIELDS, INTEGER_FIELDS, NUMBER_FIELDS, validateEvent, type Place } from './validate';
import type { Problem } from './types';

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

export class CsvParser implements EventParser {
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
  /** The first cell of the record whose bytes are not valid UTF-8, or -1. */
  private notUtf8Cell = -1;
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
    if (!this.discarding) {
      const text = this.fieldLen === 0 ? '' : strictUtf8Text(this.field, 0, this.fieldLen);
      if (text === null && this.notUtf8Cell < 0) this.notUtf8Cell = this.cells.length;
      this.cells.push(text ?? this.field.toString('utf8', 0, this.fieldLen));
    }
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
    const notUtf8 = this.notUtf8Cell;
    this.notUtf8Cell = -1;
    this.cells = [];
    this.recordBytes = 0;
    this.discarding = false;
    this.recordQuoted = false;
    if (discarded) return;
    if (cells.length === 1 && !quoted && cells[0].trim() === '') return; // a blank line
    const columns = this.columns;
    if (columns === null) {
      if (notUtf8 >= 0) {
        // Column names decoded with U+FFFD would file every value under a name never sent.
        const line = this.recordLine;
        this.out.push({ line, fatal: true, problems: [{ line, field: '', message: `the header ${NOT_UTF8_MESSAGE}` }] });
      }
      this.columns = cells.map(planColumn);
      this.repeatedColumns = repeatedColumns(this.columns);
      if (!this.columns.some((c) => c.name === 'id' || c.name === 'type' || c.name === 'ts')) {
        // Every event needs all three: a file naming none of them is not events (JSON read as CSV, say).
        const line = this.recordLine;
        this.out.push({ line, fatal: true, problems: [{ line, field: '', message: 'the header names no id, type or ts column: this is not a CSV of events' }] });
      }
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
    if (notUtf8 >= 0 && columns[notUtf8].kind !== C_IGNORE) found.push({ line, field: columns[notUtf8].name, message: NOT_UTF8_MESSAGE });
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

