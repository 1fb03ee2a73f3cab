/** The CLI's alert commands, run as the operator runs them, against a real receiver. */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '@/lib/testing/receiver';

let dir = '';
let env = {} as NodeJS.ProcessEnv;
let hook: Receiver;

/** Runs the CLI without blocking this process (the receiver answering it lives here). */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; last: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'lib/cli/main.ts', ...args], { cwd: process.cwd(), env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => {
      const lines = stdout.trim().split('\n');
      resolve({ status, stdout, stderr, last: lines[lines.length - 1] });
    });
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-cli-alerts-'));
  env = { ...process.env, DATABASE_PATH: path.join(dir, 'cli.db'), LOOPSCOPE_DEMO: 'off', LOOPSCOPE_PUBLIC_URL: 'https://loopscope.example/' };
  hook = await startReceiver((req) => (req.path.endsWith('/refuse') ? { status: 403, body: 'invalid_token' } : { status: 200, body: 'ok' }));
  expect((await cli('team', 'create', 'acme', '--name', 'Acme')).status).toBe(0);
});
afterAll(async () => {
  await hook.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('CLI alert commands', () => {
  it('adds, lists, tests, pauses and removes a destination', async () => {
    const add = await cli('alert', 'add', '--team', 'acme', '--url', hook.url, '--secret', 's3cret-signing-key', '--kinds', 'stalled,chatter', '--digest');
    expect(add.status, add.stderr).toBe(0);
    expect(add.last).toMatch(/^\d+$/);
    const id = add.last;
    expect(add.stdout).toContain(`Added alert destination ${id} for team acme: active  http://127.0.0.1:`);
    expect(add.stdout).toContain('signed  kinds: stalled,chatter  digest: yes');
    expect(add.stdout).not.toContain('s3cret-signing-key');

    const test = await cli('alert', 'test', id);
    expect(test.status, test.stderr).toBe(0);
    expect(test.stdout).toContain(`Delivered a test alert to destination ${id}: HTTP 200: ok`);
    expect(hook.received).toHaveLength(1);
    const [req] = hook.received;
    expect(req.headers['x-loopscope-delivery']).toBe(test.last);
    expect(req.headers['x-loopscope-signature-256']).toBe(`sha256=${createHmac('sha256', 's3cret-signing-key').update(req.body).digest('hex')}`);
    expect(JSON.parse(req.body)).toMatchObject({ team: 'acme', test: true, url: 'https://loopscope.example/teams/acme/settings' });

    const list = await cli('alert', 'list', '--team', 'acme');
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${id}  active  `, 'm'));
    expect(list.stdout).toMatch(/ test {2}delivered after 1 attempt\(s\): HTTP 200: ok/);
    expect(list.last).toBe('1 destination(s)');

    expect((await cli('alert', 'pause', id)).status).toBe(0);
    expect((await cli('alert', 'list', '--team', 'acme')).stdout).toMatch(new RegExp(`^${id}  paused  `, 'm'));
    const removed = await cli('alert', 'remove', id);
    expect(removed.status).toBe(0);
    expect(removed.last).toBe(id);
    expect((await cli('alert', 'list', '--team', 'acme')).last).toBe('0 destination(s)');
    expect((await cli('alert', 'test', id)).stderr).toContain(`no alert destination ${id}`);
  });

  it('fails a test the receiver refuses, naming its answer, and refuses a URL that is not http(s)', async () => {
    const add = await cli('alert', 'add', '--team', 'acme', '--url', `${hook.url}/refuse`);
    expect(add.status, add.stderr).toBe(0);
    const test = await cli('alert', 'test', add.last);
    expect(test.status).toBe(1);
    expect(test.stderr).toContain(`error: the test alert to destination ${add.last} was not accepted: HTTP 403: invalid_token`);

    const ftp = await cli('alert', 'add', '--team', 'acme', '--url', 'ftp://example.com/hook');
    expect(ftp.status).toBe(1);
    expect(ftp.stderr).toContain('only http:// and https:// URLs can receive alerts, not ftp:');
    const usage = await cli('alert', 'add', '--url', hook.url);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--team <slug> is required');
  });
});
