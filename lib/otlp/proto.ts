/**
 * The OTLP protobuf messages Loopscope reads and writes, from the official opentelemetry-proto
 * definitions as compiled to protobufjs code by the OpenTelemetry JS project
 * (`@opentelemetry/otlp-transformer`, `build/src/generated/root`). That package is pinned at
 * 0.214.0: the last release whose generated code covers all three signals (later releases
 * replaced it with a hand-written serializer, and from 0.300 need Node 22).
 *
 * google.rpc.Status (OTLP's error body) and google.rpc.RetryInfo (gRPC's retry hint) are not in
 * the OTLP definitions; they are declared here through protobufjs reflection with the field
 * numbers of googleapis' google/rpc/status.proto and error_details.proto.
 */
import protobuf from 'protobufjs';
import type { OtlpSignal } from './signals';

// The generated module registers its namespace on protobufjs' default root; it has no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generated = require('@opentelemetry/otlp-transformer/build/src/generated/root') as GeneratedRoot;

/** The part of a generated message class this module uses. */
export interface MessageType {
  decode(reader: Uint8Array | protobuf.Reader, length?: number): object;
  encode(message: object): protobuf.Writer;
  toObject(message: object, options?: protobuf.IConversionOptions): Record<string, unknown>;
  fromObject(object: Record<string, unknown>): object;
}

interface GeneratedRoot {
  opentelemetry: {
    proto: {
      common: { v1: { InstrumentationScope: MessageType } };
      resource: { v1: { Resource: MessageType } };
      trace: { v1: { Span: MessageType } };
      logs: { v1: { LogRecord: MessageType } };
      metrics: { v1: { Metric: MessageType } };
      collector: {
        trace: { v1: { ExportTraceServiceRequest: MessageType; ExportTraceServiceResponse: MessageType } };
        logs: { v1: { ExportLogsServiceRequest: MessageType; ExportLogsServiceResponse: MessageType } };
        metrics: { v1: { ExportMetricsServiceRequest: MessageType; ExportMetricsServiceResponse: MessageType } };
      };
    };
  };
}

const otel = generated.opentelemetry.proto;

export const Resource = otel.resource.v1.Resource;
export const InstrumentationScope = otel.common.v1.InstrumentationScope;

/** The record type of each signal: what one export request carries many of. */
export const RECORD_TYPES: Record<OtlpSignal, MessageType> = {
  traces: otel.trace.v1.Span,
  logs: otel.logs.v1.LogRecord,
  metrics: otel.metrics.v1.Metric,
};

/** Whole export requests: what clients send (tests, the benchmark); the receiver streams instead. */
export const REQUEST_TYPES: Record<OtlpSignal, MessageType> = {
  traces: otel.collector.trace.v1.ExportTraceServiceRequest,
  logs: otel.collector.logs.v1.ExportLogsServiceRequest,
  metrics: otel.collector.metrics.v1.ExportMetricsServiceRequest,
};

/** An export request in its OTLP/JSON form (ids in hex) → protobuf bytes. */
export function encodeExportRequest(signal: OtlpSignal, request: Record<string, unknown>): Uint8Array {
  const type = REQUEST_TYPES[signal];
  return type.encode(type.fromObject(hexIdsToBytes(request) as Record<string, unknown>)).finish();
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** protobufjs reads `bytes` from base64 strings; OTLP/JSON writes trace and span ids in hex. */
function hexIdsToBytes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(hexIdsToBytes);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, ID_FIELDS.has(k) && typeof x === 'string' ? Buffer.from(x, 'hex') : hexIdsToBytes(x)]),
  );
}

const RESPONSE_TYPES: Record<OtlpSignal, MessageType> = {
  traces: otel.collector.trace.v1.ExportTraceServiceResponse,
  logs: otel.collector.logs.v1.ExportLogsServiceResponse,
  metrics: otel.collector.metrics.v1.ExportMetricsServiceResponse,
};

/**
 * Decoded messages as plain objects in the OTLP/JSON shape (camelCase fields, int64 as decimal
 * strings, enums as numbers); ids and bytes stay bytes (Buffer).
 */
export const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, defaults: false };

const rpc = new protobuf.Root().define('google.rpc');
rpc.add(
  new protobuf.Type('Status')
    .add(new protobuf.Field('code', 1, 'int32'))
    .add(new protobuf.Field('message', 2, 'string'))
    .add(new protobuf.Field('details', 3, 'google.protobuf.Any', 'repeated')),
);
rpc.add(new protobuf.Type('RetryInfo').add(new protobuf.Field('retryDelay', 1, 'google.protobuf.Duration')));
const wkt = rpc.root.define('google.protobuf');
wkt.add(new protobuf.Type('Any').add(new protobuf.Field('typeUrl', 1, 'string')).add(new protobuf.Field('value', 2, 'bytes')));
wkt.add(new protobuf.Type('Duration').add(new protobuf.Field('seconds', 1, 'int64')).add(new protobuf.Field('nanos', 2, 'int32')));
const StatusType = rpc.root.lookupType('google.rpc.Status');
const RetryInfoType = rpc.root.lookupType('google.rpc.RetryInfo');

/** What an export answers: how many records were rejected, and why (OTLP partial success). */
export interface ExportOutcome {
  rejected: number;
  errorMessage: string;
}

const REJECTED_FIELD: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

/** The Export{Trace,Logs,Metrics}ServiceResponse as a plain object (its JSON form). */
export function exportResponseObject(signal: OtlpSignal, outcome: ExportOutcome): Record<string, unknown> {
  if (outcome.rejected === 0 && outcome.errorMessage === '') return {};
  return { partialSuccess: { [REJECTED_FIELD[signal]]: String(outcome.rejected), errorMessage: outcome.errorMessage } };
}

export function encodeExportResponse(signal: OtlpSignal, outcome: ExportOutcome): Uint8Array {
  const type = RESPONSE_TYPES[signal];
  return type.encode(type.fromObject(exportResponseObject(signal, outcome))).finish();
}

export function decodeExportResponse(signal: OtlpSignal, bytes: Uint8Array): Record<string, unknown> {
  const type = RESPONSE_TYPES[signal];
  return type.toObject(type.decode(bytes), TO_OBJECT);
}

/** google.rpc.Status, optionally with a RetryInfo detail (how long to wait before retrying). */
export function encodeStatus(code: number, message: string, retryAfterSeconds?: number): Uint8Array {
  const details = retryAfterSeconds
    ? [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: RetryInfoType.encode(RetryInfoType.fromObject({ retryDelay: { seconds: retryAfterSeconds } })).finish() }]
    : [];
  return StatusType.encode(StatusType.fromObject({ code, message, details })).finish();
}

export function decodeStatus(bytes: Uint8Array): { code: number; message: string; retryAfterSeconds?: number } {
  const s = StatusType.toObject(StatusType.decode(bytes), { longs: Number }) as { code?: number; message?: string; details?: { typeUrl: string; value: Uint8Array }[] };
  const retry = s.details?.find((d) => d.typeUrl.endsWith('google.rpc.RetryInfo'));
  const delay = retry ? (RetryInfoType.toObject(RetryInfoType.decode(retry.value), { longs: Number }) as { retryDelay?: { seconds?: number } }).retryDelay : undefined;
  return { code: s.code ?? 0, message: s.message ?? '', ...(delay?.seconds !== undefined && { retryAfterSeconds: delay.seconds }) };
}
