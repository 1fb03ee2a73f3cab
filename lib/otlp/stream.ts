/**
 * What the streaming OTLP decoders (decode-json.ts, decode-protobuf.ts) hand on, and the
 * assembler that puts each record together with its resource and scope.
 *
 * An export request is `resource{Spans,Logs,Metrics}[r].scope{...}[s].{spans,logRecords,metrics}[k]`.
 * The decoders never hold a request whole: they hand on each resource, scope and record as soon
 * as it is read, in the OTLP/JSON object shape (camelCase fields; from protobuf, int64 as decimal
 * strings and ids as bytes). A record may be read before its resource or scope (neither
 * encoding fixes the order of fields); such records wait, in memory, until the resource (or
 * scope) arrives or its group ends.
 */
import { SIGNAL_FIELDS, type OtlpSignal } from './signals';
import { attributes, type Attrs } from './values';

/** Where a record sits: the document (JSON Lines hold several), its line, and its indexes. */
export interface RecordPlace {
  /** Line where the document starts (1 for a protobuf body). */
  line: number;
  /** `resourceSpans[0].scopeSpans[1].spans[2]`. */
  path: string;
}

export interface RecordContext {
  signal: OtlpSignal;
  resource: Attrs;
  scope: { name: string; version: string };
  place: RecordPlace;
}

/** Receives the records of an input, each with its context, and the input's fatal problems. */
export interface RecordVisitor {
  record(value: unknown, context: RecordContext): void;
  /** The input cannot be decoded: nothing of it may be stored. */
  fatal(line: number, field: string, message: string): void;
}

/** What the decoders call, in input order. */
export interface DecodeSink {
  beginDocument(signal: OtlpSignal, line: number): void;
  resource(r: number, value: unknown): void;
  scope(r: number, s: number, value: unknown): void;
  record(r: number, s: number, k: number, value: unknown): void;
  endDocument(): void;
  fatal(line: number, field: string, message: string): void;
}

const EMPTY_ATTRS: Attrs = new Map();

interface Pending {
  s: number;
  k: number;
  value: unknown;
}

export class RecordAssembler implements DecodeSink {
  private signal: OtlpSignal = 'traces';
  private line = 1;
  private r = -1;
  private s = -1;
  private resourceAttrs: Attrs | null = null;
  private scopeInfo: { name: string; version: string } | null = null;
  /** Records of the current resource group read before its resource (or their scope). */
  private pending: Pending[] = [];

  constructor(private readonly visitor: RecordVisitor) {}

  beginDocument(signal: OtlpSignal, line: number): void {
    this.flushResource();
    this.signal = signal;
    this.line = line;
    this.r = -1;
  }

  resource(r: number, value: unknown): void {
    this.enterResource(r);
    this.resourceAttrs = isObject(value) ? attributes(value.attributes) : EMPTY_ATTRS;
    this.drain(false);
  }

  scope(r: number, s: number, value: unknown): void {
    this.enterResource(r);
    this.enterScope(s);
    this.scopeInfo = {
      name: isObject(value) && typeof value.name === 'string' ? value.name : '',
      version: isObject(value) && typeof value.version === 'string' ? value.version : '',
    };
    this.drain(false);
  }

  record(r: number, s: number, k: number, value: unknown): void {
    this.enterResource(r);
    this.enterScope(s);
    if (this.resourceAttrs === null || this.scopeInfo === null) this.pending.push({ s, k, value });
    else this.emit(s, k, value, this.resourceAttrs, this.scopeInfo);
  }

  endDocument(): void {
    this.flushResource();
  }

  fatal(line: number, field: string, message: string): void {
    this.visitor.fatal(line, field, message);
  }

  private enterResource(r: number): void {
    if (r === this.r) return;
    this.flushResource();
    this.r = r;
    this.s = -1;
    this.resourceAttrs = null;
    this.scopeInfo = null;
  }

  private enterScope(s: number): void {
    if (s === this.s) return;
    // The previous scope group is complete: what waited only for its scope goes out without one.
    if (this.resourceAttrs !== null) this.drain(true);
    this.s = s;
    this.scopeInfo = null;
  }

  /** The group ended: what still waits goes out with what is known. */
  private flushResource(): void {
    if (this.pending.length > 0) {
      this.resourceAttrs ??= EMPTY_ATTRS;
      this.drain(true);
    }
    this.r = -1;
  }

  /** Emits the waiting records whose resource and scope are known (all of them when `final`). */
  private drain(final: boolean): void {
    if (this.pending.length === 0 || this.resourceAttrs === null) return;
    const keep: Pending[] = [];
    for (const p of this.pending) {
      const current = p.s === this.s;
      if (current && this.scopeInfo === null && !final) keep.push(p);
      else this.emit(p.s, p.k, p.value, this.resourceAttrs, current && this.scopeInfo ? this.scopeInfo : { name: '', version: '' });
    }
    this.pending = keep;
  }

  private emit(s: number, k: number, value: unknown, resource: Attrs, scope: { name: string; version: string }): void {
    const { resource: rf, scope: sf, records } = SIGNAL_FIELDS[this.signal];
    const path = `${rf}[${this.r}].${sf}[${s}].${records}[${k}]`;
    this.visitor.record(value, { signal: this.signal, resource, scope, place: { line: this.line, path } });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
