/**
 * The GitHub webhook receiver end to end in-process: the route handler of
 * `POST /api/v1/github/webhook`, with the real ingest worker thread behind it, on a real
 * database (the OTLP receivers: lib/otlp/http.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import examples from '@octokit/webhooks-examples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { POST as hooksPOST } from '@/app/api/v1/hooks/[agent]/route';
import { POST as webhookPOST } from '@/app/api/v1/github/webhook/route';
import { getDb } from '@/lib/data/connection';
import { saveImportSettings } from '@/lib/data/import-settings';
import { createApiToken } from '@/lib/data/tokens';
import { OPERATOR } from '@/lib/data/viewer';
import { serverDatabase } from '@/lib/testing/server-db';
import { signGithubBody } from './github';

const SECRET = 'receivers-test-secret-0123456789';
let server: Awaited<ReturnType<typeof serverDatabase>>;
let ingestToken = '';
let readToken = '';

beforeAll(async () => {
  server = await serverDatabase();
  ingestToken = (await createApiToken(OPERATOR, { teamId: 1, scopes: ['ingest'] }, server.db)).token;
  readToken = (await createApiToken(OPERATOR, { teamId: 1, scopes: ['read'] }, server.db)).token;
  await saveImportSettings(OPERATOR, 1, { githubWebhookSecret: SECRET }, server.db);
});

afterAll(() => server.close());

const count = async (type: string) => (await (await getDb()).get<{ n: number }>('SELECT count(*) n FROM events WHERE type = @type', { type }))!.n;

describe('POST /api/v1/github/webhook', () => {
  it('verifies, stores through the worker, and processes a redelivery once', async () => {
    const group = (examples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === 'pull_request')!;
    const body = JSON.stringify(group.examples.find((p) => p.action === 'opened'));
    const send = (headers: Record<string, string>) =>
      webhookPOST(new Request('http://localhost/api/v1/github/webhook?team=acme', { method: 'POST', body, headers }));
    const headers = { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'f00d-1' };
    expect((await send(headers)).status).toBe(401);
    const signed = { ...headers, 'x-hub-signature-256': signGithubBody(SECRET, body) };
    const first = await send(signed);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 1, duplicates: 0, delivery: 'f00d-1' });
    const again = await send(signed);
    expect(await again.json()).toEqual({ duplicate: true, delivery: 'f00d-1' });
    expect(await count('change.opened')).toBe(1);
  });
});

describe('POST /api/v1/hooks/<agent>', () => {
  const hook = (agent: string, body: Buffer | string, headers: Record<string, string>) =>
    hooksPOST(new Request(`http://localhost/api/v1/hooks/${agent}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers }), { params: Promise.resolve({ agent }) });
  const input = JSON.stringify({ session_id: 'sess-r1', transcript_path: null, cwd: '/w/api', hook_event_name: 'SessionEnd', reason: 'other' });

  it('takes a gzipped body, answers the counts, and records the upload as a hook of its agent', async () => {
    const res = await hook('codex', zlib.gzipSync(input + '\n'), { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [], rejectedCount: 0 });
    expect(await (await getDb()).get(`SELECT source, agent, format FROM uploads ORDER BY id DESC LIMIT 1`)).toEqual({ source: 'hook', agent: 'codex', format: 'codex-hook' });
  });

  it('answers 400 naming what is wrong with the hook input, 404, 415, 401 and 403', async () => {
    const auth = { authorization: `Bearer ${ingestToken}` };
    const bad = await hook('claude-code', '{"hook_event_name":"Stop"}\n', auth);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe("the hook input cannot be read: the hook input has no 'session_id'");
    expect((await hook('cursor', input, auth)).status).toBe(404);
    expect((await hook('claude-code', input, { ...auth, 'content-type': 'multipart/form-data; boundary=x' })).status).toBe(415);
    expect((await hook('claude-code', input, {})).status).toBe(401);
    expect((await hook('claude-code', input, { authorization: `Bearer ${readToken}` })).status).toBe(403);
  });
});
