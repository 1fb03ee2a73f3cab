/** The three OTLP signals and their two encodings (OTLP/HTTP: `application/x-protobuf`, `application/json`). */
export const OTLP_SIGNALS = ['traces', 'logs', 'metrics'] as const;
export type OtlpSignal = (typeof OTLP_SIGNALS)[number];
export type OtlpEncoding = 'protobuf' | 'json';

/** What an OTLP request holds (plain data: it crosses to the ingest worker). */
export interface OtlpInput {
  /** Unset for a JSON file import: told from its top-level key. */
  signal?: OtlpSignal;
  encoding: OtlpEncoding;
}

/** The top-level field of each signal's export request, and of its per-resource and per-scope groups. */
export const SIGNAL_FIELDS: Record<OtlpSignal, { resource: string; scope: string; records: string; record: string }> = {
  traces: { resource: 'resourceSpans', scope: 'scopeSpans', records: 'spans', record: 'span' },
  logs: { resource: 'resourceLogs', scope: 'scopeLogs', records: 'logRecords', record: 'log record' },
  metrics: { resource: 'resourceMetrics', scope: 'scopeMetrics', records: 'metrics', record: 'metric' },
};

export function isOtlpSignal(v: unknown): v is OtlpSignal {
  return typeof v === 'string' && (OTLP_SIGNALS as readonly string[]).includes(v);
}

/** `Content-Type` → encoding (OTLP/HTTP), or null for anything else. */
export function encodingOfContentType(contentType: string | null): OtlpEncoding | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

export const CONTENT_TYPES: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
