import { otlpHttpHandler } from '@/lib/otlp/http';
import { otherMethods } from '@/lib/http/responses';

/** POST /v1/logs: an OTLP/HTTP receiver (protobuf or JSON; lib/otlp/http.ts). */
export const POST = otlpHttpHandler('logs');

export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
