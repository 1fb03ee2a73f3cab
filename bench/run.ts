/**
 * Loopscope benchmark (`npm run bench`; see bench/README.md).
 *
 *   1. generates two 1M-event NDJSON files under bench/out/ (streamed, flat memory);
 *   2. ingestion path: a child process imports file A through `ingest()` (as the CLI does);
 *   3. the limit: a child process inserts the same rows with a bare prepared statement (and
 *      another the rows parsed beforehand); 2 and 3 run three times in turn;
 *   4. the median ratios, and the highest RSS, against the targets;
 *   5. latency of GET /api/health and GET / (signed in as an admin: the overview page) on the
 *      production server while file B is POSTed to /api/v1/events and processed;
 *   6. KPI read latency at N and 5 × N events in the database (bench/kpis.ts);
 *   7. team dashboard latency, signed in, on step 6's N-event database (bench/dashboard.ts);
 *   8. the OTLP receiver: memory of a ~42 MB export, ingest rate against the events API (bench/otlp.ts);
 *   9. Claude Code import of a generated ~200 MB projects tree against ccusage (bench/claude-code.ts);
 *  10. PostgreSQL: ingest of file A against a bare COPY of the same rows, KPI read latency at N and
 *      5 × N events (bench/postgres.ts; skipped, and said so, without PostgreSQL's binaries).
 *
 * Writes bench/out/results.json and bench/out/results.md. Exits 0 even when a target is missed
 * (non-zero only when the benchmark itself could not run).
 *
 * Flags: --events N (default 1000000), --no-server (skip step 5), --profile (CPU profile of the
 * import child into bench/out/prof/), --reuse (keep generated files whose event count matches),
 * --build (run `next build` first; otherwise only when the build folder has none), --only
 * ingest|kpis|dashboard|otlp|claude-code|postgres (steps 1–5 only, step 6 only, step 7, 8 or 9
 * alone, 7 on its own N-event database, or steps 1 and 10), --keep (keep the databases of steps
 * 2, 3 and 5 in bench/out/, step 6's in bench/out/kpis/, step 9's tree in bench/out/claude-code/,
 * step 10's PostgreSQL server), --cc-mb (step 9's tree size in MiB, default 200). The build folder is
 * LOOPSCOPE_DIST_DIR (default .next), as next.config.ts reads it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { freePort } from '../lib/testing/net';
import { CLI_NODE_ARGS, ROOT, runChild } from './child';
import { middle, percentile, postFile, removeDatabase } from './common';
import { generateBenchEvents } from '@/lib/demo/bench-events';
import { toNdjsonLines } from '@/lib/demo/wire';
import { appendDashboardResults, dashboardBench, measureDashboard, runDashboardBench, type DashboardResult } from './dashboard';
import { appendKpisResults, DIST_DIR, runKpisBench } from './kpis';
import { appendClaudeCodeResults, runClaudeCodeBench } from './claude-code';
import { appendOtlpResults, runOtlpBench } from './otlp';
import { runPostgresBench } from './postgres';
import { benchSession, pageProblem } from './session';

const OUT = path.join(ROOT, 'bench', 'out');

const TARGETS = { ratio: 0.6, peakRssMb: 300, p95Ms: 100 };
/** The ingestion ratio's target: 0.6 up to 1M events, 0.55 from 5M (the cost per event may not grow much with the file). */
const ratioTarget = (events: number) => (events >= 5_000_000 ? 0.55 : TARGETS.ratio);
/** Steps 2 and 3 run this many times in turn: the median is the figure (one run can move by a quarter). */
const INGEST_ROUNDS = 3;
const POLL_INTERVAL_MS = 20;
const MB = 2 ** 20;

