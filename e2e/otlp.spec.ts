import { Metadata } from '@grpc/grpc-js';
import { expect, test } from '@playwright/test';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OTLPLogExporterGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { cli, parseCount, uniqueTag } from './helpers';
import { E2E_OTLP_GRPC_PORT, E2E_SERVERS } from './servers';

// Live agent telemetry: the OpenTelemetry JS SDK's own exporters (OTLP/HTTP protobuf and
// OTLP/gRPC with gzip) send Claude-Code-shaped log events and GenAI spans to the production
// build; the served figures equal what was sent, each session is a run, a re-export adds nothing.
const server = E2E_SERVERS.demo;

let team = '';
let ingest = '';
let read = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  team = uniqueTag('otlp').toLowerCase();
  expect(cli(server, 'team', 'create', team)).toBe(team);
  ingest = cli(server, 'token', 'create', '--team', team, '--scope', 'ingest');
  read = cli(server, 'token', 'create', '--team', team, '--scope', 'read');
});

interface Call {
  requestId: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
  cost: number;
}

/** A Claude Code session's log events, as Claude Code emits them, captured by the SDK. */
async function claudeSession(session: string, calls: Call[], startMs: number): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.162' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.162');
  let seq = 0;
  const emit = (event: string, offsetMs: number, attrs: Record<string, string>) =>
    logger.emit({
      body: `claude_code.${event}`,
      severityNumber: SeverityNumber.INFO,
      timestamp: new Date(startMs + offsetMs),
      attributes: { 'event.name': event, 'event.sequence': String(++seq), 'session.id': session, 'event.timestamp': new Date(startMs + offsetMs).toISOString(), ...attrs },
    });
  emit('user_prompt', 0, { 'prompt.id': `${session}-p1`, prompt_length: '31' });
  calls.forEach((c, i) =>
    emit('api_request', 1000 * (i + 1), {
      'prompt.id': `${session}-p1`, model: 'claude-sonnet-4-5-20250929', request_id: c.requestId,
      input_tokens: String(c.input), output_tokens: String(c.output), cache_read_tokens: String(c.cacheRead),
      cache_creation_tokens: String(c.cacheCreation), cost_usd: String(c.cost), duration_ms: '2100',
    }),
  );
  emit('tool_result', 9000, { tool_name: 'Bash', tool_use_id: `toolu_${session.slice(0, 8)}`, success: 'true', duration_ms: '640' });
  await provider.forceFlush();
  const records = memory.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

function exportWith<T>(exporter: { export(items: T[], cb: (r: { code: number; error?: Error }) => void): void }, items: T[]): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(items, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error(`export failed with code ${r.code}`)))),
  );
}

async function getJson(path: string): Promise<Record<string, any>> {
  const res = await fetch(`${server.baseURL}${path}`, { headers: { authorization: `Bearer ${read}` } });
  expect(res.status, path).toBe(200);
  return res.json();
}

const sum = (calls: Call[], k: keyof Omit<Call, 'requestId'>) => calls.reduce((n, c) => n + c[k], 0);

