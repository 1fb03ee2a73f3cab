import { otlpHttpHandler } from '@/lib/otlp/http';
import { otherMethods } from '@/lib/http/responses';

/** POST /v1/metrics: an OTLP/HTTP receiver (protobuf or JSON; lib/otlp/http.ts). */
export const POST = otlpHttpHandler('metrics');

export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
