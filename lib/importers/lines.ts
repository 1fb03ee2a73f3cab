/**
 * The importers' common ground: splitting chunks of bytes into numbered lines (JSON Lines
 * sources: Claude Code transcripts, Codex rollouts, OTLP file exports), and turning the raw
 * events-v1 objects an importer builds into ParsedItems through `validateEvent`, so that an
 * importer's problems name the line and field exactly as an events-v1 file's do.
 */
import { formatLimit, NL, toBuffer, utf8Text, type EventParser, type ParsedItem } from '@/lib/events/parse-common';
import type { Problem } from '@/lib/events/types';
import { validateEvent } from '@/lib/events/validate';
import type { ImportOptions } from './types';

/** Transcript lines carry whole tool results (file contents, images): allow long ones. */
export const DEFAULT_IMPORT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface Line {
  /** Physical line number, from 1. */
  line: number;
  text: string;
}

/** A line's bytes `buf[start, end)` as text. */
export type LineDecoder = (buf: Buffer, start: number, end: number) => string;

/**
 * Splits a byte stream into lines (LF or CRLF), skipping a leading byte-order mark. A line over
 * the limit is reported once (`tooLong`) and skipped without being held in memory.
 */
export class LineSplitter {
  private line = 1;
  private parts: Buffer[] = [];
  private partsLen = 0;
  private discarding = false;

  /** `decode`: a line's bytes as the text handed on (an importer may skim them: lib/importers/skim.ts). */
  constructor(
    private readonly max: number,
    private readonly decode: LineDecoder = utf8Text,
  ) {}

  /** Starts over at `line` (the next file of a multi-file source). Any unfinished line is dropped: call end() first. */
  reset(line = 1): void {
    this.line = line;
    this.parts = [];
    this.partsLen = 0;
    this.discarding = false;
  }

  push(chunk: Uint8Array | string, out: Line[], tooLong: (line: number) => void): void {
    const buf = toBuffer(chunk);
    let pos = 0;
    const n = buf.length;
    while (pos < n) {
      const nl = buf.indexOf(NL, pos);
      const end = nl < 0 ? n : nl;
      if (this.discarding) {
        if (nl < 0) return;
        this.discarding = false;
        this.line++;
        pos = nl + 1;
        continue;
      }
      if (this.partsLen + (end - pos) > this.max) {
        tooLong(this.line);
        this.parts = [];
        this.partsLen = 0;
        if (nl < 0) {
          this.discarding = true;
          return;
        }
        this.line++;
        pos = nl + 1;
        continue;
      }
      if (nl < 0) {
        this.parts.push(Buffer.from(buf.subarray(pos))); // a copy: the producer may reuse its buffer
        this.partsLen += n - pos;
        return;
      }
      if (this.partsLen > 0) {
        this.parts.push(buf.subarray(pos, end));
        const whole = Buffer.concat(this.parts, this.partsLen + (end - pos));
        this.parts = [];
        this.partsLen = 0;
        this.emit(whole, 0, whole.length, out);
      } else this.emit(buf, pos, end, out);
      this.line++;
      pos = nl + 1;
    }
  }

  end(out: Line[]): void {
    if (this.partsLen > 0 && !this.discarding) {
      const whole = Buffer.concat(this.parts, this.partsLen);
      this.emit(whole, 0, whole.length, out);
    }
    this.parts = [];
    this.partsLen = 0;
    this.discarding = false;
  }

  private emit(buf: Buffer, start: number, end: number, out: Line[]): void {
    if (end > start && buf[end - 1] === 0x0d) end--;
    if (this.line === 1 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    out.push({ line: this.line, text: this.decode(buf, start, end) });
  }
}

/** A line is blank when it holds only JSON whitespace. */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

/** JSON.parse's reason, without the echo of the input. */
export function jsonError(e: unknown): string {
  let m = e instanceof Error ? e.message : String(e);
  const echo = m.indexOf(', "');
  if (echo > 0 && m.endsWith(' is not valid JSON')) m = m.slice(0, echo);
  return `not valid JSON: ${m.charAt(0).toLowerCase()}${m.slice(1)}`;
}

export function lineTooLong(line: number, max: number, file?: string): ParsedItem {
  return problemItem(line, '', `line is longer than the ${formatLimit(max)} limit`, file);
}

export function problemItem(line: number, field: string, message: string, file?: string): ParsedItem {
  const p: Problem = { line, field, message };
  if (file !== undefined) p.file = file;
  return { line, problems: [p] };
}

/** Validates one raw events-v1 object built by an importer. */
export function toItem(raw: Record<string, unknown>, line: number, fixedTeam: string | undefined, file?: string): ParsedItem {
  const r = validateEvent(raw, { line }, fixedTeam);
  if (r.ok) return { line, event: r.event };
  if (file !== undefined) for (const p of r.problems) p.file = file;
  return { line, problems: r.problems };
}

/** A non-negative safe integer, or 0 (token counts in foreign formats may be absent). */
export function count(v: unknown): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^[0-9]{1,15}$/.test(v)) return Number(v);
  return 0;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The line of a JSON.parse error's position ("... at position 123" / "(line 4 column 2)"). */