interface IngestRound {
  import: Record<string, any>;
  limit: Record<string, any>;
  inserts: Record<string, any>;
  ratio: number;
  insertsRatio: number;
}

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: {
    events: { type: 'string' },
    'no-server': { type: 'boolean' },
    profile: { type: 'boolean' },
    reuse: { type: 'boolean' },
    build: { type: 'boolean' },
    only: { type: 'string' },
    keep: { type: 'boolean' },
    'cc-mb': { type: 'string' },
  },
});
const STEPS = ['ingest', 'kpis', 'dashboard', 'otlp', 'claude-code', 'postgres'];
if (flags.only !== undefined && !STEPS.includes(flags.only)) throw new Error(`--only must be one of ${STEPS.join(', ')}`);
const CC_MB = Number(flags['cc-mb'] ?? 200);
const CORES = os.cpus().length;
const COUNT = Number(flags.events ?? process.env.BENCH_EVENTS ?? 1_000_000);
if (!Number.isSafeInteger(COUNT) || COUNT <= 0) throw new Error(`--events must be a positive integer`);

// ---------------------------------------------------------------------------------------------
// Small helpers

const log = (s = '') => console.log(s);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmt1 = (n: number) => n.toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LatencyStats {
  count: number;
  errors: number;
  p50: number;
  p95: number;
  max: number;
}

function stats(samples: number[], errors = 0): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  return { count: s.length, errors, p50: percentile(s, 50), p95: percentile(s, 95), max: s.length ? s[s.length - 1] : NaN };
}


// ---------------------------------------------------------------------------------------------
// 1. Generation

async function generateFile(file: string, team: string, seed: number, asOf: number): Promise<{ bytes: number; seconds: number; llmShare: number }> {
  const meta = `${file}.meta.json`;
  const wanted = { count: COUNT, team, seed, asOf };
  if (flags.reuse && fs.existsSync(file) && fs.existsSync(meta)) {
    const m = JSON.parse(fs.readFileSync(meta, 'utf8'));
    if (m.count === COUNT && m.team === team && m.seed === seed && fs.statSync(file).size === m.bytes) {
      return { bytes: m.bytes, seconds: 0, llmShare: m.llmShare };
    }
  }
  fs.rmSync(meta, { force: true });
  const t0 = performance.now();
  const out = fs.createWriteStream(file);
  let buf = '';
  let llm = 0;
  let bytes = 0;
  const events = generateBenchEvents({ count: COUNT, team, seed, asOf });
  const counted = (function* () {
    for (const e of events) {
      if (e.type === 'llm.call') llm++;
      yield e;
    }
  })();
  for (const line of toNdjsonLines(counted)) {
    buf += line;
    if (buf.length >= 1 << 20) {
      bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, 'finish');
  const llmShare = llm / COUNT;
  fs.writeFileSync(meta, JSON.stringify({ ...wanted, bytes, llmShare }));
  return { bytes, seconds: (performance.now() - t0) / 1000, llmShare };
}

// ---------------------------------------------------------------------------------------------
// 5. Server

let server: ChildProcess | null = null;

function killServer(signal: NodeJS.Signals = 'SIGTERM'): void {
  if (server?.pid && server.exitCode === null && server.signalCode === null) {
    try {
      process.kill(-server.pid, signal); // its process group: next start and anything it spawned
    } catch {
      // already gone
    }
  }
}
process.on('exit', () => killServer('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killServer('SIGKILL');
    process.exit(130);
  });
}

