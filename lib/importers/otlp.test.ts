import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest, ingestFile } from '@/lib/ingest/ingest';
import { chunksOf, acmeDatabase } from '@/lib/testing/db';
import { directorySource } from './sources';

const FIXTURES = path.join(__dirname, 'fixtures');
const TRACE = path.join(FIXTURES, 'otlp', 'agent-trace.json');
const RUN = 'otel:5b8efff798038103d269b633813fc60c';

const setup = acmeDatabase;

describe('OpenTelemetry (OTLP/JSON, GenAI conventions) importer', () => {
  it('makes the trace a run: invoke_agent starts and ends it, chat spans are llm.calls, execute_tool spans tool.calls', async () => {
    const s = await setup();
    const result = await ingest(s.db, chunksOf(fs.readFileSync(TRACE, 'utf8'), 1000), {
      format: 'auto', team: s.team, partial: false, source: 'upload', filename: 'agent-trace.json',
    });
    expect(result).toMatchObject({ ok: true, format: 'otlp', accepted: 2 + 3 + 1, rejectedCount: 0 });
    expect(await s.q('SELECT run, agent, model, repo, branch, started_at, ended_at, status, llm_calls, tool_calls FROM runs')).toEqual([
      {
        run: RUN, agent: 'support-agent', model: 'claude-sonnet-4-5', repo: 'acme/api', branch: 'fix/retry-jitter',
        started_at: Date.parse('2026-11-06T12:00:00Z'), ended_at: Date.parse('2026-11-06T12:01:30.250Z'), status: 'succeeded',
        llm_calls: 3, tool_calls: 1,
      },
    ]);
    // input_tokens includes the cached ones by the conventions: they are moved out.
    expect((await s.payloads('llm.call')).map((c) => [c.model, c.input_tokens, c.output_tokens, c.cache_read_tokens, c.cache_write_tokens, c.agent])).toEqual([
      ['claude-sonnet-4-5-20250929', 300, 220, 1200, 300, 'support-agent'],
      ['gpt-4.1-mini', 500, 60, undefined, undefined, 'support-agent'],
      ['claude-sonnet-4-5-20250929', 800, 140, 1800, undefined, 'support-agent'],
    ]);
    expect(await s.payloads('tool.call')).toEqual([
      { id: `${RUN}:a1b2c3d4e5f60718:tool`, type: 'tool.call', ts: '2026-11-06T12:00:05.000Z', run: RUN, tool: 'run_tests', ok: false, duration_ms: 42500, agent: 'support-agent' },
    ]);
    // One agent per exporting process (its service.name); the agent span's own name is kept.
    expect((await s.payloads('run.started')).map((e) => e.attrs)).toEqual([{ agentName: 'triage', conversationId: 'conv_5j66UpCpwteGg4YSxUnt7lPY' }]);
    // The sub-agent's invoke_agent span is part of the run, not a second start.
    expect(await s.q(`SELECT count(*) n FROM events WHERE type = 'run.started'`)).toEqual([{ n: 1 }]);
    const again = await ingestFile(s.db, TRACE, { format: 'otlp', team: s.team, partial: false, source: 'cli' });
    expect(again).toMatchObject({ ok: true, accepted: 0, duplicates: 6 });
  });

  it('reads the Collector file exporter (JSON Lines of export requests) and a folder of both', async () => {
    const s = await setup();
    const lines = await ingestFile(s.db, path.join(FIXTURES, 'otlp', 'collector-export.jsonl'), { format: 'auto', team: s.team, partial: false, source: 'cli' });
    expect(lines).toMatchObject({ ok: true, format: 'otlp', accepted: 2 });
    expect(await s.q(`SELECT run, llm_calls, input_tokens, output_tokens, started_at FROM runs`)).toEqual([
      { run: 'otel:0af7651916cd43dd8448eb211c80319c', llm_calls: 2, input_tokens: 2300, output_tokens: 380, started_at: null },
    ]);
    const dir = await ingest(s.db, directorySource(path.join(FIXTURES, 'otlp'), 'otlp'), { format: 'otlp', team: s.team, partial: false, source: 'cli' });
    expect(dir).toMatchObject({ ok: true, files: 2, accepted: 6, duplicates: 2 });
  });

  it('rejects a malformed file whole, naming the line', async () => {
    const s = await setup();
    const result = await ingestFile(s.db, path.join(FIXTURES, 'otlp-malformed', 'trace.json'), { format: 'otlp', team: s.team, partial: false, source: 'cli' });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ line: 26, field: '', message: expect.stringContaining('not valid JSON') }]);
  });

  it('names the span and field of a bad span', async () => {
    const s = await setup();
    const doc = JSON.parse(fs.readFileSync(TRACE, 'utf8'));
    doc.resourceSpans[0].scopeSpans[0].spans[1].spanId = 'xyz';
    doc.resourceSpans[0].scopeSpans[0].spans[5].attributes.find((a: { key: string }) => a.key === 'gen_ai.usage.output_tokens').value = { intValue: '-4' };
    const result = await ingest(s.db, chunksOf(JSON.stringify(doc)), { format: 'otlp', team: s.team, partial: false, source: 'api' });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { line: 1, field: 'resourceSpans[0].scopeSpans[0].spans[1].spanId', message: 'must be 16 hex digits' },
      { line: 1, field: 'resourceSpans[0].scopeSpans[0].spans[5]: output_tokens', message: 'must be an integer ≥ 0, got -4' },
    ]);
    const notOtlp = await ingest(s.db, chunksOf('{"spans": []}'), { format: 'otlp', team: s.team, partial: false, source: 'api' });
    expect(notOtlp.problems).toEqual([{ line: 1, field: 'resourceSpans', message: expect.stringContaining('not an OTLP/JSON export') }]);
  });
});
