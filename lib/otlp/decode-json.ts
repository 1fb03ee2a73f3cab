/**
 * OTLP/JSON, streamed: one export request (`{"resourceSpans": [...]}`, `resourceLogs`,
 * `resourceMetrics`), or several in a row (JSON Lines, as the Collector's file exporter writes).
 * @streamparser/json tokenizes the bytes and hands on each resource, scope and record as soon as
 * it is complete (keepStack off: nothing already handed on is kept), so memory stays bounded by
 * the largest record, not the request. The top-level keys are followed on the token stream to
 * tell the signal and to refuse what is not an OTLP export.
 */
import { TokenParser, TokenType, Tokenizer } from '@streamparser/json';
import { OTLP_SIGNALS, SIGNAL_FIELDS, type OtlpSignal } from './signals';
import type { DecodeSink } from './stream';

const NL = 0x0a;
const TOP_KEYS = new Map<string, OtlpSignal>(OTLP_SIGNALS.map((s) => [SIGNAL_FIELDS[s].resource, s]));

function paths(signals: readonly OtlpSignal[]): string[] {
  return signals.flatMap((sig) => {
    const { resource, scope, records } = SIGNAL_FIELDS[sig];
    return [`$.${resource}.*.resource`, `$.${resource}.*.${scope}.*.scope`, `$.${resource}.*.${scope}.*.${records}.*`];
  });
}

export class OtlpJsonDecoder {
  private readonly tokenizer = new Tokenizer();
  private readonly parser: TokenParser;
  private failed = false;
  /** Bytes and lines before the current chunk, and a cursor into it for offset → line. */
  private chunkStart = 0;
  private linesBefore = 1;
  private chunk: Buffer = Buffer.alloc(0);
  private cursor = 0;
  private cursorLine = 1;
  // Top-level structure of the current document.
  private depth = 0;
  private docLine = 1;
  private expectKey = false;
  private lastKey: string | null = null;
  private awaitingValueOf: string | null = null;
  private docSignal: OtlpSignal | null = null;
  private lastOffset = 0;

  constructor(
    private readonly expected: OtlpSignal | undefined,
    private readonly sink: DecodeSink,
  ) {
    this.parser = new TokenParser({ paths: paths(expected ? [expected] : OTLP_SIGNALS), keepStack: false, separator: '' });
    this.parser.onValue = ({ value, key, stack }) => this.onValue(value, key, stack as { key?: string | number }[]);
    this.tokenizer.onToken = (t) => {
      if (this.failed) return;
      this.lastOffset = t.offset;
      this.onToken(t.token, t.value, t.offset);
      if (!this.failed) this.parser.write(t);
    };
  }

  push(chunk: Buffer): void {
    if (this.failed) return;
    this.chunk = chunk;
    this.cursor = 0;
    this.cursorLine = this.linesBefore;
    try {
      this.tokenizer.write(chunk);
    } catch (err) {
      this.fail(err);
    }
    if (this.failed) return;
    let lines = 0;
    for (let i = chunk.indexOf(NL); i >= 0; i = chunk.indexOf(NL, i + 1)) lines++;
    this.linesBefore += lines;
    this.chunkStart += chunk.length;
  }

  end(): void {
    if (this.failed) return;
    if (this.depth > 0) {
      this.fatal(this.lineAt(this.lastOffset), '', 'not valid JSON: the input ends before the export request does');
      return;
    }
    try {
      this.tokenizer.end();
    } catch (err) {
      this.fail(err);
    }
  }

  /** Line of an absolute byte offset in the current chunk (offsets only grow). */
  private lineAt(offset: number): number {
    const target = Math.min(Math.max(0, offset - this.chunkStart), this.chunk.length);
    if (target < this.cursor) return this.cursorLine;
    for (let i = this.chunk.indexOf(NL, this.cursor); i >= 0 && i < target; i = this.chunk.indexOf(NL, i + 1)) this.cursorLine++;
    this.cursor = target;
    return this.cursorLine;
  }

  private onToken(token: TokenType, value: unknown, offset: number): void {
    if (token === TokenType.SEPARATOR) return;
    if (this.depth === 0) {
      this.docLine = this.lineAt(offset);
      if (token !== TokenType.LEFT_BRACE) {
        this.fatal(this.docLine, '', `not an OTLP/JSON export: expected an object like {"${SIGNAL_FIELDS[this.expected ?? 'traces'].resource}": [...]}`);
        return;
      }
      this.docSignal = null;
      this.expectKey = true;
      this.depth = 1;
      return;
    }
    if (this.depth === 1) {
      if (this.awaitingValueOf !== null && token !== TokenType.COLON) {
        const key = this.awaitingValueOf;
        this.awaitingValueOf = null;
        if (token !== TokenType.LEFT_BRACKET) {
          this.fatal(this.lineAt(offset), key, 'must be an array');
          return;
        }
      }
      if (this.expectKey && token === TokenType.STRING) {
        this.expectKey = false;
        this.lastKey = String(value);
        this.topKey(this.lastKey, offset);
        return;
      }
      if (token === TokenType.COMMA) this.expectKey = true;
    }
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) this.depth++;
    else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) {
      this.depth--;
      if (this.depth === 0) this.endDocument();
    }
  }

  private topKey(key: string, offset: number): void {
    const signal = TOP_KEYS.get(key);
    if (signal === undefined) return;
    if (this.expected && signal !== this.expected) {
      this.fatal(this.lineAt(offset), key, `this endpoint takes ${this.expected} (${SIGNAL_FIELDS[this.expected].resource}), not ${signal}`);
      return;
    }
    if (this.docSignal !== null && this.docSignal !== signal) {
      this.fatal(this.lineAt(offset), key, 'an export request holds one signal');
      return;
    }
    this.docSignal = signal;
    this.awaitingValueOf = key;
    this.sink.beginDocument(signal, this.docLine);
  }

  private endDocument(): void {
    if (this.docSignal === null) {
      const what = this.expected ? `{"${SIGNAL_FIELDS[this.expected].resource}": [...]}` : '{"resourceSpans" | "resourceLogs" | "resourceMetrics": [...]}';
      this.fatal(this.docLine, SIGNAL_FIELDS[this.expected ?? 'traces'].resource, `not an OTLP/JSON export: expected ${what}`);
      return;
    }
    this.sink.endDocument();
  }

  private onValue(value: unknown, key: string | number | undefined, stack: { key?: string | number }[]): void {
    if (this.failed) return;
    // stack: [root, resourceX, r, scopeX, s, records] with `key` the index or name inside the last.
    const r = Number(stack[2]?.key);
    if (stack.length === 3) {
      this.sink.resource(r, value);
      return;
    }
    const s = Number(stack[4]?.key);
    if (key === 'scope') this.sink.scope(r, s, value);
    else this.sink.record(r, s, Number(key), value);
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    const m = err instanceof Error ? err.message : String(err);
    const abs = /absolute position "(\d+)"/.exec(m);
    const offset = abs ? Number(abs[1]) : this.lastOffset;
    const unexpected = /^Unexpected "(.*?)" at/.exec(m) ?? /^Unexpected (\w+ \(.*?\))/.exec(m);
    const reason = unexpected ? `unexpected ${unexpected[1]}` : m.replace(/\. Either.*$/, '').replace(/^Tokenizer /, '').toLowerCase();
    this.fatal(this.lineAt(offset), '', `not valid JSON: ${reason}`);
  }

  private fatal(line: number, field: string, message: string): void {
    this.failed = true;
    this.sink.fatal(line, field, message);
  }
}