async function stopServer(): Promise<void> {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  killServer('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
  if (timedOut) killServer('SIGKILL');
}


function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.next', 'data', '.git', 'bench', 'test-results', 'playwright-report', 'e2e', 'docs'].includes(entry.name)) continue;
    if (entry.name.startsWith('.') || entry.name.endsWith('.test.ts')) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function ensureBuild(): void {
  const buildId = path.join(ROOT, DIST_DIR, 'BUILD_ID');
  if (flags.build || !fs.existsSync(buildId)) {
    log(`  building (next build into ${DIST_DIR})…`);
    const r = spawnSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (r.status !== 0) throw new Error('next build failed');
  } else if (fs.statSync(buildId).mtimeMs < newestSource(ROOT)) {
    log(`  note: sources changed since the last \`next build\` (${DIST_DIR}); measuring the existing build (pass --build to rebuild)`);
  }
}

function cli(env: NodeJS.ProcessEnv, args: string[]): string {
  const r = spawnSync('npm', ['run', '-s', 'cli', '--', ...args], { cwd: ROOT, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return lines[lines.length - 1].trim();
}

/**
 * A GET (redirects not followed; `cookie` sent when given). `check` says what is wrong with the
 * answer, if anything (then it counts as an error, not a sample).
 */
async function timedGet(
  url: string,
  cookie?: string,
  check?: (status: number, body: string) => string | null,
): Promise<{ ms: number; status: number; problem: string | null }> {
  const t0 = performance.now();
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const body = check ? await res.text() : await res.arrayBuffer();
  const ms = performance.now() - t0;
  const problem = check ? check(res.status, body as string) : res.status >= 200 && res.status < 400 ? null : `answered ${res.status}`;
  return { ms, status: res.status, problem };
}

/** Sequential GETs every POLL_INTERVAL_MS until `stop()` is true. */
async function pollLoop(
  url: string,
  stop: () => boolean,
  phase: () => string,
  cookie?: string,
  check?: (status: number, body: string) => string | null,
) {
  const samples: number[] = [];
  const byPhase: Record<string, number[]> = {};
  const statuses: Record<number, number> = {};
  const problems: string[] = [];
  let errors = 0;
  while (!stop()) {
    const p = phase();
    try {
      const { ms, status, problem } = await timedGet(url, cookie, check);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (!problem) {
        samples.push(ms);
        (byPhase[p] ??= []).push(ms);
      } else {
        errors++;
        if (problems.length < 5) problems.push(problem);
      }
    } catch (err) {
      errors++;
      if (problems.length < 5) problems.push(String(err));
    }
    if (!stop()) await sleep(POLL_INTERVAL_MS);
  }
  return { samples, byPhase, statuses, errors, problems };
}

async function latencyUnderUpload(file: string) {
  ensureBuild();
  const dir = path.join(OUT, 'server');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_PATH: path.join(dir, 'loopscope.db'),
    LOOPSCOPE_DEMO: 'off',
    LOOPSCOPE_OTLP_GRPC_PORT: '0',
    LOOPSCOPE_MAX_UPLOAD_BYTES: String(1 << 30),
  };
  const serverLog = fs.openSync(path.join(OUT, 'server.log'), 'w');
  server = spawn(process.execPath, [require.resolve('next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env,
    detached: true, // own process group, so it is stopped whole
    stdio: ['ignore', serverLog, serverLog],
  });
  fs.closeSync(serverLog);
  const started = performance.now();
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`server exited early; see bench/out/server.log`);
    try {
      if ((await timedGet(`${base}/api/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 120_000) throw new Error('server not healthy after 120 s; see bench/out/server.log');
    await sleep(250);
  }
  log(`  server up on ${base} in ${fmt1((performance.now() - started) / 1000)} s`);

  const team = cli(env, ['team', 'create', 'bench-upload']);
  const token = cli(env, ['token', 'create', '--team', team, '--scope', 'ingest,read']);
  // The overview is behind sign-in: an admin (CLI) signs in; GET / must be the overview page.
  const session = await benchSession(base, env);
  log(`  signed in as ${session.email} (${session.method}); GET / is checked to answer 200 with the overview`);
  const homeCheck = (status: number, body: string) => pageProblem('overview', status, body, session.email);

  // Idle baseline (also warms up both routes).
  const idle: Record<string, number[]> = { health: [], home: [] };
  for (let i = 0; i < 30; i++) {
    idle.health.push((await timedGet(`${base}/api/health`)).ms);
    const home = await timedGet(`${base}/`, session.cookie, homeCheck);
    if (home.problem) throw new Error(`GET / (idle, signed in) ${home.problem}`);
    idle.home.push(home.ms);
  }

  let done = false;
  let phase = 'sending';
  let sentAt = NaN;
  const t0 = performance.now();
  const loops = Promise.all([
    pollLoop(`${base}/api/health`, () => done, () => phase),
    pollLoop(`${base}/`, () => done, () => phase, session.cookie, homeCheck),
  ]);
  let upload: { status: number; body: string };
  try {
    upload = await postFile(`${base}/api/v1/events`, file, token, () => {
      sentAt = performance.now();
      phase = 'processing';
    });
  } finally {
    done = true;
  }
  const uploadSeconds = (performance.now() - t0) / 1000;
  const [health, home] = await loops;
  let accepted: number | null = null;
  try {
    accepted = JSON.parse(upload.body).accepted ?? null;
  } catch {
    // not JSON
  }
  if (upload.status !== 200) log(`  upload answered ${upload.status}: ${upload.body.slice(0, 500)}`);
  const stored = await stopServerAndCount(env.DATABASE_PATH!);
  const phaseStats = (r: typeof health) => Object.fromEntries(Object.entries(r.byPhase).map(([k, v]) => [k, stats(v)]));
  return {
    uploadStatus: upload.status,
    accepted,
    stored,
    uploadSeconds,
    sendSeconds: (sentAt - t0) / 1000,
    eventsPerSecond: (accepted ?? 0) / uploadSeconds,
    health: stats(health.samples, health.errors),
    home: stats(home.samples, home.errors),
    healthStatuses: health.statuses,
    homeStatuses: home.statuses,
    homeProblems: home.problems,
    session: { method: session.method, browserError: session.browserError },
    healthByPhase: phaseStats(health),
    homeByPhase: phaseStats(home),
    idleHealth: stats(idle.health),
    idleHome: stats(idle.home),
  };
}

async function stopServerAndCount(dbFile: string): Promise<number | null> {
  await stopServer();
  const r = spawnSync(
    process.execPath,
    ['-e', `const D=require('better-sqlite3');const d=new D(process.argv[1],{readonly:true});console.log(d.prepare('select count(*) n from events').get().n)`, dbFile],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

// ---------------------------------------------------------------------------------------------

/**
 * 6. KPI read latency (bench/kpis.ts), and 7. the team dashboard on its first database
 * (bench/dashboard.ts; not with --only kpis), added to results.json / results.md.
 */
async function kpisStep(): Promise<void> {
  const dashboards: DashboardResult[] = [];
  const r = await runKpisBench({
    events: COUNT,
    keep: flags.keep,
    build: flags.build && flags.only === 'kpis',
    label: '\n6. ',
    atStage:
      flags.only === 'kpis'
        ? undefined
        : async (s, stage) => {
            log(`\n7. Team dashboard and overview latency on this ${s.events.toLocaleString('en-US')}-event database`);
            dashboards.push(await measureDashboard(s, { upload: stage === 0 }));
          },
  });
  appendKpisResults(r);
  if (dashboards.length > 0) appendDashboardResults(dashboardBench(dashboards));
  log(`\nAdded the KPI read${dashboards.length > 0 ? ' and team dashboard' : ''} figures to bench/out/results.json and bench/out/results.md`);
}

/** 7 alone (`--only dashboard`): its own N-event database (as step 6's first). */
async function dashboardStep(): Promise<void> {
  const r = await runDashboardBench({ events: COUNT, keep: flags.keep, build: flags.build, label: '7. ' });
  appendDashboardResults(r);
  log(`\nAdded the team dashboard figures to bench/out/results.json and bench/out/results.md`);
}

/** 8. The OTLP receiver (bench/otlp.ts): memory of a large export, ingest rate against the events API. */
async function otlpStep(): Promise<void> {
  const r = await runOtlpBench({ records: Math.min(COUNT, 200_000), build: flags.build });
  appendOtlpResults(r);
  log(`\nAdded the OTLP receiver figures to bench/out/results.json and bench/out/results.md`);
}

/** 9. Claude Code import against ccusage (bench/claude-code.ts). */
async function claudeCodeStep(): Promise<void> {
  log(`\n9. Claude Code import of a generated ${CC_MB} MB projects tree against ccusage`);
  const r = await runClaudeCodeBench({ mb: CC_MB, keep: flags.keep, log });
  appendClaudeCodeResults(r, CORES);
  log(`  ratios ccusage/import: first ${r.ratios.first.toFixed(2)}, unchanged ${r.ratios.second.toFixed(1)}, grown ${r.ratios.grown.toFixed(1)}; totals equal: ${r.totalsEqual}`);
  log(`\nAdded the Claude Code figures to bench/out/results.json and bench/out/results.md`);
}

/** 10. PostgreSQL (bench/postgres.ts), on file A of step 1. */
async function postgresStep(fileA: string): Promise<void> {
  const r = await runPostgresBench({ file: fileA, team: 'bench-ingest', events: COUNT, keep: flags.keep, label: '\n10. ' });
  if (r) log(`\nAdded the PostgreSQL figures to bench/out/results.json and bench/out/results.md`);
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  if (flags.only === 'claude-code') return claudeCodeStep();
  if (flags.only === 'kpis') return kpisStep();
  if (flags.only === 'dashboard') return dashboardStep();
  if (flags.only === 'otlp') return otlpStep();
  const asOf = Math.floor(Date.now() / 86_400_000) * 86_400_000; // today, UTC midnight
  const fileA = path.join(OUT, 'events-a.ndjson');
  const fileB = path.join(OUT, 'events-b.ndjson');
  log(`Loopscope benchmark: ${fmtInt(COUNT)} events per file, node ${process.version}, ${CORES} CPUs`);

  log(`\n1. Generating`);
  const genA = await generateFile(fileA, 'bench-ingest', 1, asOf);
  log(`  ${path.relative(ROOT, fileA)}: ${fmt1(genA.bytes / MB)} MB, ${(100 * genA.llmShare).toFixed(1)} % llm.call${genA.seconds ? ` (${fmt1(genA.seconds)} s)` : ' (reused)'}`);
  if (flags.only === 'postgres') return postgresStep(fileA);
  const genB = flags['no-server'] ? null : await generateFile(fileB, 'bench-upload', 2, asOf);
  if (genB) log(`  ${path.relative(ROOT, fileB)}: ${fmt1(genB.bytes / MB)} MB, ${(100 * genB.llmShare).toFixed(1)} % llm.call${genB.seconds ? ` (${fmt1(genB.seconds)} s)` : ' (reused)'}`);

  log(`\n2.–3. The ingestion path and its limits, ${INGEST_ROUNDS} rounds in turn (a child process each, fresh databases)`);
  log(`  import: ingest() reading fs.createReadStream, as the CLI does`);
  log(`  parse-and-insert: each line JSON.parse'd and inserted by a prepared INSERT, one transaction (the limit)`);
  log(`  inserts alone: the same rows parsed beforehand, untimed (a stricter bound)`);
  const rounds: IngestRound[] = [];
  for (let round = 1; round <= INGEST_ROUNDS; round++) {
    const profArgs = flags.profile && round === 1 ? ['--cpu-prof', '--cpu-prof-dir', path.join(OUT, 'prof')] : [];
    const imp = await runChild('import-child.ts', [fileA, path.join(OUT, 'import.db'), 'bench-ingest'], [...CLI_NODE_ARGS, ...profArgs]);
    if (!imp.ok || imp.accepted !== COUNT) log(`  WARNING: import ok=${imp.ok} accepted=${imp.accepted} rejected=${imp.rejected} ${JSON.stringify(imp.firstProblems)}`);
    const lim = await runChild('limit-child.ts', ['stream', fileA, path.join(OUT, 'limit.db'), 'bench-ingest']);
    // Every row is held in memory first: more than Node's default heap at 5M events.
    const inserts = await runChild('limit-child.ts', ['inserts', fileA, path.join(OUT, 'limit.db'), 'bench-ingest'], ['--max-old-space-size=8192']);
    const r: IngestRound = {
      import: imp,
      limit: lim,
      inserts,
      ratio: imp.eventsPerSecond / lim.eventsPerSecond,
      insertsRatio: imp.eventsPerSecond / inserts.eventsPerSecond,
    };
    rounds.push(r);
    log(
      `  round ${round}: import ${fmtInt(imp.accepted)} in ${fmt1(imp.seconds)} s → ${fmtInt(imp.eventsPerSecond)} events/s, peak RSS ${fmt1(imp.peakRssMb)} MB; ` +
        `parse-and-insert ${fmtInt(lim.eventsPerSecond)}/s; inserts alone ${fmtInt(inserts.eventsPerSecond)}/s → ratios ${r.ratio.toFixed(2)}, ${r.insertsRatio.toFixed(2)}`,
    );
  }
  if (flags.profile) log(`  CPU profile of round 1's import in ${path.relative(ROOT, path.join(OUT, 'prof'))}/`);
  if (!flags.keep) for (const f of ['import.db', 'limit.db']) removeDatabase(path.join(OUT, f)); // ~0.4 GB each at 1M events
  const median = (pick: (r: IngestRound) => number) => pick(middle(rounds, pick));
  const ingestion = {
    importRate: median((r) => r.import.eventsPerSecond),
    limitRate: median((r) => r.limit.eventsPerSecond),
    insertsRate: median((r) => r.inserts.eventsPerSecond),
    ratio: median((r) => r.ratio),
    insertsRatio: median((r) => r.insertsRatio),
    // The bound holds for every import, not for a typical one.
    peakRssMb: Math.max(...rounds.map((r) => r.import.peakRssMb as number)),
  };
  log(
    `\n4. Medians of ${INGEST_ROUNDS} rounds: ratio ingestion/limit ${ingestion.ratio.toFixed(2)} (target ≥ ${ratioTarget(COUNT)}); against the inserts alone ` +
      `${ingestion.insertsRatio.toFixed(2)}; import peak RSS, highest of the rounds, ${fmt1(ingestion.peakRssMb)} MB (target < ${TARGETS.peakRssMb})`,
  );

  let lat: Awaited<ReturnType<typeof latencyUnderUpload>> | null = null;
  if (!flags['no-server']) {
    log(`\n5. Latency under upload: POST ${path.basename(fileB)} to /api/v1/events while polling GET /api/health and GET / every ${POLL_INTERVAL_MS} ms`);
    try {
      lat = await latencyUnderUpload(fileB);
    } finally {
      await stopServer();
      if (!flags.keep) fs.rmSync(path.join(OUT, 'server'), { recursive: true, force: true });
    }
    const line = (name: string, s: LatencyStats) =>
      `  ${name.padEnd(12)} n=${s.count}${s.errors ? ` errors=${s.errors}` : ''}  p50 ${fmt1(s.p50)} ms  p95 ${fmt1(s.p95)} ms  max ${fmt1(s.max)} ms`;
    log(`  upload: HTTP ${lat.uploadStatus}, accepted ${lat.accepted === null ? '?' : fmtInt(lat.accepted)}, ${fmt1(lat.uploadSeconds)} s total (body sent in ${fmt1(lat.sendSeconds)} s) → ${fmtInt(lat.eventsPerSecond)} events/s; ${lat.stored === null ? '?' : fmtInt(lat.stored)} rows stored`);
    log(line('GET /api/health', lat.health));
    log(line('GET / (signed in)', lat.home));
    if (lat.home.errors) log(`  GET / problems: ${lat.homeProblems.join('; ')}`);
    log(line('idle health', lat.idleHealth));
    log(line('idle home', lat.idleHome));
  }

  // Summary
  const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const rows: [string, string, string, string][] = [
    ['Events per file', fmtInt(COUNT), '', ''],
    ['NDJSON file size', `${fmt1(genA.bytes / MB)} MB`, '', ''],
    ['Ingestion path (ingest()), median', `${fmtInt(ingestion.importRate)} events/s`, '', ''],
    ['Limit (bare parse-and-insert), median', `${fmtInt(ingestion.limitRate)} events/s`, '', ''],
    ['Ratio ingestion/limit, median', ingestion.ratio.toFixed(2), `≥ ${ratioTarget(COUNT)}`, pass(ingestion.ratio >= ratioTarget(COUNT))],
    ['The inserts alone (rows parsed beforehand), median', `${fmtInt(ingestion.insertsRate)} rows/s`, '', ''],
    ['Ratio ingestion/inserts alone (stricter), median', ingestion.insertsRatio.toFixed(2), `≥ ${ratioTarget(COUNT)}`, pass(ingestion.insertsRatio >= ratioTarget(COUNT))],
    ['Each round: ratio to the limit, to the inserts alone', rounds.map((r) => `${r.ratio.toFixed(2)}, ${r.insertsRatio.toFixed(2)}`).join('; '), '', ''],
    ['Import peak RSS, highest', `${fmt1(ingestion.peakRssMb)} MB`, `< ${TARGETS.peakRssMb} MB`, pass(ingestion.peakRssMb < TARGETS.peakRssMb)],
  ];
  if (lat) {
    const allIn = lat.uploadStatus === 200 && lat.accepted === COUNT;
    rows.push(
      ['Upload via API: time', `${fmt1(lat.uploadSeconds)} s`, '', ''],
      ['Upload via API: accepted', lat.accepted === null ? '?' : fmtInt(lat.accepted), `= ${fmtInt(COUNT)}`, pass(allIn)],
      ['GET /api/health during upload p50 / p95 / max', `${fmt1(lat.health.p50)} / ${fmt1(lat.health.p95)} / ${fmt1(lat.health.max)} ms (n=${lat.health.count}${lat.health.errors ? `, errors=${lat.health.errors}` : ''})`, 'p95 < 100 ms', pass(lat.health.p95 < TARGETS.p95Ms && lat.health.errors === 0)],
      ['GET / (signed in, overview) during upload p50 / p95 / max', `${fmt1(lat.home.p50)} / ${fmt1(lat.home.p95)} / ${fmt1(lat.home.max)} ms (n=${lat.home.count}${lat.home.errors ? `, errors=${lat.home.errors}` : ''})`, 'p95 < 100 ms', pass(lat.home.p95 < TARGETS.p95Ms && lat.home.errors === 0)],
    );
  }
  const md = [
    `| Metric | Value | Target | Result |`,
    `|---|---|---|---|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  log(`\nSummary\n`);
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['Metric', 'Value', 'Target', 'Result'][i].length));
  const fmtRow = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join('  ');
  log(fmtRow(['Metric', 'Value', 'Target', 'Result']));
  log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows) log(fmtRow(r));

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    events: COUNT,
    targets: TARGETS,
    generate: { a: genA, b: genB },
    ingestion,
    rounds,
    latency: lat,
    pass: Object.fromEntries(rows.filter((r) => r[3]).map((r) => [r[0], r[3] === 'PASS'])),
  };
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(
    path.join(OUT, 'results.md'),
    `# Loopscope benchmark — ${results.date}\n\n${fmtInt(COUNT)} events per file, node ${process.version}, ${CORES} CPU cores.\n\n${md}\n`,
  );
  log(`\nWrote bench/out/results.json and bench/out/results.md`);
  if (flags.only !== 'ingest') {
    await kpisStep();
    log('');
    await otlpStep();
    await claudeCodeStep();
    await postgresStep(fileA);
  }
}

main().then(
  async () => {
    await stopServer();
    process.exit(0);
  },
  async (err) => {
    console.error(err);
    await stopServer();
    process.exit(1);
  },
);
