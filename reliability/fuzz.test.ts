/**
 * 6. Hostile input: fuzzing every parser with fast-check — events-v1 NDJSON, JSON array and
 * CSV, the Claude Code, Codex (rollouts and exec output), OTLP and GitHub importers, hook requests, and GitHub webhook payloads — with
 * random and mutated inputs (byte flips, structural characters, cuts, duplicated slices, NUL
 * and CR, random chunk boundaries), seeded from real-format fixtures.
 *
 * In process: a parser never throws, never hangs (each input < 2 s), and answers only events or
 * problems naming their place (a line number and a message). Over HTTP, against a production
 * server: every endpoint answers a 2xx or a 4xx, never a 5xx, and stays healthy.
 *
 * Inputs that broke a parser are kept as regression tests beside it (lib/**\/fuzz-regressions.test.ts).
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createParser, type ImportFormat } from '@/lib/importers';
import { mapGithubEvent } from '@/lib/importers/github';
import { smallEvents } from './events';
import { cli, fmt, makeFixtures, ROOT, Server, SOAK, workDir, writeRow } from './harness';

const RUNS = SOAK ? 10_000 : 1_500;
const HTTP_RUNS = SOAK ? 500 : 60;
const FIX = path.join(ROOT, 'lib/importers/fixtures');
const read = (p: string) => fs.readFileSync(path.join(FIX, p));
const SECRET = 'fuzz-webhook-secret-0123456789abcdef';

function eventsJsonArray(n: number): Buffer {
  const lines = smallEvents('j', n).trim().split('\n');
  return Buffer.from(`[\n${lines.join(',\n')}\n]\n`);
}
function eventsCsv(n: number): Buffer {
  const rows = ['id,type,ts,run,model,input_tokens,output_tokens,agent,attrs.k'];
  for (let i = 0; i < n; i++) rows.push(`c${i},llm.call,2026-11-20T10:00:0${i % 10}Z,r1,gpt-5,${i},${i * 2},codex,"v ""${i}"""`);
  return Buffer.from(rows.join('\n') + '\n');
}

/** Seeds per format: real fixtures and small valid inputs. */
const SEEDS: Record<ImportFormat, Buffer[]> = {
  ndjson: [Buffer.from(smallEvents('n', 6)), Buffer.from('\ufeff{"id":"a","type":"run.ended","ts":1763632800000,"run":"r","status":"failed"}\r\n')],
  json: [eventsJsonArray(5)],
  csv: [eventsCsv(5)],
  'claude-code': [
    read('claude-code/projects/-home-dev-src-api/c0ffee00-1111-4222-8333-444455556666.jsonl'),
    read('claude-code-malformed/77777777-8888-4999-aaaa-bbbbbbbbbbbb.jsonl'),
  ],
  codex: [
    read('codex/sessions/2026/11/03/rollout-2026-11-03T10-00-00-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9.jsonl'),
    read('codex-malformed/rollout-2026-11-04T08-00-00-6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d.jsonl'),
  ],
  otlp: [read('otlp/agent-trace.json'), read('otlp/collector-export.jsonl'), read('otlp-malformed/trace.json')],
  github: [read('github/deliveries.json'), read('github-malformed/deliveries.ndjson')],
  'claude-code-hook': [
    Buffer.concat([
      Buffer.from('{"session_id":"c0ffee00-1111-4222-8333-444455556666","transcript_path":"/p/c0ffee00-1111-4222-8333-444455556666.jsonl","hook_event_name":"SessionEnd","reason":"other"}\n'),
      read('claude-code/projects/-home-dev-src-api/c0ffee00-1111-4222-8333-444455556666.jsonl'),
    ]),
  ],
  'codex-hook': [
    Buffer.concat([
      Buffer.from('{"session_id":"5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9","transcript_path":null,"hook_event_name":"Stop"}\n'),
      read('codex/sessions/2026/11/03/rollout-2026-11-03T10-00-00-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9.jsonl'),
    ]),
    read('codex-exec/codex-exec-retry.jsonl'),
  ],
};
const FORMATS = Object.keys(SEEDS) as ImportFormat[];
const TOKENS = ['{', '}', '[', ']', '"', ',', ':', '\n', '\r', '\\', '\u0000', 'null', 'true', '-1', '1e999', '"\\u0000"', '\ufeff', '\ud800', '{"id":', '"type":"llm.call"', '__proto__', 'constructor', ';', '=cmd|'];

type Op =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; token: string }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'dup'; at: number; len: number }
  | { kind: 'cut'; at: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 256 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

function mutate(seed: Buffer, ops: Op[]): Buffer {
  let b = seed;
  for (const op of ops) {
    const at = b.length === 0 ? 0 : op.at % (b.length + 1);
    if (op.kind === 'flip' && b.length > 0) {
      b = Buffer.from(b);
      b[Math.min(at, b.length - 1)] = op.byte;
    } else if (op.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(op.token), b.subarray(at)]);
    else if (op.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + op.len)]);
    else if (op.kind === 'dup') b = Buffer.concat([b.subarray(0, at + op.len), b.subarray(at, at + op.len), b.subarray(at + op.len)]);
    else if (op.kind === 'cut') b = b.subarray(0, at);
  }
  return b;
}

