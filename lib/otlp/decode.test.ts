import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OtlpJsonDecoder } from './decode-json';
import { OtlpProtobufDecoder } from './decode-protobuf';
import { encodeExportRequest } from './proto';
import type { OtlpSignal } from './signals';
import { RecordAssembler, type RecordContext } from './stream';

const TRACE = fs.readFileSync(path.join(__dirname, '..', 'importers', 'fixtures', 'otlp', 'agent-trace.json'), 'utf8');

interface Seen {
  records: { path: string; line: number; service: unknown; scope: string; name: unknown }[];
  fatal: { line: number; field: string; message: string }[];
}

function collect(): { sink: RecordAssembler; seen: Seen } {
  const seen: Seen = { records: [], fatal: [] };
  const sink = new RecordAssembler({
    record: (value, c: RecordContext) =>
      seen.records.push({ path: c.place.path, line: c.place.line, service: c.resource.get('service.name'), scope: c.scope.name, name: (value as { name?: unknown }).name }),
    fatal: (line, field, message) => seen.fatal.push({ line, field, message }),
  });
  return { sink, seen };
}

function chunks(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function decodeJson(text: string | Buffer, size: number, signal?: OtlpSignal): Seen {
  const { sink, seen } = collect();
  const d = new OtlpJsonDecoder(signal, sink);
  for (const c of chunks(Buffer.isBuffer(text) ? text : Buffer.from(text), size)) d.push(c);
  d.end();
  return seen;
}

function decodeProtobuf(bytes: Uint8Array, size: number, signal: OtlpSignal = 'traces'): Seen {
  const { sink, seen } = collect();
  const d = new OtlpProtobufDecoder(signal, sink);
  for (const c of chunks(Buffer.from(bytes), size)) d.push(c);
  d.end();
  return seen;
}

describe('streaming OTLP decoders', () => {
  const whole = decodeJson(TRACE, 1 << 20);

  it('hand on every record with its resource and scope, whatever the chunking, in both encodings', () => {
    expect(whole.fatal).toEqual([]);
    expect(whole.records).toHaveLength(7);
    expect(whole.records[0]).toEqual({ path: 'resourceSpans[0].scopeSpans[0].spans[0]', line: 1, service: 'support-agent', scope: 'opentelemetry.instrumentation.openai_agents', name: 'invoke_agent triage' });
    expect(decodeJson(TRACE, 1)).toEqual(whole);
    const pb = encodeExportRequest('traces', JSON.parse(TRACE));
    expect(decodeProtobuf(pb, 1 << 20)).toEqual(whole);
    expect(decodeProtobuf(pb, 1)).toEqual(whole);
    expect(decodeProtobuf(pb, 7)).toEqual(whole);
  });

  it('hold records read before their resource until it arrives', () => {
    const doc = JSON.parse(TRACE);
    const rs = doc.resourceSpans[0];
    const reordered = { resourceSpans: [{ scopeSpans: rs.scopeSpans, resource: rs.resource }] };
    const seen = decodeJson(JSON.stringify(reordered), 64);
    expect(seen.records.map((r) => r.service)).toEqual(Array(7).fill('support-agent'));
  });

  it('read JSON Lines of export requests, each record on its document’s line', () => {
    const line = JSON.stringify(JSON.parse(TRACE));
    const seen = decodeJson(`${line}\n\n${line}\n`, 100);
    expect(seen.records).toHaveLength(14);
    expect(seen.records[7].line).toBe(3);
  });

  it('tell the signal of a JSON file from its top-level key, and refuse the wrong one for an endpoint', () => {
    const logs = JSON.stringify({ resourceLogs: [{ resource: {}, scopeLogs: [{ scope: { name: 's' }, logRecords: [{ body: { stringValue: 'x' } }] }] }] });
    expect(decodeJson(logs, 10).records.map((r) => r.path)).toEqual(['resourceLogs[0].scopeLogs[0].logRecords[0]']);
    expect(decodeJson(logs, 10, 'traces').fatal).toEqual([{ line: 1, field: 'resourceLogs', message: 'this endpoint takes traces (resourceSpans), not logs' }]);
  });

  it('report undecodable JSON once, with its line', () => {
    expect(decodeJson('{\n  "resourceSpans": [\n    {"resource": x}\n  ]\n}', 3).fatal).toEqual([{ line: 3, field: '', message: 'not valid JSON: unexpected x' }]);
    expect(decodeJson('{"resourceSpans": [', 5).fatal).toEqual([{ line: 1, field: '', message: expect.stringContaining('ends before') }]);
    expect(decodeJson('[1, 2]', 5).fatal).toEqual([{ line: 1, field: '', message: expect.stringContaining('not an OTLP/JSON export') }]);
    expect(decodeJson('{"resourceSpans": 5}', 5).fatal).toEqual([{ line: 1, field: 'resourceSpans', message: 'must be an array' }]);
    expect(decodeJson('{"spans": []}', 5).fatal).toEqual([{ line: 1, field: 'resourceSpans', message: expect.stringContaining('not an OTLP/JSON export') }]);
  });

  it('report undecodable protobuf: truncated, a bad wire type, a field past its message, a bad record', () => {
    const pb = Buffer.from(encodeExportRequest('traces', JSON.parse(TRACE)));
    expect(decodeProtobuf(pb.subarray(0, pb.length - 1), 100).fatal).toEqual([{ line: 1, field: '', message: expect.stringContaining('ends inside a message') }]);
    expect(decodeProtobuf(Buffer.from([0x0b]), 1).fatal[0].message).toContain('wire type 3');
    // resource_spans of 2 bytes holding a 5-byte field
    expect(decodeProtobuf(Buffer.from([0x0a, 0x02, 0x0a, 0x05, 0x00]), 1).fatal[0].message).toContain('runs past the end');
    // a span whose first field claims more bytes than the span has
    const badSpan = Buffer.from([0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x0a, 0x09]);
    expect(decodeProtobuf(badSpan, 1).fatal).toEqual([{ line: 1, field: 'resourceSpans[0].scopeSpans[0].spans[0]', message: expect.stringContaining('not valid protobuf') }]);
    expect(decodeProtobuf(Buffer.alloc(0), 1)).toEqual({ records: [], fatal: [] });
  });
});
