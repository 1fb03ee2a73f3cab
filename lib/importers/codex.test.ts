import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest, ingestFile } from '@/lib/ingest/ingest';
import { chunksOf, acmeDatabase } from '@/lib/testing/db';
import { makeZip } from '@/lib/testing/zip';
import { repoFromUrl, sessionFromPath } from './codex';
import { directorySource } from './sources';

const FIXTURES = path.join(__dirname, 'fixtures');
const SESSIONS = path.join(FIXTURES, 'codex', 'sessions');
const SID = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
const ROLLOUT = path.join(SESSIONS, '2026', '11', '03', `rollout-2026-11-03T10-00-00-${SID}.jsonl`);

const setup = acmeDatabase;

describe('Codex importer', () => {
  it('makes the session a run and each turn an llm.call with its own (not cumulative) usage', async () => {
    const s = await setup();
    const result = await ingest(s.db, chunksOf(fs.readFileSync(ROLLOUT, 'utf8'), 333), {
      format: 'auto',
      team: s.team,
      partial: false,
      source: 'upload',
      filename: path.basename(ROLLOUT),
    });
    expect(result).toMatchObject({ ok: true, format: 'codex', accepted: 1 + 2 + 3, rejectedCount: 0 });
    expect(await s.q('SELECT run, agent, model, repo, branch, started_at, llm_calls, tool_calls, input_tokens, output_tokens, cache_read_tokens FROM runs')).toEqual([
      {
        run: SID, agent: 'codex', model: 'gpt-5-codex', repo: 'acme/api', branch: 'codex/retry-backoff',
        started_at: Date.parse('2026-11-03T10:00:00.498Z'), llm_calls: 2, tool_calls: 3,
        // OpenAI's input tokens include the cached ones: 5000 + 7000 = 12000 in, of which 1000 + 3000 cached.
        input_tokens: 8000, output_tokens: 900, cache_read_tokens: 4000,
      },
    ]);
    // The second turn is its last_token_usage, not the cumulative total; the repeated count (a
    // rate-limit update with unchanged totals) adds nothing.
    expect(await s.payloads('llm.call')).toEqual([
      { id: `codex:${SID}:tokens:5300`, type: 'llm.call', ts: '2026-11-03T10:00:10.002Z', run: SID, agent: 'codex', model: 'gpt-5-codex',
        input_tokens: 4000, output_tokens: 300, cache_read_tokens: 1000, attrs: { reasoning_output_tokens: 128 } },
      { id: `codex:${SID}:tokens:12900`, type: 'llm.call', ts: '2026-11-03T10:00:40.900Z', run: SID, agent: 'codex', model: 'gpt-5-codex',
        input_tokens: 4000, output_tokens: 600, cache_read_tokens: 3000, attrs: { reasoning_output_tokens: 272 } },
    ]);
    expect((await s.payloads('tool.call')).map((t) => [t.tool, t.ok, t.duration_ms])).toEqual([
      ['shell', true, 412],
      ['apply_patch', true, 250],
      ['shell', false, 6150],
    ]);
    // The same rollout again adds nothing.
    const again = await ingest(s.db, fs.createReadStream(ROLLOUT), { format: 'codex', team: s.team, partial: false, source: 'cli' });
    expect(again).toMatchObject({ ok: true, accepted: 0, duplicates: 6 });
  });

  it('imports a sessions directory, or a zip of it, as one upload', async () => {
    const s = await setup();
    const dir = await ingest(s.db, directorySource(path.join(FIXTURES, 'codex'), 'codex'), { format: 'codex', team: s.team, partial: false, source: 'cli' });
    expect(dir).toMatchObject({ ok: true, files: 1, accepted: 6 });
    const zipFile = path.join(s.dir, 'sessions.zip');
    fs.writeFileSync(zipFile, makeZip([{ name: `sessions/2026/11/03/${path.basename(ROLLOUT)}`, data: fs.readFileSync(ROLLOUT) }]));
    const zipped = await ingestFile(s.db, zipFile, { format: 'codex', team: s.team, partial: false, source: 'upload' });
    expect(zipped).toMatchObject({ ok: true, files: 1, accepted: 0, duplicates: 6 });
  });

  it('falls back to differences of the cumulative totals when a count has no last usage', async () => {
    const s = await setup();
    const line = (ts: string, payload: object) => JSON.stringify({ timestamp: ts, type: 'event_msg', payload });
    const total = (input: number, output: number) => ({ input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output });
    const text = [
      JSON.stringify({ timestamp: '2026-11-03T10:00:00Z', type: 'session_meta', payload: { id: SID, timestamp: '2026-11-03T10:00:00Z', cwd: '/w/api' } }),
      line('2026-11-03T10:00:01Z', { type: 'token_count', info: { total_token_usage: total(100, 10) } }),
      line('2026-11-03T10:00:02Z', { type: 'token_count', info: { total_token_usage: total(250, 30) } }),
    ].join('\n');
    const r = await ingest(s.db, chunksOf(text), { format: 'codex', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, accepted: 3 });
    expect((await s.payloads('llm.call')).map((c) => [c.input_tokens, c.output_tokens, c.model])).toEqual([[100, 10, 'unknown'], [150, 20, 'unknown']]);
    // No repo in the rollout: the working directory's folder, owned by the team.
    expect(await s.q('SELECT repo FROM runs')).toEqual([{ repo: 'acme/api' }]);
  });

  it('rejects a malformed rollout whole, naming the line', async () => {
    const s = await setup();
    const file = path.join(FIXTURES, 'codex-malformed', 'rollout-2026-11-04T08-00-00-6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d.jsonl');
    const result = await ingestFile(s.db, file, { format: 'codex', team: s.team, partial: false, source: 'cli' });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ line: 4, field: '', message: expect.stringContaining('not valid JSON') }]);
    expect(await s.q('SELECT count(*) n FROM events')).toEqual([{ n: 0 }]);
  });

  it('counts a forked session without its parent: the replayed history adds no calls and no tools', async () => {
    const s = await setup();
    const child = '019c8b00-0000-7000-8000-00000000c41d';
    const parent = '019c8a00-0000-7000-8000-0000000fa7e7';
    const fork = '2026-11-03T12:00:00.100Z';
    const usage = (input: number, output: number) => ({ input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output });
    const count = (ts: string, total: [number, number], last?: [number, number]) =>
      JSON.stringify({ timestamp: ts, type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: usage(...total), ...(last && { last_token_usage: usage(...last) }) } } });
    const call = (ts: string, id: string) => JSON.stringify({ timestamp: ts, type: 'response_item', payload: { type: 'function_call', name: 'shell', arguments: '{}', call_id: id } });
    const meta = (ts: string, id: string, extra: object = {}) => JSON.stringify({ timestamp: ts, type: 'session_meta', payload: { id, timestamp: ts, cwd: '/w/api', ...extra } });
    const text = [
      meta(fork, child, { forked_from_id: parent }),
      // The parent's history, copied when the fork was made (codex-rs persists it as-is, stamped then).
      meta('2026-11-03T12:00:00.101Z', parent),
      JSON.stringify({ timestamp: '2026-11-03T12:00:00.101Z', type: 'turn_context', payload: { model: 'gpt-5-codex', cwd: '/w/api' } }),
      call('2026-11-03T12:00:00.102Z', 'call_parent_1'),
      count('2026-11-03T12:00:00.102Z', [1000, 100], [1000, 100]),
      count('2026-11-03T12:00:00.103Z', [3000, 300], [2000, 200]),
      // The child's own turns, seeded with the parent's totals.
      JSON.stringify({ timestamp: '2026-11-03T12:00:07.000Z', type: 'turn_context', payload: { model: 'gpt-5-codex', cwd: '/w/api' } }),
      call('2026-11-03T12:00:08.000Z', 'call_child_1'),
      count('2026-11-03T12:00:09.000Z', [3500, 350], [500, 50]),
      count('2026-11-03T12:00:15.000Z', [4200, 420]), // no last usage: the difference of the totals
    ].join('\n');
    const r = await ingest(s.db, chunksOf(text, 97), { format: 'codex', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, accepted: 1 + 2 + 1 });
    expect((await s.payloads('llm.call')).map((c) => [c.run, c.input_tokens, c.output_tokens])).toEqual([[child, 500, 50], [child, 700, 70]]);
    expect((await s.payloads('tool.call')).map((t) => t.id)).toEqual([`codex:${child}:tool:call_child_1`]);
    expect(await s.q('SELECT run, started_at, llm_calls, tool_calls FROM runs')).toEqual([{ run: child, started_at: Date.parse(fork), llm_calls: 2, tool_calls: 1 }]);
  });

  it('counts web searches as tool calls (codex-rs names a web_search_call the web_search tool)', async () => {
    const s = await setup();
    const text = [
      JSON.stringify({ timestamp: '2026-11-03T10:00:00Z', type: 'session_meta', payload: { id: SID, timestamp: '2026-11-03T10:00:00Z', cwd: '/w/api' } }),
      JSON.stringify({ timestamp: '2026-11-03T10:00:05Z', type: 'response_item', payload: { type: 'web_search_call', status: 'completed' } }),
      JSON.stringify({ timestamp: '2026-11-03T10:00:05Z', type: 'response_item', payload: { type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'backoff' } } }),
      JSON.stringify({ timestamp: '2026-11-03T10:00:09Z', type: 'response_item', payload: { type: 'web_search_call', status: 'failed', action: { type: 'open_page', url: 'https://example.com' } } }),
    ].join('\n');
    const r = await ingest(s.db, chunksOf(text), { format: 'codex', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: true, accepted: 4 });
    expect((await s.payloads('tool.call')).map((t) => [t.tool, t.ok])).toEqual([['web_search', true], ['web_search', true], ['web_search', false]]);
    const again = await ingest(s.db, chunksOf(text, 50), { format: 'codex', team: s.team, partial: false, source: 'cli' });
    expect(again).toMatchObject({ ok: true, accepted: 0, duplicates: 4 });
  });

  it('accepts a rollout without session_meta: the run is the session id in the file name', async () => {
    const s = await setup();
    const text = fs.readFileSync(ROLLOUT, 'utf8').split('\n').slice(1).join('\n');
    const r = await ingest(s.db, chunksOf(text), { format: 'auto', team: s.team, partial: false, source: 'upload', filename: path.basename(ROLLOUT) });
    expect(r).toMatchObject({ ok: true, format: 'codex', accepted: 1 + 2 + 3 });
    expect(await s.q('SELECT run, started_at, llm_calls, tool_calls FROM runs')).toEqual([
      { run: SID, started_at: Date.parse('2026-11-03T10:00:00.513Z'), llm_calls: 2, tool_calls: 3 },
    ]);
  });

  it('imports codex exec --json output: the thread is a run dated by its id, turn usage an llm.call, items tool calls', async () => {
    const s = await setup();
    const file = path.join(FIXTURES, 'codex-exec', 'codex-exec-retry.jsonl');
    const thread = '01a1aaef-ba80-7c1d-9e2f-3a4b5c6d7e8f';
    const r = await ingestFile(s.db, file, { format: 'auto', team: s.team, partial: false, source: 'cli', filename: path.basename(file) });
    expect(r).toMatchObject({ ok: true, format: 'codex', accepted: 1 + 1 + 5 + 1, rejectedCount: 0 });
    // Exec output carries no times: every event is at the thread's start, the time in its UUIDv7.
    const start = Date.parse('2026-11-05T09:00:00.000Z');
    expect(await s.q('SELECT run, agent, started_at, ended_at, status, llm_calls, tool_calls, input_tokens, output_tokens, cache_read_tokens FROM runs')).toEqual([
      { run: thread, agent: 'codex', started_at: start, ended_at: start, status: 'finished', llm_calls: 1, tool_calls: 5, input_tokens: 6000, output_tokens: 1500, cache_read_tokens: 18000 },
    ]);
    expect((await s.payloads('tool.call')).map((t) => [t.tool, t.ok]).sort()).toEqual([
      ['apply_patch', true], ['mcp__docs__search', false], ['shell', false], ['shell', true], ['web_search', true],
    ]);
    const again = await ingestFile(s.db, file, { format: 'codex', team: s.team, partial: false, source: 'cli' });
    expect(again).toMatchObject({ ok: true, accepted: 0, duplicates: 8 });
  });

  it('says why exec output or a file with no Codex line imports nothing, instead of 0 accepted', async () => {
    const s = await setup();
    const v4 = [
      JSON.stringify({ type: 'thread.started', thread_id: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9' }),
      JSON.stringify({ type: 'turn.completed', usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 1 } }),
    ].join('\n');
    const r = await ingest(s.db, chunksOf(v4), { format: 'codex', team: s.team, partial: false, source: 'cli' });
    expect(r).toMatchObject({ ok: false, problems: [{ line: 1, field: 'thread_id', message: expect.stringContaining('no time') }] });
    const nothing = JSON.stringify({ timestamp: '2026-11-03T10:00:00Z', type: 'event_msg', payload: { type: 'agent_message', message: 'hi' } });
    const r2 = await ingest(s.db, chunksOf(nothing), { format: 'codex', team: s.team, partial: false, source: 'cli', filename: 'notes.jsonl' });
    expect(r2).toMatchObject({ ok: false, problems: [{ line: 1, message: expect.stringContaining('no session') }] });
  });

  it('reads session ids from rollout names and repositories from remote URLs', () => {
    expect(sessionFromPath(`sessions/2026/11/03/rollout-2026-11-03T10-00-00-${SID}.jsonl`)).toBe(SID);
    expect(sessionFromPath('notes.jsonl')).toBeUndefined();
    expect(repoFromUrl('git@github.com:acme/api.git')).toBe('acme/api');
    expect(repoFromUrl('https://github.com/acme/api')).toBe('acme/api');
    expect(repoFromUrl('https://x-access-token:abc@github.com/acme/api.git')).toBe('acme/api');
    expect(repoFromUrl('ssh://git@github.example.com:22/acme/web.git/')).toBe('acme/web');
    expect(repoFromUrl('/local/path')).toBeUndefined();
  });
});
