/** The CLI's import commands, run as the operator runs them (`npm run cli -- ...`). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDatabase, type TempDatabase } from '@/lib/testing/db';
import { makeZip } from '@/lib/testing/zip';

const FIXTURES = path.join(__dirname, 'fixtures');
let t: TempDatabase;
let dir = '';
let env = {} as NodeJS.ProcessEnv;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'lib/cli/main.ts', ...args], {
    cwd: process.cwd(),
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = r.stdout.trim().split('\n');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, last: lines[lines.length - 1] };
}

beforeAll(async () => {
  t = await tempDatabase();
  dir = t.dir;
  env = { ...process.env, DATABASE_PATH: t.env.DATABASE_PATH, DATABASE_URL: t.env.DATABASE_URL ?? '', LOOPSCOPE_DEMO: 'off' };
  expect(cli('team', 'create', 'acme').status).toBe(0);
});
afterAll(() => t.cleanup());

describe('CLI import commands', () => {
  it('sets a team\'s importer settings', () => {
    const set = cli('team', 'set', 'acme', '--github-secret', 'a-long-enough-webhook-secret', '--bug-label', 'defect', '--repo-map', '/home/dev/src/api=acme/api', '--repo-map', '*=acme');
    expect(set.status).toBe(0);
    expect(set.stdout).toContain("GitHub webhook secret set (28 characters); bug label 'defect'");
    expect(set.stdout).toContain('repo map /home/dev/src/api = acme/api');
    expect(set.stdout).not.toContain('a-long-enough-webhook-secret');
    const bad = cli('team', 'set', 'acme', '--repo-map', '/x=notarepo');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("'notarepo' is not owner/name");
  });

  it('imports a Claude Code projects directory, a zip of Codex sessions, and refuses a malformed file naming it', async () => {
    const cc = cli('import', path.join(FIXTURES, 'claude-code'), '--team', 'acme');
    expect(cc.status, cc.stderr).toBe(0);
    expect(cc.stdout).toMatch(/\(claude-code from 4 file\(s\)\) into acme: 21 accepted, 0 duplicates, 0 rejected/);
    expect(cc.last).toMatch(/^\d+$/);
    // Again: every file is unchanged, so none is read; --full reads them all (nothing new in them).
    expect(cli('import', path.join(FIXTURES, 'claude-code'), '--team', 'acme', '--format', 'claude-code').stdout).toMatch(/Nothing new in .*: 4 file\(s\) unchanged/);
    expect(cli('import', path.join(FIXTURES, 'claude-code'), '--team', 'acme', '--full').stdout).toMatch(/0 accepted, 21 duplicates/);

    const zip = path.join(dir, 'codex.zip');
    const rollout = path.join(FIXTURES, 'codex', 'sessions', '2026', '11', '03', 'rollout-2026-11-03T10-00-00-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9.jsonl');
    fs.writeFileSync(zip, makeZip([{ name: 'sessions/2026/11/03/' + path.basename(rollout), data: fs.readFileSync(rollout) }]));
    const codex = cli('import', zip, '--team', 'acme');
    expect(codex.status, codex.stderr).toBe(0);
    expect(codex.stdout).toMatch(/\(codex from 1 file\(s\)\) into acme: 6 accepted/);

    const bad = cli('import', path.join(FIXTURES, 'claude-code-malformed'), '--team', 'acme', '--format', 'claude-code');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('77777777-8888-4999-aaaa-bbbbbbbbbbbb.jsonl: line 3: (event): not valid JSON');
    expect(bad.stderr).toContain('nothing was stored');

    expect(await t.db.all(`SELECT run, repo, branch FROM runs WHERE agent = 'claude-code' ORDER BY run`)).toEqual([
      { run: '3f6b1c2e-8d4a-4b7e-9c1f-2a5d6e7f8a90', repo: 'acme/api', branch: 'fix-login-redirect' },
      { run: '9a1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f', repo: 'acme/web', branch: 'feat/dark-mode' },
      { run: 'c0ffee00-1111-4222-8333-444455556666', repo: 'acme/api', branch: 'fix-login-redirect' },
    ]);
  });

  it('imports git history', () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(repo);
    const git = (...args: string[]) =>
      spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'D', GIT_AUTHOR_EMAIL: 'd@x', GIT_COMMITTER_NAME: 'D', GIT_COMMITTER_EMAIL: 'd@x' } });
    git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'one\ntwo\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'Add a (#1)');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'one\nTWO\n');
    git('commit', '-q', '-am', 'Shout');
    git('remote', 'add', 'origin', 'https://github.com/acme/tiny.git');
    const r = cli('import-git', repo, '--team', 'acme');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Read 2 main-line commits of acme\/tiny in [\d.]+ s: 1 merged changes, 1 modifications within 7 days, 0 reverts; 2 events stored/);
    expect(cli('import-git', repo, '--team', 'acme', '--days', 'x').status).toBe(2);
  });
});

describe('CLI import of a gzipped file', () => {
  it('reads it through gunzip, its format told from its name without .gz; a broken one stores nothing', () => {
    const lines = [0, 1, 2].map((i) => JSON.stringify({ id: `gz-${i}`, type: 'run.started', ts: `2026-11-20T10:0${i}:00Z`, run: `gz-run-${i}` })).join('\n') + '\n';
    const gz = path.join(dir, 'events.ndjson.gz');
    fs.writeFileSync(gz, zlib.gzipSync(lines));
    const first = cli('import', gz, '--team', 'acme');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('(ndjson) into acme: 3 accepted, 0 duplicates, 0 rejected');
    const broken = path.join(dir, 'broken.ndjson.gz');
    const bytes = zlib.gzipSync(lines.replace(/gz-/g, 'broken-'));
    fs.writeFileSync(broken, Buffer.concat([bytes.subarray(0, 20), Buffer.from('not the rest of it'), bytes.subarray(20)]));
    const bad = cli('import', broken, '--team', 'acme', '--format', 'ndjson');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('is not valid gzip');
    // Nothing of it was stored: the same events, sent whole, are all new.
    fs.writeFileSync(broken, zlib.gzipSync(lines.replace(/gz-/g, 'broken-')));
    expect(cli('import', broken, '--team', 'acme').stdout).toContain('3 accepted, 0 duplicates');
  });
});

describe('CLI usage errors', () => {
  it('refuses a stray argument or an unknown option with the usage and exit 2, storing nothing', () => {
    const csv = path.join(dir, 'one.csv');
    fs.writeFileSync(csv, 'id,type,ts,run\nstray-1,run.started,2026-11-20T10:00:00Z,stray-run\n');
    const stray = cli('import', csv, csv, '--team', 'acme');
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain(`error: unexpected argument '${csv}'`);
    expect(stray.stderr).toContain('Usage: npm run cli -- <command>');
    expect(cli('team', 'create', 'stray', 'extra').status).toBe(2);
    expect(cli('team', 'show', 'stray').status).toBe(1); // so it was not made
    const unknown = cli('team', 'create', 'other', '--nmae', 'Other');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--nmae'");
    expect(cli('team', 'create', 'other', '--name').status).toBe(2); // an option without its value
    // A token's scopes are said, once: never assumed.
    expect(cli('token', 'create', '--team', 'acme').stderr).toContain('token create needs --scope');
    expect(cli('token', 'create', '--team', 'acme', '--scope', 'read', '--scope', 'ingest').status).toBe(2);
    expect(cli('token', 'create', '--team', 'acme', '--scope', 'read').status).toBe(0);
    // The same commands, well formed, work.
    expect(cli('import', csv, '--team', 'acme').status).toBe(0);
    expect(cli('team', 'create', 'other', '--name', 'Other').status).toBe(0);
  });
});
