/**
 * The OTLP importer on export requests real instrumentations wrote (real-logs/otlp,
 * README there): each file is one export (one span) as the OpenTelemetry JS SDK sent it, in
 * OTLP/JSON or protobuf, sent here as the receiver gets them, one request each. Every call the
 * provider stand-in answered carried, for OpenAI, 1,200 prompt tokens of which 1,024 cached and
 * 80 completion tokens (32 of them reasoning); for Anthropic, 50 input, 2,000 cache-read, 300
 * cache-write and 120 output tokens. Each test states what its instrumentation reports of that.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '@/lib/ingest/ingest';
import { acmeDatabase, chunksOf } from '@/lib/testing/db';
import { realLogsDir } from './real-logs';

const DIR = path.join(realLogsDir(), 'otlp');

function files(prefix: string): string[] {
  return fs.readdirSync(DIR).filter((f) => f.startsWith(prefix)).sort((a, b) => Number(/(\d+)\.\w+$/.exec(a)![1]) - Number(/(\d+)\.\w+$/.exec(b)![1]));
}

async function exportAll(prefix: string) {
  const db = await acmeDatabase();
  for (const f of files(prefix)) {
    const encoding = f.endsWith('.pb') ? 'protobuf' : 'json';
    const result = await ingest(db.db, chunksOf(fs.readFileSync(path.join(DIR, f)), 64), {
      format: 'otlp', team: db.team, partial: true, source: 'otlp', options: { otlp: { signal: 'traces', encoding } },
    });
    expect(result, f).toMatchObject({ ok: true, rejectedCount: 0 });
  }
  const runs = await db.q<Record<string, unknown>>('SELECT run, agent, repo, branch, status, llm_calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, tool_calls FROM runs');
  const calls = await db.payloads('llm.call');
  return { db, runs, calls };
}

const RUN = { repo: 'acme/api', branch: 'fix-login', status: 'succeeded', llm_calls: 2, tool_calls: 1 };

describe('real instrumentations, exported one span a request', () => {
  it('@opentelemetry/instrumentation-openai 0.21 (JSON and protobuf): input includes the cache, which it does not report', async () => {
    for (const prefix of ['otel-openai-json-', 'otel-openai-proto-']) {
      const { runs, calls } = await exportAll(prefix);
      // 1,200 prompt tokens per call; the 1,024 cached ones are not told apart, so all count as input.
      expect(runs).toEqual([{ run: expect.stringMatching(/^otel:/), agent: 'demo-otel-openai', ...RUN, input_tokens: 2400, output_tokens: 160, cache_read_tokens: 0, cache_write_tokens: 0 }]);
      expect(calls.map((c) => [c.model, c.input_tokens, c.output_tokens, c.agent])).toEqual(Array(2).fill(['gpt-4o-2024-08-06', 1200, 80, 'demo-otel-openai']));
    }
  });

  it('OpenInference 4.2 (llm.token_count.*, llm.model_name): 176 uncached + 1,024 cache-read input, 80 output of which 32 reasoning', async () => {
    const { runs, calls, db } = await exportAll('openinference-openai-json-');
    expect(runs).toEqual([{ run: expect.any(String), agent: 'demo-openinference-openai', ...RUN, input_tokens: 352, output_tokens: 160, cache_read_tokens: 2048, cache_write_tokens: 0 }]);
    expect(calls.map((c) => [c.model, c.input_tokens, c.cache_read_tokens, c.output_tokens, c.attrs])).toEqual(
      Array(2).fill(['gpt-4o-2024-08-06', 176, 1024, 80, { provider: 'openai', reasoningTokens: 32 }]),
    );
    expect(await db.payloads('run.started')).toEqual([expect.objectContaining({ agent: 'demo-openinference-openai', model: 'gpt-4o', attrs: { agentName: 'demo-agent' } })]);
  });

  it('Traceloop OpenAI 0.27: input includes the cache, which it does not report', async () => {
    const { runs } = await exportAll('traceloop-openai-json-');
    expect(runs).toEqual([{ run: expect.any(String), agent: 'demo-traceloop-openai', ...RUN, input_tokens: 2400, output_tokens: 160, cache_read_tokens: 0, cache_write_tokens: 0 }]);
  });

  it('Traceloop Anthropic 0.27: input excludes the cache (Anthropic’s own count): 50 input, 2,000 cache-read, 300 cache-write, 120 output a call', async () => {
    const { runs, calls } = await exportAll('traceloop-anthropic-json-');
    expect(runs).toEqual([{ run: expect.any(String), agent: 'demo-traceloop-anthropic', ...RUN, input_tokens: 100, output_tokens: 240, cache_read_tokens: 4000, cache_write_tokens: 600 }]);
    expect(calls.map((c) => [c.model, c.input_tokens, c.cache_read_tokens, c.cache_write_tokens, c.output_tokens])).toEqual(Array(2).fill(['claude-sonnet-4-5-20250929', 50, 2000, 300, 120]));
  });

  it('Traceloop OpenAI 0.14 (the deprecated gen_ai.usage.prompt_tokens / completion_tokens), with no agent span', async () => {
    const { runs, calls } = await exportAll('traceloop014-openai-json-');
    expect(runs).toEqual([{ run: 'otel:265ae889757ac3826a6490720cf0ea27', agent: null, repo: null, branch: null, status: null, llm_calls: 1, tool_calls: 0, input_tokens: 1200, output_tokens: 80, cache_read_tokens: 0, cache_write_tokens: 0 }]);
    expect(calls).toEqual([expect.objectContaining({ model: 'gpt-4o-2024-08-06', agent: 'demo-traceloop014', attrs: { provider: 'OpenAI' } })]);
  });
});
