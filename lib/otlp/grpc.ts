/**
 * The OTLP/gRPC receiver: `opentelemetry.proto.collector.{trace,logs,metrics}.v1.*Service/Export`
 * on its own port (`LOOPSCOPE_OTLP_GRPC_PORT`, default 4317; 0: off), served by @grpc/grpc-js,
 * started with the server (lib/server/startup.ts) and stopped with it (lib/server/shutdown.ts).
 *
 * The request message is taken as bytes (grpc-js decompresses `grpc-encoding: gzip`) and goes the
 * same way as an OTLP/HTTP protobuf body (receive.ts); the token is the `authorization`
 * metadata, as exporters send OTEL_EXPORTER_OTLP_HEADERS. Refusals map to the codes OTLP/gRPC
 * prescribes: UNAVAILABLE (storage trouble, shutting down) and RESOURCE_EXHAUSTED with RetryInfo
 * (rate limit) are retried by exporters, the others are not.
 */
import 'server-only';
import * as grpc from '@grpc/grpc-js';
import { maxUploadBytes, otlpGrpcPort } from '@/lib/config';
import { encodeExportResponse, encodeStatus } from './proto';
import { receiveOtlpExport, type OtlpReceipt } from './receive';
import { OTLP_SIGNALS, type OtlpSignal } from './signals';

export const GRPC_SERVICES: Record<OtlpSignal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
};

const state = globalThis as unknown as { loopscopeOtlpGrpc?: { server: grpc.Server; port: number } | null };

const identity = (b: Buffer) => b;

function serviceDefinition(signal: OtlpSignal): grpc.ServiceDefinition {
  return {
    Export: {
      path: `/${GRPC_SERVICES[signal]}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: (r: Uint8Array) => Buffer.from(r),
      responseDeserialize: identity,
    },
  };
}

function grpcCode(status: number): grpc.status {
  switch (status) {
    case 400:
      return grpc.status.INVALID_ARGUMENT;
    case 401:
      return grpc.status.UNAUTHENTICATED;
    case 403:
      return grpc.status.PERMISSION_DENIED;
    case 413:
    case 429:
      return grpc.status.RESOURCE_EXHAUSTED;
    case 503:
      return grpc.status.UNAVAILABLE;
    default:
      return grpc.status.INTERNAL;
  }
}

function grpcError(receipt: Extract<OtlpReceipt, { ok: false }>): Partial<grpc.StatusObject> {
  const code = grpcCode(receipt.status);
  const metadata = new grpc.Metadata();
  if (receipt.retryAfter !== undefined) {
    metadata.set('grpc-status-details-bin', Buffer.from(encodeStatus(code, receipt.message, receipt.retryAfter)));
  }
  return { code, details: receipt.message, metadata };
}

function exportHandler(signal: OtlpSignal): grpc.handleUnaryCall<Buffer, Uint8Array> {
  return (call, callback) => {
    const authorization = call.metadata.get('authorization')[0];
    // The message takes the HTTP body's way: spooled, then stored by the ingest worker.
    const body = new Request('http://otlp-grpc.invalid/', { method: 'POST', body: new Uint8Array(call.request), headers: { 'content-length': String(call.request.length) } });
    receiveOtlpExport(body, signal, 'protobuf', typeof authorization === 'string' ? authorization : null, 'OTLP/gRPC').then(
      (receipt) => (receipt.ok ? callback(null, encodeExportResponse(signal, receipt.outcome)) : callback(grpcError(receipt))),
      (err: Error) => {
        console.error(`Loopscope: OTLP/gRPC ${signal} export failed: ${err.stack ?? err.message}`);
        callback({ code: grpc.status.INTERNAL, details: 'the export could not be stored (internal error); nothing was stored' });
      },
    );
  };
}

/** Starts the receiver unless its port is 0; a port already in use is reported, not fatal. */
export async function startOtlpGrpcServer(): Promise<number | null> {
  if (state.loopscopeOtlpGrpc) return state.loopscopeOtlpGrpc.port;
  const port = otlpGrpcPort();
  if (port === 0) return null;
  const server = new grpc.Server({ 'grpc.max_receive_message_length': maxUploadBytes() });
  for (const signal of OTLP_SIGNALS) server.addService(serviceDefinition(signal), { Export: exportHandler(signal) });
  const host = process.env.HOSTNAME && process.env.HOSTNAME !== '' ? process.env.HOSTNAME : '0.0.0.0';
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  try {
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    state.loopscopeOtlpGrpc = { server, port: bound };
    console.log(`Loopscope: OTLP/gRPC receiver listening on ${host}:${bound}`);
    return bound;
  } catch (err) {
    console.error(`Loopscope: the OTLP/gRPC receiver cannot listen on ${address} (${(err as Error).message}); set LOOPSCOPE_OTLP_GRPC_PORT to a free port, or 0 to turn it off. OTLP/HTTP (/v1/traces, /v1/logs, /v1/metrics) works all the same.`);
    server.forceShutdown();
    return null;
  }
}

/** Stops taking calls, lets those in flight answer for up to `timeoutMs`, then closes. */
export async function stopOtlpGrpcServer(timeoutMs = 2000): Promise<void> {
  const s = state.loopscopeOtlpGrpc;
  if (!s) return;
  state.loopscopeOtlpGrpc = null;
  await Promise.race([
    new Promise<void>((resolve) => s.server.tryShutdown(() => resolve())),
    new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
  ]);
  s.server.forceShutdown();
}
