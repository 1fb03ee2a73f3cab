/**
 * A CPU profile of the production server answering one page, signed in:
 *
 *   LOOPSCOPE_DIST_DIR=.next-bench node --conditions=react-server --import tsx bench/profile-server.ts \
 *     bench/out/kpis/kpis.db [/teams/bench-1?range=12w] [--n 100]
 *
 * Starts `next start` on the database with --cpu-prof (into bench/out/prof/server/), makes an
 * admin and a session (bench/session.ts; BENCH_SESSION=db skips the browser), sends 10 warm-up
 * and N timed sequential requests, stops the server (its profile is written on exit) and prints
 * bench/cpuprofile-summary.ts's view of it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { serverEnv, startServer, stopServer } from './kpis';
import { benchSession } from './session';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { n: { type: 'string' } } });
const [dbFile, page = '/teams/bench-1?range=12w'] = positionals;
if (!dbFile) throw new Error('usage: profile-server.ts <db> [path] [--n N]');
const N = Number(values.n ?? 100);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dir = path.join(ROOT, 'bench', 'out', 'prof', 'server');

async function main(): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const env = serverEnv(path.resolve(dbFile));
  const started = await startServer(env, path.join(dir, 'server.log'), ['--cpu-prof', '--cpu-prof-dir', dir]);
  let ms: number[] = [];
  try {
    const session = await benchSession(started.base, env);
    const get = async () => {
      const t0 = performance.now();
      const res = await fetch(started.base + page, { headers: { cookie: session.cookie }, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET ${page} → ${res.status}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 10; i++) await get();
    for (let i = 0; i < N; i++) ms.push(await get());
  } finally {
    await stopServer();
  }
  ms = ms.sort((a, b) => a - b);
  console.log(`GET ${page} ×${N} under the profiler: p50 ${ms[Math.ceil(N / 2) - 1].toFixed(1)} ms, p95 ${ms[Math.ceil(0.95 * N) - 1].toFixed(1)} ms`);
  const profiles = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  if (profiles.length === 0) throw new Error(`no profile written in ${dir}`);
  for (const p of profiles) console.log(`profile: ${path.relative(ROOT, p)} (${(fs.statSync(p).size / 2 ** 20).toFixed(1)} MB)`);
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'cpuprofile-summary.ts'), ...profiles, '--top', '40'], { cwd: ROOT, stdio: 'inherit' });
}

main().then(
  () => process.exit(0),
  async (err) => {
    console.error(err);
    await stopServer();
    process.exit(1);
  },
);
