/**
 * `npm run cli` runs a bundle of the CLI's sources (scripts/cli.mjs): made on first use, reused
 * while the sources stay as they were, made again after one is edited. Run in a copy of the
 * project, so that the edit and the bundle are the copy's.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-cli-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const d of ['lib', 'db']) fs.cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
  for (const f of ['tsconfig.json', 'package.json', 'scripts/cli.mjs']) fs.cpSync(path.join(ROOT, f), path.join(dir, f));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** The CLI as `npm run cli` starts it (package.json's script), in `dir`. */
function cli(dir: string, ...args: string[]) {
  const script = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.cli as string;
  const [, ...nodeArgs] = script.split(/\s+/);
  return spawnSync(process.execPath, [...nodeArgs, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_PATH: path.join(dir, 'cli.db'), LOOPSCOPE_DEMO: 'off' },
  });
}

describe('npm run cli', () => {
  it('bundles the sources on first use, reuses the bundle, and bundles again after an edit', () => {
    const dir = copyProject();
    const bundle = path.join(dir, '.loopscope-tmp', 'cli', 'main.cjs');

    const first = cli(dir, 'team', 'create', 'acme');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout.trim().split('\n').pop()).toBe('acme');
    const built = fs.statSync(bundle).mtimeMs;

    const again = cli(dir, '--help');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('Usage: npm run cli -- <command>');
    expect(fs.statSync(bundle).mtimeMs).toBe(built);

    const main = path.join(dir, 'lib', 'cli', 'main.ts');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace('Usage: npm run cli -- <command>', 'Usage, edited: npm run cli -- <command>'));
    const edited = cli(dir, '--help');
    expect(edited.status).toBe(0);
    expect(edited.stdout).toContain('Usage, edited: npm run cli -- <command>');
    expect(fs.statSync(bundle).mtimeMs).not.toBe(built);
  });

  it('answers a bad command with its usage and exit code 2, from the bundle', () => {
    const r = cli(copyProject(), 'no-such-command');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no-such-command/);
  });
});