/** Any input for a format: a mutated seed, or random text/bytes. */
const inputArb = (format: ImportFormat): fc.Arbitrary<Buffer> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...SEEDS[format]), fc.array(opArb, { minLength: 1, maxLength: 8 })).map(([s, ops]) => mutate(s, ops)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 400, unit: 'binary' }).map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(format === 'ndjson' || format === 'codex' || format === 'claude-code' ? `${JSON.stringify(v)}\n` : JSON.stringify(v))) },
  );

/** Runs a parser over `input` cut at `cuts`; throws on a contract violation. */
async function parseAll(format: ImportFormat, input: Buffer, cuts: number[]): Promise<number> {
  const parser = createParser(format, { fixedTeam: 'fz', repoMap: [{ path: '*', repo: 'fz' }] });
  const points = [...new Set(cuts.map((c) => (input.length ? c % input.length : 0)))].sort((a, b) => a - b);
  const items = [];
  let from = 0;
  const started = performance.now();
  if (parser.startFile) items.push(...(await parser.startFile('fuzz/input.jsonl')));
  for (const p of [...points, input.length]) {
    items.push(...parser.push(input.subarray(from, p)));
    from = p;
  }
  items.push(...(await parser.end()));
  const ms = performance.now() - started;
  if (ms > 2_000) throw new Error(`hang: ${fmt(ms)} ms`);
  for (const item of items) {
    if (!!item.event === !!item.problems) throw new Error(`item with ${item.event ? 'both' : 'neither'} event and problems`);
    for (const p of item.problems ?? []) {
      if (!Number.isInteger(p.line) || p.line < 0) throw new Error(`problem without a line: ${JSON.stringify(p)}`);
      if (typeof p.message !== 'string' || p.message.length === 0) throw new Error(`problem without a message: ${JSON.stringify(p)}`);
    }
  }
  return items.length;
}

const tried: Record<string, number> = {};
const crashes: string[] = [];

describe('parsers, in process', () => {
  for (const format of FORMATS) {
    it(`${format}: ${RUNS} random and mutated inputs, never a throw or a hang`, async () => {
      tried[format] = 0;
      const result = await fc.check(
        fc.asyncProperty(inputArb(format), fc.array(fc.nat(), { maxLength: 6 }), async (input, cuts) => {
          tried[format]++;
          await parseAll(format, input, cuts);
        }),
        { numRuns: RUNS, seed: SOAK ? undefined : 0x100c5c0e },
      );
      if (result.failed) {
        const [input] = result.counterexample as [Buffer, number[]];
        crashes.push(`${format}: ${JSON.stringify(input.toString('utf8').slice(0, 500))}: ${String(result.errorInstance)}`);
      }
      expect(result.failed, result.failed ? fc.defaultReportMessage(result) : '').toBe(false);
    });
  }

  it(`webhook payloads: ${RUNS} random payloads per event kind map without throwing`, () => {
    tried.webhook = 0;
    const payload = JSON.parse(read('github/deliveries.json').toString())[0].request.payload;
    const result = fc.check(
      fc.property(
        fc.constantFrom('pull_request', 'issues', 'push', 'ping', ''),
        fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.constant(payload), fc.record({ action: fc.string(), pull_request: fc.jsonValue({ maxDepth: 3 }), issue: fc.jsonValue({ maxDepth: 3 }), repository: fc.jsonValue({ maxDepth: 2 }) })),
        (event, body) => {
          tried.webhook++;
          const m = mapGithubEvent(event, body, { bugLabel: 'bug' });
          if (!Array.isArray(m.events)) throw new Error('no events array');
        },
      ),
      { numRuns: RUNS * 2, seed: SOAK ? undefined : 0x0ebb00c },
    );
    expect(result.failed, result.failed ? fc.defaultReportMessage(result) : '').toBe(false);
  });
});

