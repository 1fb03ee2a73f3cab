/**
 * Conformance: the importers against files the real agents wrote (../shared/real-logs, its
 * README gives the reference figures). `npm run test:conformance`; not part of `npm test`, as a
 * clone has no such folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { directorySource } from '@/lib/importers/sources';
import { ingest, ingestFile } from '@/lib/ingest/ingest';
import { acmeDatabase } from '@/lib/testing/db';
import { realLogsDir } from './real-logs';

const ROOT = realLogsDir();
const at = (...p: string[]) => path.join(ROOT, ...p);

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

interface Totals {
  input: number;
  cached: number;
  output: number;
}

/** The README's Codex reference: each rollout's last `total_token_usage`, summed. */
function lastTotals(files: string[]): Totals {
  const sum = { input: 0, cached: 0, output: 0 };
  for (const f of files) {
    let last: Record<string, number> | undefined;
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      if (!line.includes('"total_token_usage"')) continue;
      last = JSON.parse(line).payload.info.total_token_usage;
    }
    if (!last) continue;
    sum.input += last.input_tokens;
    sum.cached += last.cached_input_tokens;
    sum.output += last.output_tokens;
  }
  return sum;
}

function runTotals(s: ReturnType<typeof acmeDatabase>, agent: string) {
  return s.q<{ runs: number; withCalls: number; input: number; output: number; cacheRead: number; cacheWrite: number; tools: number }>(
    `SELECT count(*) runs, sum(llm_calls > 0) withCalls, sum(input_tokens) input, sum(output_tokens) output,
       sum(cache_read_tokens) cacheRead, sum(cache_write_tokens) cacheWrite, sum(tool_calls) tools FROM runs WHERE agent = ?`,
    agent,
  )[0];
}

describe('Claude Code', () => {
  it('spotter: the token totals of ccusage 20.0.11 (README), over its 9 sessions', async () => {
    const s = acmeDatabase();
    const dir = at('claude-code', 'spotter', 'projects');
    const r = await ingest(s.db.$client, directorySource(dir, 'auto'), { format: 'auto', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, format: 'claude-code', rejectedCount: 0 });
    expect(runTotals(s, 'claude-code')).toMatchObject({ withCalls: 9, input: 9_141, output: 195_794, cacheWrite: 2_065_675, cacheRead: 77_328_535 });
    // Imported again: nothing new.
    expect(await ingest(s.db.$client, directorySource(dir, 'claude-code'), { format: 'claude-code', team: s.team, partial: false, source: 'cli' })).toMatchObject({ ok: true, accepted: 0 });
  });

  it('margin: a transcript opening with queue-operation lines is told by auto, and imported whole', async () => {
    const s = acmeDatabase();
    const [file] = filesUnder(at('claude-code', 'margin', 'projects'), '.jsonl');
    const r = await ingestFile(s.db.$client, file, { format: 'auto', team: s.team, partial: false, source: 'cli', filename: path.basename(file) });
    expect(r).toMatchObject({ ok: true, format: 'claude-code', rejectedCount: 0 });
    const t = runTotals(s, 'claude-code');
    expect(t).toMatchObject({ runs: 1, tools: 1 }); // the one Bash call
    expect(t.input + t.output + t.cacheRead + t.cacheWrite).toBeGreaterThan(0);
  });
});

describe('Codex', () => {
  it('localpush: the sums of each rollout\'s last total_token_usage (README), the repeated counts not counted twice', async () => {
    const s = acmeDatabase();
    const dir = at('codex', 'localpush', 'sessions');
    const reference = lastTotals(filesUnder(dir, '.jsonl'));
    expect(reference).toEqual({ input: 49_839_753, cached: 46_689_152, output: 223_178 });
    const r = await ingest(s.db.$client, directorySource(dir, 'auto'), { format: 'auto', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, format: 'codex', rejectedCount: 0, files: 6 });
    const t = runTotals(s, 'codex');
    expect({ runs: t.runs, input: t.input + t.cacheRead, cached: t.cacheRead, output: t.output }).toEqual({ runs: 6, ...reference });
    // Web searches are tool calls.
    expect(s.q(`SELECT count(*) n FROM events WHERE type = 'tool.call' AND payload LIKE '%"tool":"web_search"%'`)).toEqual([{ n: 8 }]);
  });

  it('margin: a codex exec rollout and a Desktop one with reasoning tokens, to their last totals', async () => {
    const s = acmeDatabase();
    const dir = at('codex', 'margin', 'sessions');
    const r = await ingest(s.db.$client, directorySource(dir, 'auto'), { format: 'auto', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, format: 'codex', rejectedCount: 0, files: 2 });
    const reference = lastTotals(filesUnder(dir, '.jsonl'));
    const t = runTotals(s, 'codex');
    expect({ runs: t.runs, input: t.input + t.cacheRead, cached: t.cacheRead, output: t.output }).toEqual({ runs: 2, ...reference });
  });
});

