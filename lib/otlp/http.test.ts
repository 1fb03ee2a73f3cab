/**
 * The OTLP/HTTP receiver in-process: the route handlers of POST /v1/{traces,logs,metrics}, with
 * the real ingest worker thread behind them, on a real database; and the OTLP/gRPC receiver
 * on a real port, called through @grpc/grpc-js.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as logsPOST } from '@/app/v1/logs/route';
import { POST as metricsPOST } from '@/app/v1/metrics/route';
import { POST as tracesPOST } from '@/app/v1/traces/route';
import { closeDb, getDb } from '@/lib/data/connection';
import { ensureTeams } from '@/lib/data/teams';
import { createApiToken } from '@/lib/data/tokens';
import { OPERATOR } from '@/lib/data/viewer';
import { stopIngestWorker } from '@/lib/ingest/queue';
import { tempDatabase, type TempDatabase } from '@/lib/testing/db';
import { freePort } from '@/lib/testing/net';
import { GRPC_SERVICES, startOtlpGrpcServer, stopOtlpGrpcServer } from './grpc';
import { decodeExportResponse, decodeStatus, encodeExportRequest } from './proto';
import { claudeApiRequestRecord, claudeLogsRequest, claudeToolResultRecord } from './testing';

const TRACE = fs.readFileSync(path.join(__dirname, '..', 'importers', 'fixtures', 'otlp', 'agent-trace.json'), 'utf8');
const SESSION = '7d0e5b4c-2f4e-4a7b-9c1d-0e9f8a7b6c5d';
let temp: TempDatabase;
const saved: Record<string, string | undefined> = {};
let ingestToken = '';
let readToken = '';

function setEnv(name: string, value: string | undefined): void {
  if (!(name in saved)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeAll(async () => {
  temp = await tempDatabase();
  setEnv('DATABASE_PATH', temp.env.DATABASE_PATH);
  setEnv('DATABASE_URL', temp.env.DATABASE_URL);
  setEnv('LOOPSCOPE_RATE_LIMIT_PER_MINUTE', '0');
  const db = await getDb();
  await ensureTeams([{ slug: 'acme', name: 'Acme' }], db);
  ingestToken = (await createApiToken(OPERATOR, { teamId: 1, scopes: ['ingest'] }, db)).token;
  readToken = (await createApiToken(OPERATOR, { teamId: 1, scopes: ['read'] }, db)).token;
});

afterAll(async () => {
  await stopOtlpGrpcServer();
  await stopIngestWorker();
  await closeDb();
  for (const [k, v] of Object.entries(saved)) setEnv(k, v);
  await temp.cleanup();
});

const q = async (sql: string, params?: Record<string, unknown>) => (await getDb()).all(sql, params);
const tokens = async (run: string) =>
  (await q('SELECT llm_calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, tool_calls FROM runs WHERE run = @run', { run }))[0];

const LOGS = claudeLogsRequest([
  claudeApiRequestRecord({ session: SESSION, requestId: 'req_1', atMs: Date.UTC(2026, 10, 20, 10), input: 120, output: 450, cacheRead: 9000, cacheCreation: 300, costUsd: 0.0875 }),
  claudeApiRequestRecord({ session: SESSION, requestId: 'req_2', atMs: Date.UTC(2026, 10, 20, 10, 1), input: 80, output: 200, cacheRead: 9300, cacheCreation: 0, costUsd: 0.041 }),
  claudeToolResultRecord({ session: SESSION, toolUseId: 'toolu_01', atMs: Date.UTC(2026, 10, 20, 10, 2), tool: 'Bash', success: false, durationMs: 812 }),
]);

type Headers = Record<string, string>;
const post = (handler: (r: Request) => Promise<Response>, signal: string, body: Uint8Array | string, headers: Headers) =>
  handler(new Request(`http://localhost/v1/${signal}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers }));
const pbHeaders = (token = ingestToken): Headers => ({ authorization: `Bearer ${token}`, 'content-type': 'application/x-protobuf' });
const jsonHeaders = (token = ingestToken): Headers => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

describe('POST /v1/logs', () => {
  it('takes protobuf, answers an ExportLogsServiceResponse in protobuf, and a retried export adds nothing', async () => {
    const body = encodeExportRequest('logs', LOGS);
    const res = await post(logsPOST, 'logs', body, pbHeaders());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeExportResponse('logs', new Uint8Array(await res.arrayBuffer()))).toEqual({});
    expect(await tokens(SESSION)).toEqual({ llm_calls: 2, input_tokens: 200, output_tokens: 650, cache_read_tokens: 18300, cache_write_tokens: 300, tool_calls: 1 });
    expect(await q('SELECT source, format, agent, accepted FROM uploads ORDER BY id DESC LIMIT 1')).toEqual([{ source: 'otlp', format: 'otlp', agent: 'claude-code', accepted: 4 }]);
    expect((await post(logsPOST, 'logs', body, pbHeaders())).status).toBe(200);
    expect(await tokens(SESSION)).toMatchObject({ llm_calls: 2, input_tokens: 200 });
    expect(await q('SELECT accepted, duplicates FROM uploads ORDER BY id DESC LIMIT 1')).toEqual([{ accepted: 0, duplicates: 4 }]);
  });

  it('takes JSON and gzip, each answered in its own encoding', async () => {
    const json = await post(logsPOST, 'logs', JSON.stringify(LOGS), jsonHeaders());
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({});
    const gz = zlib.gzipSync(encodeExportRequest('logs', LOGS));
    const zipped = await post(logsPOST, 'logs', gz, { ...pbHeaders(), 'content-encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    // The same records: duplicates, in either encoding.
    expect(await q('SELECT accepted, duplicates FROM uploads ORDER BY id DESC LIMIT 1')).toEqual([{ accepted: 0, duplicates: 4 }]);
  });

  it('reports rejected records as partial success and stores the rest', async () => {
    const session = 'a1a1a1a1-0000-4000-8000-000000000001';
    const bad = claudeApiRequestRecord({ session, requestId: 'req_bad', atMs: Date.UTC(2026, 10, 21), input: 1, output: 1, cacheRead: 0, cacheCreation: 0, costUsd: 0 });
    (bad.attributes as { key: string; value: { stringValue: string } }[]).find((a) => a.key === 'output_tokens')!.value.stringValue = '-7';
    const good = claudeApiRequestRecord({ session, requestId: 'req_good', atMs: Date.UTC(2026, 10, 21, 0, 1), input: 5, output: 6, cacheRead: 0, cacheCreation: 0, costUsd: 0.001 });
    const body = claudeLogsRequest([bad, good]);
    const res = await post(logsPOST, 'logs', encodeExportRequest('logs', body), pbHeaders());
    expect(res.status).toBe(200);
    const answer = decodeExportResponse('logs', new Uint8Array(await res.arrayBuffer())) as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
    expect(answer.partialSuccess.rejectedLogRecords).toBe('1');
    expect(answer.partialSuccess.errorMessage).toContain('resourceLogs[0].scopeLogs[0].logRecords[0]: output_tokens');
    expect(await tokens(session)).toMatchObject({ llm_calls: 1, input_tokens: 5, output_tokens: 6 });
    const jsonRes = await post(logsPOST, 'logs', JSON.stringify(body), jsonHeaders());
    expect(await jsonRes.json()).toEqual({ partialSuccess: { rejectedLogRecords: '1', errorMessage: expect.stringContaining('must be an integer') } });
  });

  it('answers 400 with a google.rpc.Status for a body it cannot decode, and stores nothing of it', async () => {
    const before = (await q('SELECT count(*) n FROM events'))[0].n;
    const whole = encodeExportRequest('logs', claudeLogsRequest([claudeApiRequestRecord({ session: 'cut', requestId: 'r', atMs: Date.UTC(2026, 10, 22), input: 1, output: 1, cacheRead: 0, cacheCreation: 0, costUsd: 0 })]));
    const truncated = await post(logsPOST, 'logs', whole.subarray(0, whole.length - 5), pbHeaders());
    expect(truncated.status).toBe(400);
    expect(truncated.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeStatus(new Uint8Array(await truncated.arrayBuffer()))).toMatchObject({ code: 3, message: expect.stringContaining('not valid protobuf') });
    const notJson = await post(logsPOST, 'logs', '{"resourceLogs": [', jsonHeaders());
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: 3, message: expect.stringContaining('not valid JSON') });
    const wrongSignal = await post(logsPOST, 'logs', TRACE, jsonHeaders());
    expect(wrongSignal.status).toBe(400);
    expect((await wrongSignal.json()).message).toContain('this endpoint takes logs');
    const badGzip = await post(logsPOST, 'logs', Buffer.from('not gzip'), { ...pbHeaders(), 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    expect((await q('SELECT count(*) n FROM events'))[0].n).toBe(before);
  });

  it('answers 401, 403, 415 and 429 (with Retry-After) as OTLP prescribes', async () => {
    const body = encodeExportRequest('logs', LOGS);
    const none = await post(logsPOST, 'logs', body, { 'content-type': 'application/x-protobuf' });
    expect(none.status).toBe(401);
    expect(decodeStatus(new Uint8Array(await none.arrayBuffer())).code).toBe(16);
    expect((await post(logsPOST, 'logs', body, pbHeaders('not-a-token'))).status).toBe(401);
    const readOnly = await post(logsPOST, 'logs', body, pbHeaders(readToken));
    expect(readOnly.status).toBe(403);
    expect(decodeStatus(new Uint8Array(await readOnly.arrayBuffer())).code).toBe(7);
    expect((await post(logsPOST, 'logs', body, { ...pbHeaders(), 'content-type': 'text/plain' })).status).toBe(415);
    setEnv('LOOPSCOPE_RATE_LIMIT_PER_MINUTE', '1');
    try {
      const token = (await createApiToken(OPERATOR, { teamId: 1, scopes: ['ingest'] }, getDb())).token;
      expect((await post(logsPOST, 'logs', body, pbHeaders(token))).status).toBe(200);
      const limited = await post(logsPOST, 'logs', body, pbHeaders(token));
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      setEnv('LOOPSCOPE_RATE_LIMIT_PER_MINUTE', '0');
    }
  });

  it('answers 413 over the size limit', async () => {
    setEnv('LOOPSCOPE_MAX_UPLOAD_BYTES', '1000');
    try {
      const big = JSON.stringify(claudeLogsRequest(Array.from({ length: 20 }, (_, i) => claudeApiRequestRecord({ session: 'big', requestId: `r${i}`, atMs: Date.UTC(2026, 10, 23), input: 1, output: 1, cacheRead: 0, cacheCreation: 0, costUsd: 0 }))));
      const res = await post(logsPOST, 'logs', zlib.gzipSync(big), { ...jsonHeaders(), 'content-encoding': 'gzip' });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 8 });
    } finally {
      setEnv('LOOPSCOPE_MAX_UPLOAD_BYTES', undefined);
    }
  });
});

describe('POST /v1/traces and /v1/metrics', () => {
  it('takes GenAI spans as protobuf as well as JSON', async () => {
    const doc = JSON.parse(TRACE);
    const res = await post(tracesPOST, 'traces', encodeExportRequest('traces', doc), pbHeaders());
    expect(res.status).toBe(200);
    expect(await tokens('otel:5b8efff798038103d269b633813fc60c')).toMatchObject({ llm_calls: 3, tool_calls: 1, input_tokens: 300 + 500 + 800 });
    expect((await post(tracesPOST, 'traces', TRACE, jsonHeaders())).status).toBe(200);
    expect(await q('SELECT accepted, duplicates, agent FROM uploads ORDER BY id DESC LIMIT 1')).toEqual([{ accepted: 0, duplicates: 6, agent: 'support-agent' }]);
  });

  it('accepts metrics and stores none of them', async () => {
    const before = (await q('SELECT count(*) n FROM events'))[0].n;
    const metrics = {
      resourceMetrics: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
        scopeMetrics: [{
          scope: { name: 'com.anthropic.claude_code' },
          metrics: [{ name: 'claude_code.token.usage', unit: 'tokens', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ asDouble: 1200, timeUnixNano: '1794000000000000000', attributes: [{ key: 'type', value: { stringValue: 'input' } }] }] } }],
        }],
      }],
    };
    const res = await post(metricsPOST, 'metrics', encodeExportRequest('metrics', metrics), pbHeaders());
    expect(res.status).toBe(200);
    expect(decodeExportResponse('metrics', new Uint8Array(await res.arrayBuffer()))).toEqual({});
    expect((await q('SELECT count(*) n FROM events'))[0].n).toBe(before);
  });
});

describe('OTLP/gRPC receiver', () => {
  it('serves the logs service on its own port, with the token in the authorization metadata', async () => {
    const port = await freePort();
    setEnv('LOOPSCOPE_OTLP_GRPC_PORT', String(port));
    expect(await startOtlpGrpcServer()).toBe(port);
    const Client = grpc.makeGenericClientConstructor({
      Export: {
        path: `/${GRPC_SERVICES.logs}/Export`, requestStream: false, responseStream: false,
        requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b, responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b,
      },
    }, 'LogsService');
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = (body: Uint8Array, token: string | null) =>
      new Promise<{ err: grpc.ServiceError | null; res?: Buffer }>((resolve) => {
        const md = new grpc.Metadata();
        if (token) md.set('authorization', `Bearer ${token}`);
        (client as unknown as { Export: (b: Buffer, m: grpc.Metadata, cb: (e: grpc.ServiceError | null, r?: Buffer) => void) => void })
          .Export(Buffer.from(body), md, (err, res) => resolve({ err, res }));
      });
    try {
      const session = 'b2b2b2b2-0000-4000-8000-000000000002';
      const body = encodeExportRequest('logs', claudeLogsRequest([claudeApiRequestRecord({ session, requestId: 'req_g', atMs: Date.UTC(2026, 10, 24), input: 10, output: 20, cacheRead: 30, cacheCreation: 40, costUsd: 0.01 })]));
      const ok = await call(body, ingestToken);
      expect(ok.err).toBeNull();
      expect(decodeExportResponse('logs', ok.res!)).toEqual({});
      expect(await tokens(session)).toMatchObject({ llm_calls: 1, input_tokens: 10, output_tokens: 20, cache_read_tokens: 30, cache_write_tokens: 40 });
      expect((await call(body, null)).err?.code).toBe(grpc.status.UNAUTHENTICATED);
      expect((await call(body, readToken)).err?.code).toBe(grpc.status.PERMISSION_DENIED);
      expect((await call(body.subarray(0, body.length - 3), ingestToken)).err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    } finally {
      client.close();
      await stopOtlpGrpcServer();
    }
  });
});
