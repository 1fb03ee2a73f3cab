import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getKpis } from '@/lib/data/kpis';
import { OPERATOR } from '@/lib/data/viewer';
import { ingest } from '@/lib/ingest/ingest';
import { acmeDatabase, chunksOf } from '@/lib/testing/db';

const FIXTURES = path.join(__dirname, 'fixtures');
const SESSION = 'c0ffee00-1111-4222-8333-444455556666';
const TRANSCRIPT_PATH = `/home/dev/.claude/projects/-home-dev-src-api/${SESSION}.jsonl`;
const LINES = fs.readFileSync(path.join(FIXTURES, 'claude-code', 'projects', '-home-dev-src-api', `${SESSION}.jsonl`), 'utf8').trim().split('\n');
const T_END = Date.parse('2026-11-21T12:00:00Z');

/** The transcript as the agent has written it so far; its first lines were written on main. */
function transcript(lines: number): string {
  return LINES.slice(0, lines).map((l, i) => (i < 2 ? l.replace('"gitBranch":"fix-login-redirect"', '"gitBranch":"main"') : l)).join('\n') + '\n';
}

function hookInput(event: string, extra: object = {}) {
  return JSON.stringify({ session_id: SESSION, transcript_path: TRANSCRIPT_PATH, cwd: '/home/dev/src/api', permission_mode: 'default', hook_event_name: event, ...extra });
}

