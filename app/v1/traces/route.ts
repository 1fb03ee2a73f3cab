import { otlpHttpHandler } from '@/lib/otlp/http';
import { otherMethods } from '@/lib/http/responses';

/** POST /v1/traces: an OTLP/HTTP receiver (protobuf or JSON; lib/otlp/http.ts). */
export const POST = otlpHttpHandler('traces');

export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
