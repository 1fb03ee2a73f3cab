/** Running a benchmark step in a TypeScript child process and reading what it reported (bench/common.ts `report`). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
/** Node options that run the project's TypeScript sources (the children). */
export const TSX_ARGS = ['--conditions=react-server', '--import', 'tsx'];
/** What `npm run cli` (package.json) passes to Node: its options and scripts/cli.mjs. */
const CLI_ARGS: string[] = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.cli as string).split(/\s+/).slice(1);
/** The V8 options of `npm run cli`, for the children that stand for a CLI import. */
export const CLI_NODE_ARGS: string[] = CLI_ARGS.filter((arg) => arg.startsWith('--max-'));

/** Runs the CLI as `npm run cli -- <args>` does, without npm's own start; its wall clock in seconds. */
export async function runCli(args: string[], env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...CLI_ARGS, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`cli ${args.join(' ')} failed (exit ${code})`);
  return (performance.now() - t0) / 1000;
}

/** Runs bench/<script> with `args` (and `env` over this process's) and returns the object on its last BENCH_RESULT line. */
export async function runChild(script: string, args: string[], extraNodeArgs: string[] = [], env: Record<string, string> = {}): Promise<Record<string, any>> {
  const child = spawn(process.execPath, [...extraNodeArgs, ...TSX_ARGS, path.join(ROOT, 'bench', script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = stdout.split('\n').reverse().find((l) => l.startsWith('BENCH_RESULT '));
  if (code !== 0 || !line) throw new Error(`${script} ${args[0] ?? ''} failed (exit ${code}):\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length));
}