describe('hook requests (the hook input, then the transcript)', () => {
  it('makes the session a run through the Claude Code importer, adds only what is new, and ends it at SessionEnd', async () => {
    const s = await acmeDatabase();
    const send = (event: string, lines: number, extra: object = {}) =>
      ingest(s.db, chunksOf(`${hookInput(event, extra)}\n${lines > 0 ? transcript(lines) : ''}`, 211), {
        format: 'claude-code-hook', team: s.team, partial: true, source: 'hook', agent: 'claude-code', options: { receivedAt: T_END },
      });
    // SessionStart of a new session: the transcript does not exist yet.
    expect(await send('SessionStart', 0, { source: 'startup' })).toMatchObject({ ok: true, accepted: 0, rejectedCount: 0 });
    // The first turn, still on main: its calls, but no run.started yet (it would pin the run to main).
    const first = await send('Stop', 2);
    expect(first).toMatchObject({ ok: true, rejectedCount: 0 });
    expect(await s.payloads('run.started')).toEqual([]);
    const calls = (await s.payloads('llm.call')).length;
    expect(calls).toBeGreaterThan(0);
    // On its branch now: the run starts (at the transcript's first line) with repo and branch.
    const second = await send('Stop', LINES.length);
    expect(second.accepted).toBeGreaterThan(0);
    expect(await s.q('SELECT run, agent, repo, branch, started_at FROM runs')).toEqual([
      { run: SESSION, agent: 'claude-code', repo: 'acme/api', branch: 'fix-login-redirect', started_at: Math.min(...LINES.map((l) => Date.parse(JSON.parse(l).timestamp)).filter(Number.isFinite)) },
    ]);
    // The whole transcript again: nothing new.
    expect(await send('Stop', LINES.length)).toMatchObject({ accepted: 0 });
    const end = await send('SessionEnd', LINES.length, { reason: 'prompt_input_exit' });
    expect(end).toMatchObject({ ok: true, accepted: 1 });
    expect(await s.payloads('run.ended')).toEqual([
      { id: `hook:claude-code:${SESSION}:ended`, type: 'run.ended', ts: new Date(T_END).toISOString(), run: SESSION, agent: 'claude-code', status: 'finished', attrs: { reason: 'prompt_input_exit' } },
    ]);
    expect(await s.q('SELECT source, agent, format, accepted FROM uploads ORDER BY id')).toEqual([
      { source: 'hook', agent: 'claude-code', format: 'claude-code-hook', accepted: 0 },
      { source: 'hook', agent: 'claude-code', format: 'claude-code-hook', accepted: first.accepted },
      { source: 'hook', agent: 'claude-code', format: 'claude-code-hook', accepted: second.accepted },
      { source: 'hook', agent: 'claude-code', format: 'claude-code-hook', accepted: 0 },
      { source: 'hook', agent: 'claude-code', format: 'claude-code-hook', accepted: 1 },
    ]);

    // Its pull request, opened from its branch and merged: the run counts as ended and converged.
    const pr = [
      { id: 'pr-o', type: 'change.opened', ts: '2026-11-21T11:00:00Z', change: 'acme/api#41', repo: 'acme/api', branch: 'fix-login-redirect' },
      { id: 'pr-m', type: 'change.merged', ts: '2026-11-21T13:00:00Z', change: 'acme/api#41', repo: 'acme/api', branch: 'fix-login-redirect' },
    ].map((e) => JSON.stringify(e)).join('\n');
    expect(await ingest(s.db, chunksOf(pr), { format: 'ndjson', team: s.team, partial: false, source: 'api' })).toMatchObject({ accepted: 2 });
    const asOf = Date.parse('2026-11-22T00:00:00Z');
    const k = (await getKpis(OPERATOR, ['acme'], { from: asOf - 28 * 86_400_000, to: asOf, asOf }, { db: s.db }))!;
    expect(k.runs).toMatchObject({ ended: 1, converged: 1, convergenceRate: 1 });
  });

  it('reads a Codex hook with its rollout, and a Codex notification', async () => {
    const s = await acmeDatabase();
    const sid = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
    const rollout = fs.readFileSync(path.join(FIXTURES, 'codex', 'sessions', '2026', '11', '03', `rollout-2026-11-03T10-00-00-${sid}.jsonl`), 'utf8');
    const request = { format: 'codex-hook' as const, team: s.team, partial: true, source: 'hook' as const, agent: 'codex', options: { receivedAt: T_END } };
    const stop = JSON.stringify({ session_id: sid, transcript_path: `/home/dev/.codex/sessions/2026/11/03/rollout-2026-11-03T10-00-00-${sid}.jsonl`, cwd: '/home/dev/src/api', hook_event_name: 'Stop', model: 'gpt-5-codex', turn_id: 't1', stop_hook_active: false, last_assistant_message: null, permission_mode: 'default' });
    expect(await ingest(s.db, chunksOf(`${stop}\n${rollout}`), request)).toMatchObject({ ok: true, accepted: 6 });
    const notify = JSON.stringify({ type: 'agent-turn-complete', 'thread-id': sid, 'turn-id': '12345', cwd: '/home/dev/src/api', 'input-messages': ['x'], 'last-assistant-message': 'done' });
    expect(await ingest(s.db, chunksOf(`${notify}\n${rollout}`), request)).toMatchObject({ ok: true, accepted: 0, duplicates: 6 });
    const end = JSON.stringify({ session_id: sid, transcript_path: null, cwd: '/home/dev/src/api', hook_event_name: 'SessionEnd', reason: 'other' });
    expect(await ingest(s.db, chunksOf(end), request)).toMatchObject({ ok: true, accepted: 1 });
    expect(await s.q('SELECT run, branch, status, ended_at FROM runs')).toEqual([{ run: sid, branch: 'codex/retry-backoff', status: 'finished', ended_at: T_END }]);
  });

  it('refuses a hook input it cannot read, naming it, and keeps the good events of a torn transcript', async () => {
    const s = await acmeDatabase();
    const request = { format: 'claude-code-hook' as const, team: s.team, partial: true, source: 'hook' as const, agent: 'claude-code' };
    const notJson = await ingest(s.db, chunksOf(`{"session_id": \n${transcript(5)}`), request);
    expect(notJson.problems).toEqual([{ line: 1, field: '', file: 'hook', message: expect.stringContaining('not valid JSON') }]);
    expect(await s.q('SELECT count(*) n FROM events')).toEqual([{ n: 0 }]);
    const noSession = await ingest(s.db, chunksOf(`{"hook_event_name":"Stop"}\n`), request);
    expect(noSession.problems).toEqual([{ line: 1, field: '', file: 'hook', message: "the hook input has no 'session_id'" }]);
    // Read while the agent writes: the last line is cut short.
    const torn = transcript(5).slice(0, -40);
    const r = await ingest(s.db, chunksOf(`${hookInput('Stop')}\n${torn}`), request);
    expect(r.problems).toEqual([{ line: 5, field: '', file: TRANSCRIPT_PATH, message: expect.stringContaining('not valid JSON') }]);
    expect(r.accepted).toBeGreaterThan(0);
  });
});
