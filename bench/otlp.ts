/**
 * `npm run bench -- --only otlp` (bench/README.md, step 8):
 *
 * 1. Memory of a large export: a ~42 MB OTLP/JSON trace export (GenAI chat spans; and the same
 *    spans as protobuf) goes through `ingest()` in a child process (bench/otlp-child.ts), as the
 *    receiver's worker reads a spooled body; its peak RSS over the RSS before the call.
 * 2. Ingest rate: `next start` on a fresh database (rate limit off), then the same Claude Code
 *    `api_request` records sent in batches of 512 (the SDK's default export batch), once as
 *    OTLP/HTTP protobuf to `POST /v1/logs` and once as the events-v1 NDJSON they map to, to
 *    `POST /api/v1/events`, each batch waiting for its answer; records/s for each, wall clock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeExportRequest } from '@/lib/otlp/proto';
import { claudeApiRequestRecord, claudeLogsRequest } from '@/lib/otlp/testing';
import { runChild } from './child';
import { addResultsJson, cli, ensureBuild, replaceMdSection, serverEnv, startServer, stopServer } from './kpis';

const OUT = path.join(path.resolve(path.dirname(new URL(import.meta.url).pathname), '..'), 'bench', 'out');
const MB = 2 ** 20;
const BATCH = 512;

export interface OtlpBenchResult {
  date: string;
  memory: { encoding: string; bodyMb: number; spans: number; accepted: number; seconds: number; rssBeforeMb: number; peakRssMb: number; addedMb: number }[];
  rate: { records: number; batch: number; otlpProtobuf: { seconds: number; recordsPerSecond: number }; eventsApi: { seconds: number; recordsPerSecond: number } };
}

/** A GenAI chat span in OTLP/JSON, with the attributes a real instrumentation writes. */
function chatSpan(i: number, traceId: string): Record<string, unknown> {
  const start = BigInt(Date.UTC(2026, 10, 20, 10)) * 1_000_000n + BigInt(i) * 1_000_000_000n;
  const a = (key: string, value: Record<string, unknown>) => ({ key, value });
  return {
    traceId,
    spanId: i.toString(16).padStart(16, '0'),
    parentSpanId: 'ffffffffffffffff',
    name: 'chat gpt-4o',
    kind: 3,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 800_000_000n),
    attributes: [
      a('gen_ai.operation.name', { stringValue: 'chat' }),
      a('gen_ai.system', { stringValue: 'openai' }),
      a('gen_ai.request.model', { stringValue: 'gpt-4o' }),
      a('gen_ai.response.model', { stringValue: 'gpt-4o-2024-08-06' }),
      a('gen_ai.response.id', { stringValue: `chatcmpl-${i}` }),
      a('gen_ai.response.finish_reasons', { arrayValue: { values: [{ stringValue: 'stop' }] } }),
      a('server.address', { stringValue: 'api.openai.com' }),
      a('gen_ai.usage.input_tokens', { intValue: 1200 + (i % 100) }),
      a('gen_ai.usage.output_tokens', { intValue: 80 + (i % 7) }),
      a('gen_ai.usage.cache_read.input_tokens', { intValue: 1024 }),
    ],
    status: { code: 0 },
    flags: 257,
  };
}

/** Writes a trace export of about `targetBytes` as OTLP/JSON, streamed (flat memory); returns its span count. */
export async function writeJsonBody(file: string, targetBytes: number): Promise<{ spans: Record<string, unknown>[]; count: number }> {
  const traceId = 'b'.repeat(32);
  const head = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench-agent' } }] }, scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-openai', version: '0.21.0' }, spans: [] }] }] });
  const [before, after] = head.split('"spans":[]');
  const out = fs.createWriteStream(file);
  out.write(`${before}"spans":[`);
  let bytes = 0;
  let i = 0;
  const sample: Record<string, unknown>[] = [];
  while (bytes < targetBytes) {
    const s = JSON.stringify(chatSpan(i, traceId));
    if (i < 2) sample.push(chatSpan(i, traceId));
    out.write(i > 0 ? `,${s}` : s);
    bytes += s.length + 1;
    i++;
  }
  out.write(`]${after}`);
  await new Promise((r) => out.end(r));
  return { spans: sample, count: i };
}

async function memoryStep(): Promise<OtlpBenchResult['memory']> {
  const jsonFile = path.join(OUT, 'otlp-42mb.json');
  const { count } = await writeJsonBody(jsonFile, 42 * 1_000_000);
  // The same spans as protobuf (built whole here, in the parent: only the child is measured).
  const pbFile = path.join(OUT, 'otlp-42mb.pb');
  fs.writeFileSync(pbFile, encodeExportRequest('traces', JSON.parse(fs.readFileSync(jsonFile, 'utf8'))));
  const rows: OtlpBenchResult['memory'] = [];
  for (const [encoding, file] of [['json', jsonFile], ['protobuf', pbFile]] as const) {
    const r = await runChild('otlp-child.ts', [file, path.join(OUT, 'otlp-memory.db'), 'bench-otlp', encoding]);
    rows.push({ encoding, bodyMb: fs.statSync(file).size / MB, spans: count, accepted: r.accepted, seconds: r.seconds, rssBeforeMb: r.rssBeforeMb, peakRssMb: r.peakRssMb, addedMb: r.peakRssMb - r.rssBeforeMb });
    console.log(`  ${encoding.padEnd(8)} ${(fs.statSync(file).size / MB).toFixed(1)} MB, ${count.toLocaleString('en-US')} spans → ${r.accepted.toLocaleString('en-US')} llm.calls in ${r.seconds.toFixed(1)} s; RSS ${r.rssBeforeMb.toFixed(0)} MB before, peak ${r.peakRssMb.toFixed(0)} MB (+${(r.peakRssMb - r.rssBeforeMb).toFixed(0)} MB)`);
  }
  for (const f of [jsonFile, pbFile]) fs.rmSync(f, { force: true });
  return rows;
}

