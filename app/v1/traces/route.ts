import { authenticateToken } from '@/lib/auth/request';
import { json } from '@/lib/http/responses';
import { receiveUpload } from '@/lib/ingest/receive';

/**
 * POST /v1/traces: an OTLP/HTTP receiver (JSON encoding), so an agent harness can export its
 * GenAI spans straight to Loopscope: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=<base>/v1/traces`,
 * `OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer <token with the ingest scope>`,
 * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json`. Spans become events-v1 in the token's team
 * (lib/importers/otlp.ts), through the same ingestion path as every upload: one request is one
 * transaction, and a re-sent span adds nothing. Protobuf bodies are refused with 415.
 * Answers are OTLP's: 200 `{}` (`partialSuccess` with `?partial=1` when spans were rejected),
 * errors as a `google.rpc.Status`-shaped `{"code", "message"}` with Loopscope's `problems`.
 */
export async function POST(request: Request): Promise<Response> {
  const auth = authenticateToken(request, 'ingest');
  if (!auth.ok) return auth.response;
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') {
    return status(415, 'OTLP/protobuf is not supported: export with the JSON encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/json, Content-Type: application/json)');
  }
  if (type !== 'application/json') return status(415, 'Content-Type must be application/json (OTLP/HTTP JSON encoding)');
  const partial = ['1', 'true'].includes(new URL(request.url).searchParams.get('partial') ?? '');
  const outcome = await receiveUpload(request, {
    team: { id: auth.viewer.teamId, slug: auth.viewer.teamSlug },
    format: 'otlp',
    partial,
    source: 'api',
    filename: 'otlp /v1/traces',
  });
  if (!outcome.ok) return status(outcome.status, outcome.message, outcome.retryAfter);
  const { result } = outcome;
  if (!result.ok) {
    return json({ code: 3, message: `${result.rejectedCount} invalid span(s); nothing was stored`, problems: result.problems }, 400);
  }
  if (result.rejectedCount > 0) {
    return json({ partialSuccess: { rejectedSpans: result.rejectedCount, errorMessage: result.problems.map((p) => `${p.field}: ${p.message}`).slice(0, 20).join('; ') } });
  }
  return json({});
}

/** An error in the shape of google.rpc.Status (OTLP/HTTP failures). */
function status(httpStatus: number, message: string, retryAfter?: number): Response {
  const code = httpStatus === 401 ? 16 : httpStatus === 403 ? 7 : httpStatus === 413 ? 8 : httpStatus === 503 ? 14 : 3;
  return json({ code, message, error: message }, httpStatus, retryAfter ? { 'retry-after': String(retryAfter) } : {});
}
