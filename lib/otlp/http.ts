/**
 * OTLP/HTTP (`POST /v1/traces`, `/v1/logs`, `/v1/metrics`): `application/x-protobuf` or
 * `application/json`, optionally `Content-Encoding: gzip`. Answers as the OTLP specification's
 * OTLP/HTTP section prescribes, in the request's encoding: 200 with the
 * `Export*ServiceResponse` (its `partial_success` counts the rejected records and says why);
 * failures with a `google.rpc.Status` body: 400 (undecodable), 401 / 403 (token), 413 (over the
 * size limit), 415 (other content types or encodings), 429 and 503 with `Retry-After` (the codes
 * exporters retry on).
 */
import 'server-only';
import { encodeExportResponse, encodeStatus, exportResponseObject } from './proto';
import { receiveOtlpExport } from './receive';
import { CONTENT_TYPES, encodingOfContentType, type OtlpEncoding, type OtlpSignal } from './signals';

/** HTTP status → the google.rpc.Code of its Status body. */
function rpcCode(status: number): number {
  switch (status) {
    case 400:
      return 3; // INVALID_ARGUMENT
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 413:
    case 429:
      return 8; // RESOURCE_EXHAUSTED
    case 415:
      return 3;
    case 503:
      return 14; // UNAVAILABLE
    default:
      return 13; // INTERNAL
  }
}

function respond(encoding: OtlpEncoding, status: number, body: Uint8Array | object, retryAfter?: number): Response {
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPES[encoding], 'cache-control': 'no-store' };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  const payload = body instanceof Uint8Array ? body : JSON.stringify(body);
  return new Response(payload as BodyInit, { status, headers });
}

export function statusResponse(encoding: OtlpEncoding, status: number, message: string, retryAfter?: number): Response {
  const code = rpcCode(status);
  const body = encoding === 'protobuf' ? encodeStatus(code, message) : { code, message };
  return respond(encoding, status, body, retryAfter);
}

/** The route handler of `POST /v1/<signal>`. */
export function otlpHttpHandler(signal: OtlpSignal): (request: Request) => Promise<Response> {
  return async (request) => {
    const encoding = encodingOfContentType(request.headers.get('content-type'));
    if (encoding === null) {
      return statusResponse('json', 415, 'Content-Type must be application/x-protobuf or application/json (OTLP/HTTP)');
    }
    const receipt = await receiveOtlpExport(request, signal, encoding, request.headers.get('authorization'), 'OTLP/HTTP');
    if (!receipt.ok) return statusResponse(encoding, receipt.status, receipt.message, receipt.retryAfter);
    const body = encoding === 'protobuf' ? encodeExportResponse(signal, receipt.outcome) : exportResponseObject(signal, receipt.outcome);
    return respond(encoding, 200, body);
  };
}
