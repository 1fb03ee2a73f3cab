import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest, ingestFile } from '@/lib/ingest/ingest';
import { encodeExportRequest } from '@/lib/otlp/proto';
import type { OtlpInput } from '@/lib/otlp/signals';
import { claudeApiRequestRecord, claudeLogsRequest, claudeToolResultRecord, claudeUserPromptRecord } from '@/lib/otlp/testing';
import { acmeDatabase, chunksOf } from '@/lib/testing/db';

const s = (v: string | number | boolean) =>
  typeof v === 'number' ? (Number.isInteger(v) ? { intValue: v } : { doubleValue: v }) : typeof v === 'boolean' ? { boolValue: v } : { stringValue: v };
const kv = (attrs: Record<string, string | number | boolean>) => Object.entries(attrs).map(([key, v]) => ({ key, value: s(v) }));
const at = (iso: string) => `${BigInt(Date.parse(iso)) * 1_000_000n}`;

function logsRequest(service: string, scope: string, records: Record<string, unknown>[]) {
  return { resourceLogs: [{ resource: { attributes: kv({ 'service.name': service }) }, scopeLogs: [{ scope: { name: scope }, logRecords: records }] }] };
}

async function send(db: Awaited<ReturnType<typeof acmeDatabase>>, body: object, input: OtlpInput = { signal: 'logs', encoding: 'json' }) {
  const bytes = input.encoding === 'protobuf' ? Buffer.from(encodeExportRequest(input.signal!, body as Record<string, unknown>)) : JSON.stringify(body);
  return ingest(db.db, chunksOf(bytes, 97), { format: 'otlp', team: db.team, partial: true, source: 'otlp', options: { otlp: input } });
}

const RUN_COLUMNS = 'SELECT run, agent, llm_calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, tool_calls, iterations FROM runs ORDER BY run';