/**
 * OTLP/JSON (`.json`; the `.pb` protobuf files are for the OTLP receiver's protobuf decoding).
 * The stand-in provider answered every OpenAI call with 1,200 prompt tokens (1,024 of them
 * cached) and 80 completion tokens, every Anthropic one with 50 input, 2,000 cache-read, 300
 * cache-write and 120 output tokens; what each instrumentation reports of that differs.
 */
describe('OTLP/JSON', () => {
  const files = () => fs.readdirSync(at('otlp')).filter((f) => f.endsWith('.json')).sort();
  async function callsOf(prefix: string) {
    const s = acmeDatabase();
    for (const f of files().filter((x) => x.startsWith(prefix))) {
      const r = await ingestFile(s.db.$client, at('otlp', f), { format: 'otlp', team: s.team, partial: false, source: 'cli', filename: f });
      expect(r, f).toMatchObject({ ok: true, rejectedCount: 0 });
    }
    const calls = s.payloads('llm.call').map((c) => ({ input: c.input_tokens, output: c.output_tokens, cacheRead: c.cache_read_tokens ?? 0, cacheWrite: c.cache_write_tokens ?? 0 }));
    const tools = s.payloads('tool.call').length;
    return { calls, tools };
  }

  it('the set is here: 17 JSON exports of 5 instrumentations', () => {
    expect(files()).toHaveLength(17);
  });

  it('@opentelemetry/instrumentation-openai (current gen_ai.usage.*): input and output per call, no cache reported', async () => {
    const { calls, tools } = await callsOf('otel-openai-json');
    expect(calls).toEqual([{ input: 1200, output: 80, cacheRead: 0, cacheWrite: 0 }, { input: 1200, output: 80, cacheRead: 0, cacheWrite: 0 }]);
    expect(tools).toBe(1);
  });

  it('@traceloop/instrumentation-openai 0.27: input and output per call', async () => {
    const { calls } = await callsOf('traceloop-openai-json');
    expect(calls).toEqual([{ input: 1200, output: 80, cacheRead: 0, cacheWrite: 0 }, { input: 1200, output: 80, cacheRead: 0, cacheWrite: 0 }]);
  });

  // Known gaps of today's OTLP importer, left to the OTLP receiver's dialect work. Each is
  // written as the README's figures require and marked as failing today: when the gap closes
  // the test fails, and `.fails` must go.
  it.fails('KNOWN GAP (OTLP dialects): @traceloop/instrumentation-openai 0.14.6, deprecated gen_ai.usage.prompt_tokens / completion_tokens', async () => {
    const { calls } = await callsOf('traceloop014-openai-json');
    expect(calls).toEqual([{ input: 1200, output: 80, cacheRead: 0, cacheWrite: 0 }]);
  });

  it.fails('KNOWN GAP (OTLP dialects): @traceloop/instrumentation-anthropic 0.27, cache read and write not included in input', async () => {
    const { calls } = await callsOf('traceloop-anthropic-json');
    expect(calls).toEqual([{ input: 50, output: 120, cacheRead: 2000, cacheWrite: 300 }, { input: 50, output: 120, cacheRead: 2000, cacheWrite: 300 }]);
  });

  it.fails('KNOWN GAP (OTLP dialects): @arizeai/openinference-instrumentation-openai 4.2.7, llm.token_count.* with the cached prompt tokens', async () => {
    const { calls } = await callsOf('openinference-openai-json');
    expect(calls).toEqual([{ input: 176, output: 80, cacheRead: 1024, cacheWrite: 0 }, { input: 176, output: 80, cacheRead: 1024, cacheWrite: 0 }]);
  });
});