async function post(url: string, token: string, contentType: string, body: Uint8Array | string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  await res.arrayBuffer();
}

async function rateStep(records: number, build: boolean): Promise<OtlpBenchResult['rate']> {
  ensureBuild(build);
  const dir = path.join(OUT, 'otlp-server');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const env = { ...serverEnv(path.join(dir, 'loopscope.db')), LOOPSCOPE_RATE_LIMIT_PER_MINUTE: '0' };
  const { base } = await startServer(env, path.join(OUT, 'otlp-server.log'));
  try {
    const teams = ['otlp-a', 'otlp-b'].map((t) => cli(env, ['team', 'create', t]));
    const [otlpToken, eventsToken] = teams.map((t) => cli(env, ['token', 'create', '--team', t, '--scope', 'ingest']));
    const t0 = Date.UTC(2026, 10, 20, 9);
    const batch = (b: number) =>
      Array.from({ length: Math.min(BATCH, records - b * BATCH) }, (_, i) => {
        const n = b * BATCH + i;
        return { session: `session-${Math.floor(n / 1000)}`, requestId: `req_${n}`, atMs: t0 + n * 1000, input: 10 + (n % 50), output: 300, cacheRead: 15000, cacheCreation: 200, costUsd: 0.05, sequence: n + 1 };
      });
    const batches = Math.ceil(records / BATCH);
    // Bodies are made before the clock starts: only sending and storing is timed.
    const otlpBodies = Array.from({ length: batches }, (_, b) => encodeExportRequest('logs', claudeLogsRequest(batch(b).map(claudeApiRequestRecord))));
    const ndjsonBodies = Array.from({ length: batches }, (_, b) =>
      batch(b)
        .map((c) => JSON.stringify({ id: `cc:${c.session}:otel-api:${c.requestId}`, type: 'llm.call', ts: new Date(c.atMs).toISOString(), run: c.session, agent: 'claude-code', model: 'claude-sonnet-4-5-20250929', input_tokens: c.input, output_tokens: c.output, cache_read_tokens: c.cacheRead, cache_write_tokens: c.cacheCreation, cost_usd: c.costUsd }) + '\n')
        .join(''),
    );
    const timed = async (send: (b: number) => Promise<void>) => {
      const start = performance.now();
      for (let b = 0; b < batches; b++) await send(b);
      const seconds = (performance.now() - start) / 1000;
      return { seconds, recordsPerSecond: records / seconds };
    };
    const otlpProtobuf = await timed((b) => post(`${base}/v1/logs`, otlpToken, 'application/x-protobuf', otlpBodies[b]));
    const eventsApi = await timed((b) => post(`${base}/api/v1/events`, eventsToken, 'application/x-ndjson', ndjsonBodies[b]));
    console.log(`  OTLP/HTTP protobuf /v1/logs: ${records.toLocaleString('en-US')} records in ${otlpProtobuf.seconds.toFixed(1)} s → ${Math.round(otlpProtobuf.recordsPerSecond).toLocaleString('en-US')} records/s`);
    console.log(`  events API /api/v1/events:   ${records.toLocaleString('en-US')} records in ${eventsApi.seconds.toFixed(1)} s → ${Math.round(eventsApi.recordsPerSecond).toLocaleString('en-US')} records/s`);
    return { records, batch: BATCH, otlpProtobuf, eventsApi };
  } finally {
    await stopServer();
  }
}

export async function runOtlpBench(options: { records: number; build?: boolean }): Promise<OtlpBenchResult> {
  fs.mkdirSync(OUT, { recursive: true });
  console.log('8. OTLP: memory of a ~42 MB export through ingest() (child process)');
  const memory = await memoryStep();
  console.log(`8. OTLP: ingest rate, the same records over OTLP/HTTP protobuf and the events API, batches of ${BATCH}`);
  const rate = await rateStep(options.records, options.build ?? false);
  return { date: new Date().toISOString(), memory, rate };
}

export function appendOtlpResults(r: OtlpBenchResult): void {
  addResultsJson('otlp', r);
  const rows = [
    ...r.memory.map((m) => `| ${m.encoding} export of ${m.bodyMb.toFixed(1)} MB (${m.spans.toLocaleString('en-US')} spans): peak RSS over the RSS before | +${m.addedMb.toFixed(0)} MB (${m.peakRssMb.toFixed(0)} MB peak, ${m.seconds.toFixed(1)} s) |`),
    `| OTLP/HTTP protobuf \`POST /v1/logs\`, ${r.rate.records.toLocaleString('en-US')} records in batches of ${r.rate.batch} | ${Math.round(r.rate.otlpProtobuf.recordsPerSecond).toLocaleString('en-US')} records/s |`,
    `| events API \`POST /api/v1/events\`, the same records as NDJSON | ${Math.round(r.rate.eventsApi.recordsPerSecond).toLocaleString('en-US')} records/s |`,
  ];
  replaceMdSection('## OTLP receiver', `## OTLP receiver — ${r.date}\n\n| Metric | Value |\n|---|---|\n${rows.join('\n')}\n`);
}
