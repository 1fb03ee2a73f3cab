/**
 * The pasted configuration, run for real: the hook commands through `sh`, `bash` and `curl`
 * against the hooks route handler (behind a plain Node HTTP server, with the real ingest worker
 * on a real database), the TOML and JSON parsed by real parsers.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/v1/hooks/[agent]/route';
import { getDb } from '@/lib/data/connection';
import { createApiToken } from '@/lib/data/tokens';
import { OPERATOR } from '@/lib/data/viewer';
import { serverDatabase } from '@/lib/testing/server-db';
import { claudeCodeSettings, codexConfigToml, codexNotifyLine, geminiSettings, hookCommand, shellQuote } from './agent-config';

const FIXTURES = path.join(__dirname, '..', 'importers', 'fixtures');
const CC_SESSION = 'c0ffee00-1111-4222-8333-444455556666';
const CODEX_SESSION = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
let dir = '';
let db: Awaited<ReturnType<typeof serverDatabase>>;
let token = '';
let server: http.Server;
let url = '';

beforeAll(async () => {
  db = await serverDatabase();
  dir = db.dir;
  token = (await createApiToken(OPERATOR, { teamId: 1, scopes: ['ingest'] }, db.db)).token;
  server = http.createServer(async (req, res) => {
    const agent = /^\/api\/v1\/hooks\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const request = new Request(`${url}${req.url}`, { method: req.method, headers, body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } as RequestInit);
    const response = await POST(request, { params: Promise.resolve({ agent }) });
    res.writeHead(response.status, { 'content-type': 'application/json' });
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db.close();
});

const q = async <T>(sql: string) => (await getDb()).all<T>(sql);

/** Runs a command line as an agent runs a hook: in a shell, the hook input on standard input. */
function runHook(shell: string, command: string, input: string, env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, ['-c', command], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
    child.stdin.end(input);
  });
}

/** The hook returns at once and curl goes on in the background: wait for its upload. */
async function waitForUploads(n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (((await q<{ n: number }>('SELECT count(*) n FROM uploads'))[0].n) < n) {
    if (Date.now() > deadline) throw new Error(`no upload ${n} after 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the Claude Code settings', () => {
  it('parse as JSON, and their hook command sends the hook input and the transcript with its sub-agents, in the background', async () => {
    const settings = JSON.parse(claudeCodeSettings(url, token));
    expect(settings.env).toEqual({
      CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOGS_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: url.replace(/\/$/, ''), OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${token}`,
    });
    expect(Object.keys(settings.hooks)).toEqual(['SessionStart', 'Stop', 'SessionEnd']);
    const command: string = settings.hooks.Stop[0].hooks[0].command;
    expect(command).toBe(hookCommand('claude-code', url, token));

    // A transcript where Claude Code keeps it, a path with a space and a quote in it.
    const project = path.join(dir, "claude projects", "-home-dev-src-api's");
    fs.mkdirSync(path.join(project, CC_SESSION, 'subagents'), { recursive: true });
    const transcript = path.join(project, `${CC_SESSION}.jsonl`);
    fs.copyFileSync(path.join(FIXTURES, 'claude-code', 'projects', '-home-dev-src-api', `${CC_SESSION}.jsonl`), transcript);
    // A sub-agent's call, in its own file beside the transcript.
    const assistant = fs.readFileSync(transcript, 'utf8').split('\n').find((l) => l.includes('"usage":{'))!;
    const sub = JSON.parse(assistant);
    Object.assign(sub, { isSidechain: true, requestId: 'req_sub_1', uuid: '00000000-0000-4000-8000-0000000005ab' });
    sub.message.id = 'msg_sub_1';
    fs.writeFileSync(path.join(project, CC_SESSION, 'subagents', 'agent-1.jsonl'), JSON.stringify(sub) + '\n');
    const input = JSON.stringify({ session_id: CC_SESSION, transcript_path: transcript, cwd: '/home/dev/src/api', permission_mode: 'default', hook_event_name: 'Stop', stop_hook_active: false });
    const started = Date.now();
    expect(await runHook('/bin/sh', command, input)).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    await waitForUploads(1);
    expect(await q('SELECT run, branch FROM runs')).toEqual([{ run: CC_SESSION, branch: 'fix-login-redirect' }]);
    expect(await q(`SELECT id FROM events WHERE type = 'llm.call' AND id LIKE '%msg_sub_1%'`)).toEqual([{ id: `cc:${CC_SESSION}:msg_sub_1:req_sub_1` }]);

    // The session ends; bash runs it the same.
    const end = JSON.stringify({ session_id: CC_SESSION, transcript_path: transcript, cwd: '/home/dev/src/api', hook_event_name: 'SessionEnd', reason: 'other' });
    expect(await runHook('bash', command, end)).toBe(0);
    await waitForUploads(2);
    expect(await q('SELECT status FROM runs')).toEqual([{ status: 'finished' }]);
    expect(await q('SELECT source, agent, accepted FROM uploads ORDER BY id')).toEqual([
      { source: 'hook', agent: 'claude-code', accepted: expect.any(Number) },
      { source: 'hook', agent: 'claude-code', accepted: 1 },
    ]);
  });
});

