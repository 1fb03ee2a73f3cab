/** A JSON array of events (events-v1 Formats). */
import { NL, CR, BOM, toBuffer, formatLimit, jsonProblemMessage, validateJsonEvent, joinParts, strictUtf8Text, type ParsedItem, type EventParser } from './parse-common';
import type { Place } from './validate';

const J_START = 0; // before the '['
const J_BEFORE = 1; // after '[' or ',': expecting an element (or ']')
const J_ELEM = 2; // inside an element
const J_AFTER = 3; // after the closing ']'
const J_DONE = 4; // stopped: the rest of the input is ignored

/**
 * A JSON array of events, scanned for the extent of each top-level element (string / escape
 * state and nesting depth); each element's text is then given to JSON.parse on its own.
 */
export class JsonArrayParser implements EventParser {
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
    const strict = strictUtf8Text(buf, start, end);
    const source = strict ?? buf.toString('utf8', start, end);
    try {
      raw = JSON.parse(source);
    } catch (e) {
      out.push({ line, index, problems: [{ line, index, field: '', message: jsonProblemMessage(e) }] });
      return;
    }
    const place = this.place;
    place.line = line;
    place.index = index;
    out.push({ line, index, ...validateJsonEvent(source, raw, place, this.team, strict === null) });
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