describe('OTLP log events of the coding agents', () => {
  it('Claude Code: api_request → llm.call with its cost, tool_result → tool.call, user_prompt → iteration; the session is the run', async () => {
    const db = await acmeDatabase();
    const session = '0f0e0d0c-0b0a-4908-8706-050403020100';
    const t0 = Date.UTC(2026, 10, 20, 9);
    const result = await send(db, claudeLogsRequest([
      claudeUserPromptRecord({ session, promptId: 'p-1', atMs: t0, sequence: 1 }),
      claudeApiRequestRecord({ session, requestId: 'req_a', atMs: t0 + 1000, input: 12, output: 340, cacheRead: 15000, cacheCreation: 2200, costUsd: 0.0731, sequence: 2 }),
      claudeToolResultRecord({ session, toolUseId: 'toolu_9', atMs: t0 + 2000, tool: 'Edit', success: true, durationMs: 35 }),
    ]), { signal: 'logs', encoding: 'protobuf' });
    expect(result).toMatchObject({ ok: true, accepted: 4, rejectedCount: 0 });
    expect(await db.q(RUN_COLUMNS)).toEqual([
      { run: session, agent: 'claude-code', llm_calls: 1, input_tokens: 12, output_tokens: 340, cache_read_tokens: 15000, cache_write_tokens: 2200, tool_calls: 1, iterations: 1 },
    ]);
    expect(await db.payloads('llm.call')).toEqual([{
      id: `cc:${session}:otel-api:req_a`, type: 'llm.call', ts: new Date(t0 + 1000).toISOString(), run: session, agent: 'claude-code',
      model: 'claude-sonnet-4-5-20250929', input_tokens: 12, output_tokens: 340, cache_read_tokens: 15000, cache_write_tokens: 2200, cost_usd: 0.0731,
    }]);
    expect(await db.payloads('tool.call')).toEqual([expect.objectContaining({ id: `cc:${session}:tool:toolu_9`, tool: 'Edit', ok: true, duration_ms: 35 })]);
    expect(await db.payloads('iteration')).toEqual([expect.objectContaining({ id: `cc:${session}:prompt:p-1`, n: 1 })]);
  });

  it('Claude Code telemetry and the transcript of the same session are one run, and a tool call is counted once', async () => {
    const db = await acmeDatabase();
    const session = '3f6b1c2e-8d4a-4b7e-9c1f-2a5d6e7f8a90';
    const file = path.join(__dirname, 'fixtures', 'claude-code', 'projects', '-home-dev-src-api', `${session}.jsonl`);
    await ingestFile(db.db, file, { format: 'claude-code', team: db.team, partial: false, source: 'cli' });
    const [before] = await db.q<{ tool_calls: number }>('SELECT tool_calls FROM runs WHERE run = @session', { session });
    const result = await send(db, claudeLogsRequest([claudeToolResultRecord({ session, toolUseId: 'toolu_01Bash0000000000000001', atMs: Date.UTC(2026, 10, 3, 10, 0, 9), tool: 'Bash', success: true, durationMs: 900 })]));
    expect(result).toMatchObject({ ok: true, duplicates: 1 });
    expect(await db.q('SELECT run, agent, repo FROM runs')).toEqual([{ run: session, agent: 'claude-code', repo: expect.any(String) }]);
    expect((await db.q<{ tool_calls: number }>('SELECT tool_calls FROM runs WHERE run = @session', { session }))[0].tool_calls).toBe(before.tool_calls);
  });

  it('Codex: the response.completed sse_event is the llm.call (cached input taken out), tool_result and user_prompt', async () => {
    const db = await acmeDatabase();
    const conv = '019a1b2c-3d4e-7f60-8a9b-0c1d2e3f4a5b';
    const common = { 'conversation.id': conv, 'app.version': '0.150.0', model: 'gpt-5.5-codex', slug: 'gpt-5.5-codex', 'terminal.type': 'xterm' };
    const result = await send(db, logsRequest('codex_exec', 'codex_otel', [
      { timeUnixNano: at('2026-11-20T10:00:00Z'), attributes: kv({ ...common, 'event.name': 'codex.user_prompt', prompt_length: '12', prompt: '[REDACTED]' }) },
      { timeUnixNano: at('2026-11-20T10:00:01Z'), attributes: kv({ ...common, 'event.name': 'codex.api_request', duration_ms: '900', attempt: 1 }) },
      { timeUnixNano: at('2026-11-20T10:00:02Z'), attributes: kv({ ...common, 'event.name': 'codex.sse_event', 'event.kind': 'response.output_item.done', duration_ms: '3' }) },
      { timeUnixNano: at('2026-11-20T10:00:03Z'), attributes: kv({ ...common, 'event.name': 'codex.sse_event', 'event.kind': 'response.completed', input_token_count: '21000', output_token_count: '640', cached_token_count: 19968, reasoning_token_count: 512, tool_token_count: '0' }) },
      { timeUnixNano: at('2026-11-20T10:00:04Z'), attributes: kv({ ...common, 'event.name': 'codex.tool_result', tool_name: 'shell', call_id: 'call_77', arguments: '{}', duration_ms: '1500', success: 'false', output: 'exit 1' }) },
    ]));
    expect(result).toMatchObject({ ok: true, rejectedCount: 0 });
    expect(await db.q(RUN_COLUMNS)).toEqual([
      { run: conv, agent: 'codex', llm_calls: 1, input_tokens: 1032, output_tokens: 640, cache_read_tokens: 19968, cache_write_tokens: 0, tool_calls: 1, iterations: 1 },
    ]);
    expect((await db.payloads('llm.call'))[0]).toMatchObject({ model: 'gpt-5.5-codex', attrs: { reasoningTokens: 512 } });
    // The same id as the rollout importer's tool call.
    expect(await db.payloads('tool.call')).toEqual([expect.objectContaining({ id: `codex:${conv}:tool:call_77`, tool: 'shell', ok: false, duration_ms: 1500 })]);
  });

  it('Gemini CLI: api_response (cached out, tool-use prompt in, thoughts as output), not its GenAI duplicate; tool_call, user_prompt', async () => {
    const db = await acmeDatabase();
    const session = 'c1d2e3f4-0000-4000-8000-0000000000aa';
    const common = { 'session.id': session, 'installation.id': 'inst-1' };
    const result = await send(db, logsRequest('gemini-cli', 'gemini-cli', [
      { timeUnixNano: at('2026-11-20T11:00:00Z'), body: s('User prompt. Length: 20.'), attributes: kv({ ...common, 'event.name': 'gemini_cli.user_prompt', prompt_length: 20, prompt_id: 'pr-1' }) },
      { timeUnixNano: at('2026-11-20T11:00:02Z'), body: s('API response from gemini-2.5-pro.'), attributes: kv({ ...common, 'event.name': 'gemini_cli.api_response', model: 'gemini-2.5-pro', duration_ms: 1800, input_token_count: 1000, output_token_count: 100, cached_content_token_count: 400, thoughts_token_count: 30, tool_token_count: 50, total_token_count: 1180, prompt_id: 'pr-1', status_code: 200 }) },
      { timeUnixNano: at('2026-11-20T11:00:02Z'), body: s('GenAI operation details from gemini-2.5-pro.'), attributes: kv({ ...common, 'event.name': 'gen_ai.client.inference.operation.details', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 }) },
      { timeUnixNano: at('2026-11-20T11:00:03Z'), body: s('Tool call: read_file.'), attributes: kv({ ...common, 'event.name': 'gemini_cli.tool_call', function_name: 'read_file', duration_ms: 12, success: true, decision: 'auto_accept', prompt_id: 'pr-1', tool_type: 'native' }) },
    ]));
    expect(result).toMatchObject({ ok: true, rejectedCount: 0 });
    expect(await db.q(RUN_COLUMNS)).toEqual([
      { run: session, agent: 'gemini-cli', llm_calls: 1, input_tokens: 650, output_tokens: 130, cache_read_tokens: 400, cache_write_tokens: 0, tool_calls: 1, iterations: 1 },
    ]);
  });

  it('rejects a record without a session as one problem naming it, and takes the rest', async () => {
    const db = await acmeDatabase();
    const result = await send(db, logsRequest('claude-code', 'com.anthropic.claude_code.events', [
      { timeUnixNano: at('2026-11-20T10:00:00Z'), body: s('claude_code.api_request'), attributes: kv({ 'event.name': 'api_request', input_tokens: '1', output_tokens: '1' }) },
      { timeUnixNano: at('2026-11-20T10:00:01Z'), body: s('claude_code.hook_registered'), attributes: kv({ 'event.name': 'hook_registered', 'session.id': 'x' }) },
      { body: s('claude_code.api_request'), attributes: kv({ 'event.name': 'api_request', 'session.id': 'x' }) },
    ]));
    expect(result).toMatchObject({ ok: true, accepted: 0, rejectedCount: 2 });
    expect(result.problems).toEqual([
      { line: 1, field: 'resourceLogs[0].scopeLogs[0].logRecords[0].attributes', message: 'claude_code.api_request has no session.id: it names no run' },
      { line: 1, field: 'resourceLogs[0].scopeLogs[0].logRecords[2].timeUnixNano', message: expect.stringContaining('no time') },
    ]);
  });

  it('adds nothing for the spans of agents whose log events count their usage', async () => {
    const db = await acmeDatabase();
    const span = { traceId: '0123456789abcdef0123456789abcdef', spanId: '0123456789abcdef', name: 'handle_responses', startTimeUnixNano: at('2026-11-20T10:00:00Z'), endTimeUnixNano: at('2026-11-20T10:00:01Z'), attributes: kv({ 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 5 }) };
    const body = { resourceSpans: [{ resource: { attributes: kv({ 'service.name': 'codex_exec' }) }, scopeSpans: [{ scope: { name: 'codex' }, spans: [span] }] }] };
    expect(await send(db, body, { signal: 'traces', encoding: 'json' })).toMatchObject({ ok: true, accepted: 0, rejectedCount: 0 });
    expect(await db.q('SELECT count(*) n FROM events')).toEqual([{ n: 0 }]);
  });
});
