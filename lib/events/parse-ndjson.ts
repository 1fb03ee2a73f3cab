/** NDJSON: one event per line (events-v1 Formats). */
import { NL, CR, toBuffer, formatLimit, jsonProblemMessage, validateJsonEvent, isJsonWhitespace, joinParts, strictUtf8Text, type ParsedItem, type EventParser } from './parse-common';
import type { Place } from './validate';

/** NDJSON decodes up to this many bytes of whole lines at a time. */
const DECODE_WINDOW = 1024 * 1024;

export class NdjsonParser implements EventParser {
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
        const text = strictUtf8Text(chunk, pos, lastNL);
        if (text !== null) this.handleLines(text, out);
        else this.handleByteLines(chunk, pos, lastNL, out); // to tell which lines are not UTF-8
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

  /** Whole lines as bytes, `buf[start, end)` holding one or more lines separated by "\n", without the last "\n". */
  private handleByteLines(buf: Buffer, start: number, end: number, out: ParsedItem[]): void {
    for (;;) {
      const nl = buf.indexOf(NL, start);
      const lineEnd = nl < 0 || nl > end ? end : nl;
      if (lineEnd - start > this.max) this.tooLong(out);
      else this.handleLine(buf, start, lineEnd, out);
      if (lineEnd === end) return;
      this.line++;
      start = lineEnd + 1;
    }
  }

  private handleText(text: string, start: number, end: number, out: ParsedItem[], notUtf8 = false): void {
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
    out.push({ line, ...validateJsonEvent(source, raw, place, this.team, notUtf8) });
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
    const strict = strictUtf8Text(buf, start, end);
    const text = strict ?? buf.toString('utf8', start, end);
    this.handleText(text, 0, text.length, out, strict === null);
  }
}