describe('endpoints, over HTTP', () => {
  let server: Server | null = null;
  afterAll(async () => {
    await server?.kill();
  });

  it(`every ingestion endpoint answers 2xx/4xx to ${HTTP_RUNS} hostile bodies each, never 5xx`, async () => {
    const t0 = Date.now();
    const dir = workDir('fuzz');
    const dbPath = path.join(dir, 'db', 'loopscope.db');
    server = await Server.start({ dbPath, logFile: path.join(dir, 'server.log'), env: { LOOPSCOPE_RATE_LIMIT_PER_MINUTE: '0' } });
    const fx = makeFixtures(dbPath, {
      teams: [{ slug: 'fz', tokens: [['ingest', 'read']] }],
      users: [{ email: 'fuzz@reliability.test', password: 'fuzzing-password-55', role: 'member', teams: ['fz'], sessions: 1 }],
    });
    expect(cli(dbPath, ['team', 'set', 'fz', '--github-secret', SECRET]).status).toBe(0);
    const base = server.base;
    const token = fx.tokens.fz[0];
    const cookie = `loopscope_session=${fx.sessions['fuzz@reliability.test'][0]}`;
    const statuses: Record<string, Record<number, number>> = {};
    const bad: string[] = [];
    const targets: { name: string; format: ImportFormat; send: (body: Buffer, i: number) => Promise<{ status: number; text: string }> }[] = [];
    const post = async (url: string, headers: Record<string, string>, body: Buffer) => {
      const res = await fetch(url, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.timeout(60_000) });
      return { status: res.status, text: await res.text() };
    };
    for (const [format, type] of [['ndjson', 'application/x-ndjson'], ['json', 'application/json'], ['csv', 'text/csv']] as const) {
      targets.push({ name: `POST /api/v1/events (${format})`, format, send: (b, i) => post(`${base}/api/v1/events${i % 2 ? '?partial=1' : ''}`, { authorization: `Bearer ${token}`, 'content-type': type }, b) });
    }
    for (const agent of ['claude-code', 'codex'] as const) {
      targets.push({ name: `POST /api/v1/hooks/${agent}`, format: `${agent}-hook`, send: (b) => post(`${base}/api/v1/hooks/${agent}`, { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, b) });
    }
    targets.push({ name: 'POST /v1/traces', format: 'otlp', send: (b, i) => post(`${base}/v1/traces${i % 2 ? '?partial=1' : ''}`, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, b) });
    for (const format of ['claude-code', 'codex', 'otlp', 'github', 'ndjson'] as const) {
      targets.push({
        name: `POST /api/uploads (${format === 'ndjson' ? 'auto' : format})`,
        format,
        send: async (b) => {
          const r = await post(`${base}/api/uploads?team=fz&format=${format === 'ndjson' ? 'auto' : format}&filename=f.jsonl`, { cookie, origin: base, 'content-type': 'application/octet-stream' }, b);
          const last = r.text.trim().split('\n').pop() ?? '';
          let status = r.status;
          try {
            const parsed = JSON.parse(last);
            status = parsed.status ?? (parsed.result ? 200 : r.status);
          } catch {
            status = 599; // not the stream of lines the page reads
          }
          return { status, text: last };
        },
      });
    }
    targets.push({
      name: 'POST /api/v1/github/webhook (signed)',
      format: 'github',
      send: (b, i) =>
        post(`${base}/api/v1/github/webhook?team=fz`, {
          'content-type': 'application/json',
          'x-github-event': ['pull_request', 'issues'][i % 2],
          'x-github-delivery': `fuzz-${i}-${Date.now()}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(b).digest('hex')}`,
        }, b),
    });
    for (const target of targets) {
      statuses[target.name] = {};
      const samples = fc.sample(inputArb(target.format), { numRuns: HTTP_RUNS, seed: 42 });
      for (let i = 0; i < samples.length; i++) {
        let r: { status: number; text: string };
        try {
          r = await target.send(samples[i], i);
        } catch (err) {
          r = { status: 0, text: (err as Error).message };
        }
        statuses[target.name][r.status] = (statuses[target.name][r.status] ?? 0) + 1;
        if (r.status === 0 || r.status >= 500) bad.push(`${target.name}: ${r.status} ${r.text.slice(0, 200)} for ${JSON.stringify(samples[i].toString('utf8').slice(0, 300))}`);
      }
    }
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    const httpTotal = targets.length * HTTP_RUNS;
    const inProcess = Object.values(tried).reduce((a, b) => a + b, 0);
    writeRow('06-fuzz', {
      order: 6,
      test: 'Parser fuzzing (fast-check)',
      load: `${FORMATS.length} parsers + webhook mapping in process; ${targets.length} endpoints over HTTP`,
      faults: 'mutated real-format fixtures (byte flips, structural tokens, NUL/CR/BOM/lone surrogates, cuts, duplicated slices, random chunk boundaries), random bytes, random JSON',
      inputs: `${fmt(inProcess)} in process (${Object.entries(tried).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}); ${fmt(httpTotal)} over HTTP`,
      result: `in process: ${crashes.length} throws or hangs, every problem names its line; HTTP: ${bad.length} × 5xx or dropped connections; statuses ${Object.entries(statuses).map(([k, v]) => `${k.replace(/^POST /, '')} ${JSON.stringify(v)}`).join('; ')}`,
      lost: '0 (no 5xx for bad input)',
      passed: crashes.length === 0 && bad.length === 0,
      seconds: Math.round((Date.now() - t0) / 1000),
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
