/**
 * The GitHub webhook receiver end to end in-process: the route handler of
 * `POST /api/v1/github/webhook`, with the real ingest worker thread behind it, on a real SQLite
 * file (the OTLP receivers: lib/otlp/http.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import examples from '@octokit/webhooks-examples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as webhookPOST } from '@/app/api/v1/github/webhook/route';
import { closeDb, getDb } from '@/lib/data/connection';
import { saveImportSettings } from '@/lib/data/import-settings';
import { ensureTeams } from '@/lib/data/teams';
import { OPERATOR } from '@/lib/data/viewer';
import { stopIngestWorker } from '@/lib/ingest/queue';
import { signGithubBody } from './github';

const SECRET = 'receivers-test-secret-0123456789';
let dir = '';
let saved: string | undefined;

beforeAll(() => {
  saved = process.env.DATABASE_PATH;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-receivers-'));
  process.env.DATABASE_PATH = path.join(dir, 'test.db');
  const db = getDb();
  ensureTeams([{ slug: 'acme', name: 'Acme' }], db);
  saveImportSettings(OPERATOR, 1, { githubWebhookSecret: SECRET }, db);
});

afterAll(async () => {
  await stopIngestWorker();
  closeDb();
  if (saved === undefined) delete process.env.DATABASE_PATH;
  else process.env.DATABASE_PATH = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = (type: string) => (getDb().$client.prepare('SELECT count(*) n FROM events WHERE type = ?').get(type) as { n: number }).n;

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
    expect(count('change.opened')).toBe(1);
  });
});
