import { otlpHttpHandler } from '@/lib/otlp/http';

/** POST /v1/metrics: an OTLP/HTTP receiver (protobuf or JSON; lib/otlp/http.ts). */
export const POST = otlpHttpHandler('metrics');