export function lineOfJsonError(text: string, err: unknown): number {
  const m = err instanceof Error ? err.message : '';
  const lc = /line (\d+) column/.exec(m);
  if (lc) return Number(lc[1]);
  const pos = /position (\d+)/.exec(m);
  if (!pos) return 1;
  let line = 1;
  const end = Math.min(Number(pos[1]), text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 0x0a) line++;
  return line;
}

/** Whether a text is one whole JSON value. */
export function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads `text` as one JSON document or, when it is not one and its first non-blank line is a
 * whole JSON value, as JSON Lines: `onValue` gets each value with its line (1 for a whole
 * document, and `whole` set), `onProblem` the line and message of what does not parse.
 */
export function readJsonOrJsonLines(
  text: string,
  onValue: (value: unknown, line: number, whole: boolean) => void,
  onProblem: (line: number, message: string) => void,
): void {
  if (text.trim() === '') return;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (wholeError) {
    const lines = text.split('\n');
    if (lines.filter((l) => l.trim() !== '').length < 2 || !parses(lines.find((l) => l.trim() !== '')!)) {
      onProblem(lineOfJsonError(text, wholeError), jsonError(wholeError));
      return;
    }
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() === '') continue;
      let one: unknown;
      try {
        one = JSON.parse(lines[i]);
      } catch (err) {
        onProblem(i + 1, jsonError(err));
        continue;
      }
      onValue(one, i + 1, false);
    }
    return;
  }
  onValue(doc, 1, true);
}

/**
 * An importer of a JSON Lines source (one file or several in a row): splits the chunks into
 * numbered lines, hands each to `handleLine`, and calls `finishFile` after each file's last line
 * and `finishInput` after the last file.
 */
export abstract class JsonLinesParser implements EventParser {
  protected file: string | undefined;
  private readonly max: number;
  private readonly splitter: LineSplitter;
  private readonly lines: Line[] = [];

  constructor(
    protected readonly options: ImportOptions = {},
    decode?: LineDecoder,
  ) {
    this.max = options.maxLineBytes ?? DEFAULT_IMPORT_MAX_LINE_BYTES;
    this.splitter = new LineSplitter(this.max, decode);
  }

  /** The next file of a multi-file source begins. */
  startFile(name: string, firstLine = 1): ParsedItem[] {
    const out = this.endFile();
    this.splitter.reset(firstLine);
    this.file = name;
    return out;
  }

  push(chunk: Uint8Array | string): ParsedItem[] {
    const out: ParsedItem[] = [];
    this.splitter.push(chunk, this.lines, (line) => out.push(lineTooLong(line, this.max, this.file)));
    this.drain(out);
    return out;
  }

  end(): ParsedItem[] {
    const out = this.endFile();
    this.finishInput(out);
    return out;
  }

  protected abstract handleLine(line: Line, out: ParsedItem[]): void;

  /** The name of the file being read: its name in a directory or zip, else the input's own. */
  protected get sourceName(): string | undefined {
    return this.file ?? this.options.fileName;
  }

  /**
   * The line's JSON object, or undefined: a blank line is skipped, and a line that is not JSON
   * or not an object is reported (`what` names the format's line, e.g. "a Codex rollout").
   */
  protected parseObjectLine({ line, text }: Line, out: ParsedItem[], what: string): Record<string, unknown> | undefined {
    if (isBlank(text)) return undefined;
    let e: unknown;
    try {
      e = JSON.parse(text);
    } catch (err) {
      out.push(problemItem(line, '', jsonError(err), this.file));
      return undefined;
    }
    if (!isObject(e)) {
      out.push(problemItem(line, '', `not a JSON object: ${what} has one object a line`, this.file));
      return undefined;
    }
    return e;
  }

  /** After a file's last line (each file of a directory or zip). */
  protected finishFile(_out: ParsedItem[]): void {}

  /** After the last file. */
  protected finishInput(_out: ParsedItem[]): void {}

  private endFile(): ParsedItem[] {
    const out: ParsedItem[] = [];
    this.splitter.end(this.lines);
    this.drain(out);
    this.finishFile(out);
    return out;
  }

  private drain(out: ParsedItem[]): void {
    for (const l of this.lines) this.handleLine(l, out);
    this.lines.length = 0;
  }
}
