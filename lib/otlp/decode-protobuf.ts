/**
 * OTLP/protobuf, streamed. An export request is three levels of length-delimited containers
 * (`Export*ServiceRequest` → `Resource*` → `Scope*`) around the records. This reader follows
 * only those containers' field tags and lengths, as bytes arrive, and hands each resource, scope
 * and record (Span, LogRecord, Metric) to the protobufjs code generated from the official
 * definitions (proto.ts) to decode: so a request is never held whole, only its largest record.
 * Decoding the containers with the generated code too would need the whole request in memory,
 * which is what this avoids; every message is still decoded by the generated code.
 */
import { InstrumentationScope, RECORD_TYPES, Resource, TO_OBJECT, type MessageType } from './proto';
import { SIGNAL_FIELDS, type OtlpSignal } from './signals';
import type { DecodeSink } from './stream';

/** A record larger than this is refused (the request is then undecodable). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

interface Container {
  /** 0: the request, 1: a Resource* group, 2: a Scope* group. */
  level: number;
  /** Absolute offset where it ends (Infinity for the request). */
  end: number;
  /** Index of the next child group / record inside it. */
  next: number;
  index: number;
}

type Leaf = { kind: 'resource' | 'scope' | 'record'; length: number };

export class OtlpProtobufDecoder {
  private parts: Buffer[] = [];
  private partsLen = 0;
  /** Absolute offset of the first byte in `parts`. */
  private offset = 0;
  private readonly stack: Container[] = [{ level: 0, end: Infinity, next: 0, index: 0 }];
  /** Bytes still to skip of an unknown field. */
  private skip = 0;
  private leaf: Leaf | null = null;
  private failed = false;
  private records = 0;
  private readonly recordType: MessageType;

  constructor(
    private readonly signal: OtlpSignal,
    private readonly sink: DecodeSink,
  ) {
    this.recordType = RECORD_TYPES[signal];
    sink.beginDocument(signal, 1);
  }

  push(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return;
    this.parts.push(chunk);
    this.partsLen += chunk.length;
    this.run();
  }

  end(): void {
    if (this.failed) return;
    this.run();
    if (this.failed) return;
    if (this.leaf || this.skip > 0 || this.partsLen > 0 || this.stack.length > 1) {
      this.fatal(`not valid protobuf: the body ends inside a message (at byte ${this.offset + this.partsLen})`);
      return;
    }
    this.sink.endDocument();
  }

  /** Records read so far. */
  get count(): number {
    return this.records;
  }

  private run(): void {
    while (!this.failed) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.partsLen);
        if (n === 0) return;
        this.consume(n);
        this.skip -= n;
        continue;
      }
      if (this.leaf) {
        if (this.partsLen < this.leaf.length) return;
        const bytes = this.take(this.leaf.length);
        const leaf = this.leaf;
        this.leaf = null;
        this.decodeLeaf(leaf, bytes);
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      if (this.offset === top.end) {
        this.stack.pop();
        continue;
      }
      const tag = this.peekVarint(0);
      if (tag === null) return;
      const field = Math.floor(tag.value / 8);
      const wire = tag.value % 8;
      let header = tag.bytes;
      let length = 0;
      if (wire === WIRE_LEN) {
        const len = this.peekVarint(tag.bytes);
        if (len === null) return;
        header += len.bytes;
        length = len.value;
      } else if (wire === WIRE_VARINT) {
        const v = this.peekVarint(tag.bytes);
        if (v === null) return;
        header += v.bytes;
      } else if (wire === WIRE_FIXED64) length = 8;
      else if (wire === WIRE_FIXED32) length = 4;
      else return this.fatal(`not valid protobuf: wire type ${wire} at byte ${this.offset}`);
      if (field === 0) return this.fatal(`not valid protobuf: field number 0 at byte ${this.offset}`);
      if (this.offset + header + length > top.end) {
        return this.fatal(`not valid protobuf: a field at byte ${this.offset} runs past the end of its message`);
      }
      this.consume(header);
      const start = this.offset;
      if (wire !== WIRE_LEN) {
        this.skip = length;
        continue;
      }
      if (top.level === 0 && field === 1) {
        this.stack.push({ level: 1, end: start + length, next: 0, index: top.next++ });
      } else if (top.level === 1 && field === 2) {
        this.stack.push({ level: 2, end: start + length, next: 0, index: top.next++ });
      } else if (top.level > 0 && field === 1) {
        this.leaf = { kind: top.level === 1 ? 'resource' : 'scope', length };
      } else if (top.level === 2 && field === 2) {
        if (length > MAX_RECORD_BYTES) return this.fatal(`a ${SIGNAL_FIELDS[this.signal].record} of ${length} bytes is over the ${MAX_RECORD_BYTES}-byte limit`);
        this.leaf = { kind: 'record', length };
      } else this.skip = length;
    }
  }

  private decodeLeaf(leaf: Leaf, bytes: Buffer): void {
    const [, group, scope] = this.stack;
    const r = group?.index ?? 0;
    const type = leaf.kind === 'resource' ? Resource : leaf.kind === 'scope' ? InstrumentationScope : this.recordType;
    let value: Record<string, unknown>;
    try {
      value = type.toObject(type.decode(bytes), TO_OBJECT);
    } catch (err) {
      const { resource: rf, scope: sf, records } = SIGNAL_FIELDS[this.signal];
      const where = leaf.kind === 'resource' ? `${rf}[${r}].resource` : leaf.kind === 'scope' ? `${rf}[${r}].${sf}[${scope.index}].scope` : `${rf}[${r}].${sf}[${scope.index}].${records}[${scope.next}]`;
      this.fatal(`not valid protobuf: ${(err as Error).message}`, where);
      return;
    }
    if (leaf.kind === 'resource') this.sink.resource(r, value);
    else if (leaf.kind === 'scope') this.sink.scope(r, scope.index, value);
    else {
      this.records++;
      this.sink.record(r, scope.index, scope.next++, value);
    }
  }

  /** A varint starting `at` bytes into the buffered input, or null when not all of it is here yet. */
  private peekVarint(at: number): { value: number; bytes: number } | null {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at + i >= this.partsLen) return null;
      const b = this.byteAt(at + i);
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) {
          this.fatal(`not valid protobuf: a length at byte ${this.offset + at} is too large`);
          return null;
        }
        return { value, bytes: i + 1 };
      }
    }
    this.fatal(`not valid protobuf: a varint at byte ${this.offset + at} is longer than 10 bytes`);
    return null;
  }

  private byteAt(i: number): number {
    for (const p of this.parts) {
      if (i < p.length) return p[i];
      i -= p.length;
    }
    return 0;
  }

  /** Removes and returns the first `n` buffered bytes. */
  private take(n: number): Buffer {
    const first = this.parts[0];
    let out: Buffer;
    if (first.length >= n) out = first.subarray(0, n);
    else out = Buffer.concat(this.parts, this.partsLen).subarray(0, n);
    this.consume(n);
    return out;
  }

  private consume(n: number): void {
    this.offset += n;
    this.partsLen -= n;
    while (n > 0) {
      const first = this.parts[0];
      if (first.length <= n) {
        n -= first.length;
        this.parts.shift();
      } else {
        this.parts[0] = first.subarray(n);
        n = 0;
      }
    }
  }

  private fatal(message: string, field = ''): void {
    if (this.failed) return;
    this.failed = true;
    this.sink.fatal(1, field, message);
  }
}
