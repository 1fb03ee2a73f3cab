import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { saveImportSettings } from '@/lib/data/import-settings';
import { getRunDetail } from '@/lib/data/runs';
import { loginFixPullRequests } from './testing/github-prs';
import { OPERATOR } from '@/lib/data/viewer';
import { ingest, ingestFile } from '@/lib/ingest/ingest';
import { chunksOf, ndjson, acmeDatabase } from '@/lib/testing/db';
import { makeZip } from '@/lib/testing/zip';
import { directorySource } from './sources';

const FIXTURES = path.join(__dirname, 'fixtures');
const PROJECTS = path.join(FIXTURES, 'claude-code', 'projects');
const S1 = '3f6b1c2e-8d4a-4b7e-9c1f-2a5d6e7f8a90';
const S2 = '9a1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const S3 = 'c0ffee00-1111-4222-8333-444455556666';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function setup() {
  const t = await acmeDatabase();
  const importDir = (dir = PROJECTS, partial = false) =>
    ingest(t.db, directorySource(dir, 'claude-code'), { format: 'claude-code', team: t.team, partial, source: 'cli' });
  return { ...t, importDir };
}

interface Totals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}

const pickTotals = (t: Totals): Totals => ({
  inputTokens: t.inputTokens,
  outputTokens: t.outputTokens,
  cacheCreationTokens: t.cacheCreationTokens,
  cacheReadTokens: t.cacheReadTokens,
});