describe('the Codex config.toml', () => {
  it('parses as TOML with [otel] exporters and the hooks, whose command runs under the user\'s shell', async () => {
    const config = parseToml(codexConfigToml(url, token)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const base = url.replace(/\/$/, '');
    expect(config.otel).toEqual({
      log_user_prompt: false,
      exporter: { 'otlp-http': { endpoint: `${base}/v1/logs`, protocol: 'binary', headers: { Authorization: `Bearer ${token}` } } },
      trace_exporter: { 'otlp-http': { endpoint: `${base}/v1/traces`, protocol: 'binary', headers: { Authorization: `Bearer ${token}` } } },
      metrics_exporter: { 'otlp-http': { endpoint: `${base}/v1/metrics`, protocol: 'binary', headers: { Authorization: `Bearer ${token}` } } },
    });
    const command = config.hooks.SessionEnd[0].hooks[0].command;
    expect(config.hooks.SessionEnd[0].hooks[0]).toEqual({ type: 'command', command: hookCommand('codex', url, token), timeout: 10 });
    const rollout = path.join(dir, 'codex', `rollout-2026-11-03T10-00-00-${CODEX_SESSION}.jsonl`);
    fs.mkdirSync(path.dirname(rollout), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'codex', 'sessions', '2026', '11', '03', path.basename(rollout)), rollout);
    const before = (await q<{ n: number }>('SELECT count(*) n FROM uploads'))[0].n;
    // codex-rs runs a hook as `$SHELL -lc <command>`.
    const input = JSON.stringify({ session_id: CODEX_SESSION, transcript_path: rollout, cwd: '/home/dev/src/api', hook_event_name: 'SessionEnd', reason: 'other' });
    expect(await runHook('bash', command, input)).toBe(0);
    await waitForUploads(before + 1);
    expect(await q(`SELECT run, status, llm_calls FROM runs WHERE agent = 'codex'`)).toEqual([{ run: CODEX_SESSION, status: 'finished', llm_calls: 2 }]);
  });

  it('has a notify program for Codex releases without hooks, that finds the rollout by thread id', async () => {
    const line = parseToml(codexNotifyLine(url, token)) as { notify: string[] };
    expect(line.notify.slice(0, 2)).toEqual(['sh', '-c']);
    const home = path.join(dir, 'codex-home');
    fs.mkdirSync(path.join(home, 'sessions', '2026', '11', '03'), { recursive: true });
    fs.copyFileSync(path.join(dir, 'codex', `rollout-2026-11-03T10-00-00-${CODEX_SESSION}.jsonl`), path.join(home, 'sessions', '2026', '11', '03', `rollout-2026-11-03T10-00-00-${CODEX_SESSION}.jsonl`));
    const before = (await q<{ n: number }>('SELECT count(*) n FROM uploads'))[0].n;
    const payload = JSON.stringify({ type: 'agent-turn-complete', 'thread-id': CODEX_SESSION, 'turn-id': '1', cwd: '/home/dev/src/api', 'input-messages': [], 'last-assistant-message': "it's done" });
    // Codex runs the argv itself, the notification appended as its last argument.
    await new Promise((resolve, reject) => {
      const child = spawn(line.notify[0], [...line.notify.slice(1), payload], { env: { ...process.env, CODEX_HOME: home }, stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', resolve);
    });
    await waitForUploads(before + 1);
    expect(await q('SELECT agent, accepted, duplicates FROM uploads ORDER BY id DESC LIMIT 1')).toEqual([{ agent: 'codex', accepted: 0, duplicates: 6 }]);
  });
});

describe('other snippets', () => {
  it('quotes for a POSIX shell, and gives Gemini CLI its telemetry block', async () => {
    const out = await new Promise<string>((resolve) => {
      const child = spawn('/bin/sh', ['-c', `printf '%s' ${shellQuote("it's a \"test\" $HOME `x`")}`]);
      let s = '';
      child.stdout.on('data', (d) => (s += d));
      child.on('close', () => resolve(s));
    });
    expect(out).toBe("it's a \"test\" $HOME `x`");
    expect(JSON.parse(geminiSettings('https://ls.example/'))).toEqual({ telemetry: { enabled: true, target: 'local', otlpEndpoint: 'https://ls.example', otlpProtocol: 'http', logPrompts: false } });
  });
});