test('real OTel SDK exporters over OTLP/HTTP protobuf and OTLP/gRPC: the served tokens are what was sent, each session a run, re-exports add nothing', async ({ page }) => {
  const now = Date.now() - 60 * 60_000;
  const sessionA = `${crypto.randomUUID()}`;
  const sessionB = `${crypto.randomUUID()}`;
  const callsA: Call[] = [
    { requestId: 'req_a1', input: 12, output: 450, cacheRead: 18000, cacheCreation: 2100, cost: 0.0812 },
    { requestId: 'req_a2', input: 7, output: 120, cacheRead: 20100, cacheCreation: 330, cost: 0.0233 },
  ];
  const callsB: Call[] = [{ requestId: 'req_b1', input: 40, output: 900, cacheRead: 5000, cacheCreation: 800, cost: 0.0419 }];
  const logsA = await claudeSession(sessionA, callsA, now);
  const logsB = await claudeSession(sessionB, callsB, now + 60_000);

  const http: LogRecordExporter = new OTLPLogExporter({ url: `${server.baseURL}/v1/logs`, headers: { Authorization: `Bearer ${ingest}` } });
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${ingest}`);
  const grpc: LogRecordExporter = new OTLPLogExporterGrpc({ url: `http://127.0.0.1:${E2E_OTLP_GRPC_PORT}`, metadata, compression: CompressionAlgorithm.GZIP });

  // GenAI spans from an instrumented agent: one trace, an agent span over two chat calls.
  const spans = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'triage-bot', 'vcs.repository.url.full': 'https://github.com/acme/api', 'vcs.ref.head.name': 'fix-login' }),
    spanProcessors: [new SimpleSpanProcessor(spans)],
  }).getTracer('demo-agent');
  const agentSpan = tracer.startSpan('invoke_agent triage', { startTime: now, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'triage', 'gen_ai.request.model': 'gpt-4o' } });
  const { trace, context } = await import('@opentelemetry/api');
  const parent = trace.setSpan(context.active(), agentSpan);
  for (const [i, usage] of [[1200, 80, 1024], [900, 60, 0]].entries()) {
    const chat = tracer.startSpan('chat gpt-4o', { startTime: now + 1000 * (i + 1), attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.usage.input_tokens': usage[0], 'gen_ai.usage.output_tokens': usage[1], 'gen_ai.usage.cache_read.input_tokens': usage[2] } }, parent);
    chat.end(now + 1000 * (i + 1) + 500);
  }
  agentSpan.end(now + 5000);
  const finished: ReadableSpan[] = spans.getFinishedSpans();
  expect(finished).toHaveLength(3);
  const traceExporter: SpanExporter = new OTLPTraceExporter({ url: `${server.baseURL}/v1/traces`, headers: { Authorization: `Bearer ${ingest}` } });

  const sent = async () => {
    await exportWith(http, logsA);
    await exportWith(grpc, logsB);
    await exportWith(traceExporter, finished);
  };
  await sent();

  const all = [...callsA, ...callsB];
  const expected = {
    input: sum(all, 'input') + (1200 - 1024) + 900,
    output: sum(all, 'output') + 80 + 60,
    cacheRead: sum(all, 'cacheRead') + 1024,
    cacheWrite: sum(all, 'cacheCreation'),
  };
  const window = `team=${team}&from=${encodeURIComponent(new Date(now - 86_400_000).toISOString())}`;
  const kpis = await getJson(`/api/v1/kpis?${window}`);
  expect(kpis.tokens).toEqual({ ...expected, total: expected.input + expected.output + expected.cacheRead + expected.cacheWrite });
  // Each session is a run, and so is the trace: the team dashboard's runs table, signed in.
  const traceRun = `otel:${finished[0].spanContext().traceId}`;
  const runsShown = async () => {
    await page.goto(`/teams/${team}?range=4w`);
    const rows = page.locator('[data-testid="runs-table"] tbody tr[data-run]');
    await expect(rows).toHaveCount(3);
    const shown: Record<string, { agent: string; repo: string; status: string; iterations: number; tokens: number }> = {};
    for (const row of await rows.all()) {
      const cells = await row.locator('td').allInnerTexts();
      shown[(await row.getAttribute('data-run'))!] = { agent: cells[1].split('\n')[0].trim(), repo: cells[2].trim(), status: cells[3].trim(), iterations: parseCount(cells[4]), tokens: parseCount(cells[5]) };
    }
    return shown;
  };
  const total = (calls: Call[]) => sum(calls, 'input') + sum(calls, 'output') + sum(calls, 'cacheRead') + sum(calls, 'cacheCreation');
  const shown = await runsShown();
  expect(shown).toEqual({
    [sessionA]: { agent: 'claude-code', repo: '—', status: 'running', iterations: 1, tokens: total(callsA) },
    [sessionB]: { agent: 'claude-code', repo: '—', status: 'running', iterations: 1, tokens: total(callsB) },
    [traceRun]: { agent: 'triage-bot', repo: 'acme/api', status: 'succeeded', iterations: 0, tokens: 1200 + 80 + 900 + 60 },
  });

  // An exporter retrying the same batches (after a lost answer) changes nothing.
  await sent();
  expect((await getJson(`/api/v1/kpis?${window}`)).tokens).toEqual(kpis.tokens);
  expect(await runsShown()).toEqual(shown);
  await Promise.all([http.shutdown(), grpc.shutdown(), traceExporter.shutdown()]);
});

test('the receivers answer OTLP errors: a bad token is refused over both transports', async () => {
  const records = await claudeSession(crypto.randomUUID(), [{ requestId: 'r', input: 1, output: 1, cacheRead: 0, cacheCreation: 0, cost: 0 }], Date.now());
  const http = new OTLPLogExporter({ url: `${server.baseURL}/v1/logs`, headers: { Authorization: 'Bearer nope' } });
  await expect(exportWith(http, records)).rejects.toThrow(/401|Unauthorized|unknown or revoked token/i);
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${read}`);
  const grpc = new OTLPLogExporterGrpc({ url: `http://127.0.0.1:${E2E_OTLP_GRPC_PORT}`, metadata });
  await expect(exportWith(grpc, records)).rejects.toThrow(/ingest/);
  await Promise.all([http.shutdown(), grpc.shutdown()]);
});
