import { otlpHttpHandler } from '@/lib/otlp/http';

/** POST /v1/traces: an OTLP/HTTP receiver (protobuf or JSON; lib/otlp/http.ts). */
export const POST = otlpHttpHandler('traces');