/** `ccusage claude session --json` over the fixtures, run as its own binary with nothing else to read. */
async function ccusageSessions(): Promise<{ sessions: (Totals & { sessionId: string })[]; totals: Totals }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-ccusage-'));
  cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
  const config = path.join(home, 'claude');
  fs.cpSync(path.join(FIXTURES, 'claude-code'), config, { recursive: true });
  const bin = path.join(process.cwd(), 'node_modules', '.bin', 'ccusage');
  const { stdout } = await promisify(execFile)(bin, ['claude', 'session', '--json', '--offline'], {
    env: { PATH: process.env.PATH, HOME: home, CLAUDE_CONFIG_DIR: config, NO_COLOR: '1' } as unknown as NodeJS.ProcessEnv,
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

describe('Claude Code importer', () => {
  it('imports token totals equal to what ccusage reports for the same files, in total and per session', async () => {
    const s = await setup();
    const [report, result] = await Promise.all([ccusageSessions(), s.importDir()]);
    expect(result).toMatchObject({ ok: true, rejectedCount: 0, files: 4, format: 'claude-code' });

    const [ours] = await s.q<Totals>(`SELECT sum(input_tokens) AS "inputTokens", sum(output_tokens) AS "outputTokens",
      sum(cache_write_tokens) AS "cacheCreationTokens", sum(cache_read_tokens) AS "cacheReadTokens" FROM runs`);
    // The figures themselves, worked out by hand from the fixtures (see the dedupe cases below).
    expect(pickTotals(report.totals)).toEqual({ inputTokens: 99, outputTokens: 2021, cacheCreationTokens: 16240, cacheReadTokens: 143311 });
    expect(ours).toEqual(pickTotals(report.totals));

    const perRun = await s.q<Totals & { run: string }>(`SELECT run, input_tokens AS "inputTokens", output_tokens AS "outputTokens",
      cache_write_tokens AS "cacheCreationTokens", cache_read_tokens AS "cacheReadTokens" FROM runs ORDER BY run`);
    const perSession = report.sessions.map((x) => ({ run: x.sessionId, ...pickTotals(x) })).sort((a, b) => a.run.localeCompare(b.run));
    expect(perRun).toEqual(perSession);
    expect(perRun.map((r) => r.run)).toEqual([S1, S2, S3]);

    // The rollups the KPIs read agree with the runs.
    const [daily] = await s.q<{ input: number; output: number }>('SELECT sum(input_tokens) input, sum(output_tokens) output FROM daily_llm_usage');
    expect(daily).toEqual({ input: 99, output: 2021 });
  });

  it('de-duplicates by message id and request id the way the format repeats them', async () => {
    const s = await setup();
    await s.importDir();
    const calls = await s.q<{ id: string; payload: string }>(`SELECT id, payload FROM events WHERE type = 'llm.call' AND run = @run ORDER BY ts`, { run: S1 });
    const byId = new Map(calls.map((c) => [c.id, JSON.parse(c.payload)]));
    // One call per response, keeping the line with the largest usage of the repeated ones.
    expect(byId.get(`cc:${S1}:msg_01VbC7qLz8ZyYh3k2Jm9aA1:req_011CT1aaaaaaaaaaaaaaaaaa`)).toMatchObject({
      model: 'claude-sonnet-4-5-20250929', input_tokens: 4, output_tokens: 98, cache_write_tokens: 2116, cache_read_tokens: 13765,
    });
    expect(byId.get(`cc:${S1}:msg_01Task000000000000000003:req_011CT1cccccccccccccccccc`)).toMatchObject({ output_tokens: 85, model: 'claude-opus-4-1-20250805' });
    // The sub-agent's replay of its parent's message (new request id, parent cache reads) is dropped …
    expect([...byId.keys()].some((id) => id.includes('req_011CT1zzzzzzzzzzzzzzzzzz'))).toBe(false);
    // … its own responses count toward the same run, as does inline sidechain traffic.
    expect(byId.get(`cc:${S1}:msg_01Sub0000000000000000007:req_011CT1gggggggggggggggggg`)).toMatchObject({ output_tokens: 77, attrs: { sidechain: true } });
    expect(byId.get(`cc:${S1}:msg_01Side000000000000000004:req_011CT1dddddddddddddddddd`)).toMatchObject({ output_tokens: 64 });
    // The synthetic API-error message has no usage: no call.
    expect(calls).toHaveLength(7);
    // A resumed session's copy of an earlier message stays with the session that made it.
    const s3 = (await s.q<{ id: string }>(`SELECT id FROM events WHERE type = 'llm.call' AND run = @run`, { run: S3 })).map((r) => r.id);
    expect(s3).toHaveLength(2);
    // cost_usd as recorded by older transcripts; cache creation from its 5m/1h breakdown.
    const [dark] = await s.q<{ payload: string }>(`SELECT payload FROM events WHERE id = @id`, { id: `cc:${S2}:msg_01Dark000000000000000011:req_011CT1kkkkkkkkkkkkkkkkkk` });
    expect(JSON.parse(dark.payload)).toMatchObject({ cost_usd: 0.007911, cache_write_tokens: 300, cache_read_tokens: 5120 });
  });

  it('makes each session a run with its repository (through the team mapping) and branch, and tool calls with their outcome', async () => {
    const s = await setup();
    await saveImportSettings(OPERATOR, s.team.id, { repoMap: [{ path: '/home/dev/src/api', repo: 'acme/api' }, { path: '*', repo: 'acme-web' }] }, s.db);
    await s.importDir();
    const runs = await s.q<Record<string, unknown>>('SELECT run, agent, model, repo, branch, started_at, llm_calls, tool_calls FROM runs ORDER BY run');
    expect(runs).toEqual([
      { run: S1, agent: 'claude-code', model: 'claude-sonnet-4-5-20250929', repo: 'acme/api', branch: 'fix-login-redirect', started_at: Date.parse('2026-11-02T09:00:00Z'), llm_calls: 7, tool_calls: 5 },
      // No path entry: the default owner (`*`) and the folder's name.
      { run: S2, agent: 'claude-code', model: 'claude-sonnet-4-5-20250929', repo: 'acme-web/web', branch: 'feat/dark-mode', started_at: Date.parse('2026-11-04T16:20:00Z'), llm_calls: 2, tool_calls: 1 },
      { run: S3, agent: 'claude-code', model: 'claude-sonnet-4-5-20250929', repo: 'acme/api', branch: 'fix-login-redirect', started_at: Date.parse('2026-11-02T09:01:40Z'), llm_calls: 2, tool_calls: 1 },
    ]);
    const tools = (await s.q<{ payload: string }>(`SELECT payload FROM events WHERE type = 'tool.call' AND run = @run ORDER BY ts`, { run: S1 })).map((r) => JSON.parse(r.payload));
    expect(tools.map((t) => [t.tool, t.ok, t.duration_ms])).toEqual([
      ['Bash', true, 690],
      ['Edit', false, 1400],
      ['Task', true, 40300],
      ['Grep', true, 400],
      ['Bash', true, 5000],
    ]);
  });

  it('defaults the repository owner to the team without a mapping', async () => {
    const s = await setup();
    await s.importDir();
    expect((await s.q<{ repo: string }>('SELECT repo FROM runs ORDER BY run')).map((r) => r.repo)).toEqual(['acme/api', 'acme/web', 'acme/api']);
  });

  it('is idempotent: importing the same transcripts again, as a directory or a zip, adds nothing', async () => {
    const s = await setup();
    const first = await s.importDir();
    expect(first.accepted).toBe(3 + 11 + 7); // runs, llm calls, tool calls
    const again = await s.importDir();
    expect(again).toMatchObject({ ok: true, accepted: 0, duplicates: first.accepted });

    const entries = [];
    for (const f of directorySource(PROJECTS, 'claude-code').files) {
      entries.push({ name: `projects/${f.name}`, data: fs.readFileSync(path.join(PROJECTS, f.name)) });
    }
    entries.push({ name: 'projects/.DS_Store', data: 'x' }, { name: '__MACOSX/projects/._a.jsonl', data: 'x' });
    const zipFile = path.join(s.dir, 'claude.zip');
    fs.writeFileSync(zipFile, makeZip(entries.reverse()));
    const zipped = await ingestFile(s.db, zipFile, { format: 'auto', team: s.team, partial: false, source: 'upload', filename: 'claude.zip' });
    expect(zipped).toMatchObject({ ok: true, format: 'claude-code', files: 4, accepted: 0, duplicates: first.accepted });

    // The same zip into a fresh database gives the same runs as the directory.
    const t = await setup();
    const fresh = await ingestFile(t.db, zipFile, { format: 'claude-code', team: t.team, partial: false, source: 'upload' });
    expect(fresh.accepted).toBe(first.accepted);
    expect(await t.q('SELECT * FROM runs ORDER BY run')).toEqual(await s.q('SELECT * FROM runs ORDER BY run'));
  });

  it('rejects a malformed transcript whole, naming the file and the line', async () => {
    const s = await setup();
    const result = await s.importDir(path.join(FIXTURES, 'claude-code-malformed'));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { line: 3, field: '', message: expect.stringContaining('not valid JSON'), file: '77777777-8888-4999-aaaa-bbbbbbbbbbbb.jsonl' },
    ]);
    expect(await s.q('SELECT * FROM events')).toEqual([]);
    // One file on its own: the line, no file name.
    const single = await ingest(
      s.db,
      chunksOf(fs.readFileSync(path.join(FIXTURES, 'claude-code-malformed', '77777777-8888-4999-aaaa-bbbbbbbbbbbb.jsonl'), 'utf8'), 50),
      { format: 'claude-code', team: s.team, partial: false, source: 'upload' },
    );
    expect(single.problems).toEqual([{ line: 3, field: '', message: expect.stringContaining('not valid JSON') }]);
    // With --partial, what is good is stored and the bad line listed.
    const partial = await s.importDir(path.join(FIXTURES, 'claude-code-malformed'), true);
    expect(partial).toMatchObject({ ok: true, accepted: 2, rejectedCount: 1 }); // run.started, the first call
    expect(partial.problems[0]).toMatchObject({ line: 3, file: '77777777-8888-4999-aaaa-bbbbbbbbbbbb.jsonl' });
  });

  it('links the session to the pull request opened from its branch, so the run shows the PR and its fate', async () => {
    const s = await setup();
    await saveImportSettings(OPERATOR, s.team.id, { repoMap: [{ path: '/home/dev/src/api', repo: 'acme/api' }] }, s.db);
    await s.importDir();
    const pr = { change: 'acme/api#42', repo: 'acme/api', branch: 'fix-login-redirect' };
    const github = await ingest(
      s.db,
      chunksOf(
        ndjson(loginFixPullRequests()),
      ),
      { format: 'github', team: s.team, partial: false, source: 'upload' },
    );
    expect(github).toMatchObject({ ok: true, accepted: 4 });
    const asOf = Date.parse('2026-11-30T00:00:00Z');
    const detail = await getRunDetail(OPERATOR, 'acme', S1, { from: asOf - 28 * 86_400_000, to: asOf, asOf }, s.db);
    expect(detail?.run).toMatchObject({ repo: 'acme/api', branch: 'fix-login-redirect', linkedChanges: 1, mergedAt: Date.parse('2026-11-03T15:00:00Z') });
    expect(detail?.changes).toEqual([
      expect.objectContaining({
        ...pr,
        title: 'Fix the login redirect loop',
        openedAt: Date.parse('2026-11-02T09:01:34Z'),
        mergedAt: Date.parse('2026-11-03T15:00:00Z'),
        reverted: [{ at: Date.parse('2026-11-05T10:00:00Z'), by: 'acme/api#57' }],
      }),
    ]);
  });
});
