/**
 * KPI read benchmark (`npm run bench`, after the ingestion part; alone: `npm run bench -- --only
 * kpis`; see bench/README.md).
 *
 *   1. a database of N events (default 1,000,000) over 13 weeks across 5 teams
 *      (`generateBenchEvents`, streamed into the real `ingest()` in a child process — this file
 *      run with `import` — one transaction per million events);
 *   2. the production server on it (`next start`, LOOPSCOPE_DEMO=off), a `read` token for one
 *      team made with the CLI, then 20 sequential timed requests each of GET /api/v1/kpis,
 *      /api/v1/kpis/weekly, /api/v1/flags, /api/v1/compare?by=agent and /api/v1/whatif (a
 *      self-hosted node) for that team over the 12 weeks before asOf (after 2 untimed warm-up
 *      requests each): median and p95;
 *   3. the database grown to 5 × N (4 × N more events: same teams, same 13 weeks, fresh ids), and
 *      the same again;
 *   4. the growth of each median against the growth of the team's events in the window.
 *
 * Targets: median of /kpis, /kpis/weekly, /compare and /whatif ≤ 200 ms at 1M events; the
 * 5M/1M median ratio of /kpis and /kpis/weekly ≤ the 5M/1M ratio of the events in the window.
 * The databases (about 0.4 and 2 GB) are deleted at the end unless --keep.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { freePort } from '../lib/testing/net';
import { ROOT, runChild } from './child';
import { generateBenchEvents } from '@/lib/demo/bench-events';
import { toNdjsonLines, type WireEvent } from '@/lib/demo/wire';
import { isPostgresUrl } from '@/lib/config';
import { HOUR_MS, isoWeekStart, WEEK_MS } from '@/lib/kpi/time';

const OUT = path.join(ROOT, 'bench', 'out');
export const KPIS_DIR = path.join(OUT, 'kpis');
const DIR = KPIS_DIR;
/** The Next build folder (next.config.ts reads LOOPSCOPE_DIST_DIR; `next start` gets the same env). */
export const DIST_DIR = process.env.LOOPSCOPE_DIST_DIR || '.next';

export const KPI_TARGETS = { medianMs: 200, growth: 'median ratio ≤ events-in-window ratio' } as const;
export const TEAMS = 5;
export const TEAM = 'bench-1';
const GROWTH = 5;
const REQUESTS = 20;
const WARMUP = 2;
const WINDOW_WEEKS = 12;
/** Events per ingest() call (one transaction each). */
const BATCH = 1_000_000;
const ENDPOINTS = [
  '/api/v1/kpis',
  '/api/v1/kpis/weekly',
  '/api/v1/flags',
  '/api/v1/compare?by=agent',
  '/api/v1/whatif?scenario=selfhosted&gpuHourUsd=2.99&gpus=8&prefillTokensPerSecond=45000&decodeTokensPerSecond=4500&utilization=0.6',
] as const;
type Endpoint = (typeof ENDPOINTS)[number];
/** Held to the median target at 1M events. */
const MEDIAN_TARGETED: readonly Endpoint[] = ['/api/v1/kpis', '/api/v1/kpis/weekly', ENDPOINTS[3], ENDPOINTS[4]];
/** Held to the growth target (5M against 1M). */
const GROWTH_TARGETED: readonly Endpoint[] = ['/api/v1/kpis', '/api/v1/kpis/weekly'];
/** An endpoint (which may carry its own parameters) with the window's query. */
const endpointUrl = (base: string, ep: Endpoint, q: URLSearchParams) => `${base}${ep}${ep.includes('?') ? '&' : '?'}${q}`;
/** The endpoint's name in the logs: its path and, for the economics ones, their main parameter. */
const endpointName = (ep: Endpoint) => ep.replace(/&.*$/, '');

const log = (s = '') => console.log(s);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmt1 = (n: number) => n.toFixed(1);
const fmt2 = (n: number) => n.toFixed(2);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 2 ** 20;

// ---------------------------------------------------------------------------------------------
// Child: stream generated events into a database through ingest()

/** Generated events with every id made unique to `tag` (empty: as generated). */
function* relabelled(events: Iterable<WireEvent>, tag: string): Generator<WireEvent> {
  if (!tag) return yield* events;
  const p = (v: unknown) => (typeof v === 'string' ? `${tag}-${v}` : v);
  for (const e of events) {
    const r = { ...e } as Record<string, unknown>;
    r.id = p(r.id);
    for (const k of ['run', 'change', 'defect', 'branch', 'by']) if (k in r) r[k] = p(r[k]);
    if (Array.isArray(r.changes)) r.changes = r.changes.map(p);
    yield r as WireEvent;
  }
}

/** NDJSON text of `events` in ~1 MB strings. */
async function* ndjsonChunks(events: Iterable<WireEvent>): AsyncGenerator<string> {
  let buf = '';
  for (const line of toNdjsonLines(events)) {
    buf += line;
    if (buf.length >= 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/** The first `n` items of an iterator, leaving the rest in it. */
function* take<T>(it: Iterator<T>, n: number): Generator<T> {
  for (let i = 0; i < n; i++) {
    const r = it.next();
    if (r.done) return;
    yield r.value;
  }
}

async function importChild(args: string[]): Promise<void> {
  const [target, countRaw, seedRaw, asOfRaw, tag = ''] = args;
  const count = Number(countRaw);
  const { openDatabase } = await import('@/db/client');
  const { openPostgres } = await import('@/db/postgres');
  const { ensureTeams } = await import('@/lib/data/teams');
  const { ingest } = await import('@/lib/ingest/ingest');
  const { peakRssMb, report } = await import('./common');
  const db = isPostgresUrl(target) ? await openPostgres(target) : openDatabase(target);
  await ensureTeams(Array.from({ length: TEAMS }, (_, i) => ({ slug: `bench-${i + 1}`, name: `Bench ${i + 1}` })), db);
  const events = relabelled(generateBenchEvents({ count, teams: TEAMS, seed: Number(seedRaw), asOf: Number(asOfRaw) }), tag)[Symbol.iterator]();
  const t0 = performance.now();
  let accepted = 0;
  let rejected = 0;
  for (let done = 0; done < count; done += BATCH) {
    const r = await ingest(db, ndjsonChunks(take(events, Math.min(BATCH, count - done))), {
      format: 'ndjson', partial: false, source: 'cli', filename: `kpis-bench-${tag || 'base'}`,
    });
    if (!r.ok) throw new Error(`ingest refused a batch: ${JSON.stringify(r.problems.slice(0, 3))}`);
    accepted += r.accepted;
    rejected += r.rejectedCount;
    process.stderr.write(`    … ${fmtInt(done + r.accepted + r.duplicates)} / ${fmtInt(count)} events (${fmt1((performance.now() - t0) / 1000)} s)\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (db.dialect === 'sqlite') db.client.pragma('wal_checkpoint(TRUNCATE)');
  const stored = Number((await db.get<{ n: number }>('SELECT count(*) AS n FROM events'))!.n);
  await db.close();
  report({ accepted, rejected, stored, seconds, eventsPerSecond: accepted / seconds, peakRssMb: peakRssMb() });
}

export async function buildStage(target: string, count: number, seed: number, asOf: number, tag: string) {
  return (await runChild('kpis.ts', ['import', target, String(count), String(seed), String(asOf), tag])) as {
    accepted: number;
    stored: number;
    seconds: number;
    eventsPerSecond: number;
    peakRssMb: number;
  };
}

// ---------------------------------------------------------------------------------------------
// Server

let server: ChildProcess | null = null;
/** bench/out/kpis/ while it holds databases to delete, also on Ctrl-C (run.ts exits on signals). */
let removeOnExit: string | null = null;
process.on('exit', () => {
  killServer('SIGKILL');
  if (removeOnExit) fs.rmSync(removeOnExit, { recursive: true, force: true });
});

function killServer(signal: NodeJS.Signals): void {
  if (server?.pid && server.exitCode === null && server.signalCode === null) {
    try {
      process.kill(-server.pid, signal);
    } catch {
      // already gone
    }
  }
}

export async function stopServer(): Promise<void> {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  killServer('SIGTERM');
  if (await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)])) killServer('SIGKILL');
  server = null;
}


/** The process (group) id of the running server, or undefined. */
export function serverPid(): number | undefined {
  return server && server.exitCode === null && server.signalCode === null ? server.pid : undefined;
}

export async function startServer(env: NodeJS.ProcessEnv, logFile: string, nodeArgs: string[] = []): Promise<{ base: string; seconds: number }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = fs.openSync(logFile, 'a');
  server = spawn(process.execPath, [...nodeArgs, require.resolve('next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const t0 = performance.now();
  for (;;) {
    if (!server || server.exitCode !== null || server.signalCode !== null) throw new Error(`server exited early; see ${path.relative(ROOT, logFile)}`);
    try {
      if ((await fetch(`${base}/api/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 120_000) throw new Error(`server not healthy after 120 s; see ${path.relative(ROOT, logFile)}`);
    await sleep(250);
  }
  return { base, seconds: (performance.now() - t0) / 1000 };
}

export function cli(env: NodeJS.ProcessEnv, args: string[]): string {
  const r = spawnSync('npm', ['run', '-s', 'cli', '--', ...args], { cwd: ROOT, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return lines[lines.length - 1].trim();
}

export function ensureBuild(build: boolean): void {
  if (build || !fs.existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'))) {
    log(`  building (next build into ${DIST_DIR})…`);
    const r = spawnSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (r.status !== 0) throw new Error('next build failed');
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

export interface Timing {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  /** The first (cold) request after the server started, untimed in the figures. */
  firstMs: number;
  bytes: number;
  /**
   * CPU time (user + system) of the server's processes per timed request: less sensitive than
   * wall-clock time to other load on a shared machine. Null where /proc is not readable.
   */
  serverCpuMs: number | null;
}

/** Median (mean of the middle two for an even count) and nearest-rank p95. */
function timing(samples: number[], firstMs: number, bytes: number, serverCpuMs: number | null): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length / 2;
  const median = s.length % 2 ? s[Math.floor(mid)] : (s[mid - 1] + s[mid]) / 2;
  return { n: s.length, median, p95: s[Math.max(0, Math.ceil(0.95 * s.length) - 1)], min: s[0], max: s[s.length - 1], firstMs, bytes, serverCpuMs };
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** CPU ms (user + system) used so far by the processes of process group `pgid`, or null. */
export function groupCpuMs(pgid: number | undefined): number | null {
  if (!pgid) return null;
  try {
    let ticks = 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // gone
      }
      // Fields after the parenthesised command: state ppid pgrp … utime(14) stime(15).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
    }
    return (ticks * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

async function timedGet(url: string, token: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}: ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
  return { ms, bytes: body.byteLength };
}

interface WindowCounts {
  teamEvents: number;
  eventsInWindow: number;
  mergedChanges: number;
  runsEnded: number;
  llmCallsInWindow: number;
}

/** What the window holds for the team, straight from SQLite (read-only, server stopped or not). */
export function windowCounts(dbFile: string, team: string, w: { from: number; to: number; asOf: number }): WindowCounts {
  const script = `
    const D = require('better-sqlite3');
    const [file, slug, from, end] = process.argv.slice(1);
    const d = new D(file, { readonly: true });
    const t = d.prepare('SELECT id FROM teams WHERE slug = ?').get(slug).id;
    const one = (sql) => d.prepare(sql).get({ t, from: Number(from), end: Number(end) }).n;
    console.log(JSON.stringify({
      teamEvents: one('SELECT count(*) AS n FROM events WHERE team_id = @t'),
      eventsInWindow: one('SELECT count(*) AS n FROM events WHERE team_id = @t AND ts >= @from AND ts < @end'),
      llmCallsInWindow: one("SELECT count(*) AS n FROM events WHERE team_id = @t AND type = 'llm.call' AND ts >= @from AND ts < @end"),
      mergedChanges: one('SELECT count(*) AS n FROM changes WHERE team_id = @t AND merged_at >= @from AND merged_at < @end'),
      runsEnded: one('SELECT count(*) AS n FROM runs WHERE team_id = @t AND ended_at >= @from AND ended_at < @end'),
    }));`;
  const end = Math.min(w.to, w.asOf + 1);
  const r = spawnSync(process.execPath, ['-e', script, dbFile, team, String(w.from), String(end)], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`counting failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim());
}

/** windowCounts on PostgreSQL. */
async function postgresWindowCounts(url: string, team: string, w: { from: number; to: number; asOf: number }): Promise<WindowCounts> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [{ id: t }] = await sql`SELECT id FROM teams WHERE slug = ${team}`;
    const [from, end] = [w.from, Math.min(w.to, w.asOf + 1)];
    const [r] = await sql`SELECT
      (SELECT count(*) FROM events WHERE team_id = ${t}) AS "teamEvents",
      (SELECT count(*) FROM events WHERE team_id = ${t} AND ts >= ${from} AND ts < ${end}) AS "eventsInWindow",
      (SELECT count(*) FROM events WHERE team_id = ${t} AND type = 'llm.call' AND ts >= ${from} AND ts < ${end}) AS "llmCallsInWindow",
      (SELECT count(*) FROM changes WHERE team_id = ${t} AND merged_at >= ${from} AND merged_at < ${end}) AS "mergedChanges",
      (SELECT count(*) FROM runs WHERE team_id = ${t} AND ended_at >= ${from} AND ended_at < ${end}) AS "runsEnded",
      pg_database_size(current_database()) AS "bytes"`;
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])) as unknown as WindowCounts;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The window's counts and the database's size in MB, on either backend. */
async function stageFacts(target: string, w: { from: number; to: number; asOf: number }): Promise<{ counts: WindowCounts; dbMb: number }> {
  if (!isPostgresUrl(target)) return { counts: windowCounts(target, TEAM, w), dbMb: dbSize(target) / MB };
  const { bytes, ...counts } = (await postgresWindowCounts(target, TEAM, w)) as WindowCounts & { bytes: number };
  return { counts, dbMb: bytes / MB };
}

interface StageResult {
  events: number;
  build: { seconds: number; eventsPerSecond: number; peakRssMb: number };
  dbMb: number;
  serverStartSeconds: number;
  /** 1-minute load average of the machine before and after the timed requests (other load skews every figure). */
  loadAvg: [number, number];
  counts: WindowCounts;
  timings: Record<Endpoint, Timing>;
}

/** A running server on a stage's database, for extra measurements (bench/dashboard.ts). */
export interface StageServer {
  base: string;
  env: NodeJS.ProcessEnv;
  dbFile: string;
  events: number;
}

/** The database's window: the 12 weeks before asOf = Monday 12:00 UTC of this week. */
export function kpisWindow(now = Date.now()): { from: number; to: number; asOf: number } {
  const asOf = isoWeekStart(now) + 12 * HOUR_MS;
  return { from: asOf - WINDOW_WEEKS * WEEK_MS, to: asOf, asOf };
}

export function serverEnv(target: string): NodeJS.ProcessEnv {
  const database = isPostgresUrl(target) ? { DATABASE_URL: target } : { DATABASE_PATH: target };
  return { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...database, LOOPSCOPE_DEMO: 'off', LOOPSCOPE_OTLP_GRPC_PORT: '0' };
}

async function measureStage(
  dbFile: string,
  w: { from: number; to: number; asOf: number },
  logFile: string,
  after?: (s: StageServer) => Promise<void>,
  events = 0,
): Promise<Omit<StageResult, 'events' | 'build'>> {
  const env = serverEnv(dbFile);
  const token = cli(env, ['token', 'create', '--team', TEAM, '--scope', 'read']);
  const started = await startServer(env, logFile);
  try {
    const q = new URLSearchParams({ team: TEAM, from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), asOf: new Date(w.asOf).toISOString() });
    const timings = {} as Record<Endpoint, Timing>;
    const first = {} as Record<Endpoint, number>;
    const loadBefore = os.loadavg()[0];
    // Cold: the first request of each endpoint (opens the database, prepares statements, JIT).
    for (const ep of ENDPOINTS) first[ep] = (await timedGet(endpointUrl(started.base, ep, q), token)).ms;
    for (const ep of ENDPOINTS) {
      const url = endpointUrl(started.base, ep, q);
      for (let i = 1; i < WARMUP; i++) await timedGet(url, token);
      const samples: number[] = [];
      let bytes = 0;
      const cpu0 = groupCpuMs(server?.pid);
      for (let i = 0; i < REQUESTS; i++) {
        const r = await timedGet(url, token);
        samples.push(r.ms);
        bytes = r.bytes;
      }
      const cpu1 = groupCpuMs(server?.pid);
      timings[ep] = timing(samples, first[ep], bytes, cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / REQUESTS);
    }
    const loadAvg = [loadBefore, os.loadavg()[0]] as [number, number];
    const m = { ...(await stageFacts(dbFile, w)), serverStartSeconds: started.seconds, loadAvg, timings };
    logStage(m);
    if (after) await after({ base: started.base, env, dbFile, events });
    return m;
  } finally {
    await stopServer();
  }
}

export function logStage(m: Omit<StageResult, 'events' | 'build'>): void {
  const c = m.counts;
  log(`    server up in ${fmt1(m.serverStartSeconds)} s; ${TEAM}: ${fmtInt(c.teamEvents)} events, ${fmtInt(c.eventsInWindow)} in the window (${fmtInt(c.llmCallsInWindow)} llm.call, ${fmtInt(c.mergedChanges)} merged changes, ${fmtInt(c.runsEnded)} runs ended)`);
  for (const ep of ENDPOINTS) {
    const t = m.timings[ep];
    const cpu = t.serverCpuMs === null ? '' : `  server CPU ${fmt1(t.serverCpuMs)} ms/request`;
    log(`    GET ${endpointName(ep).padEnd(36)} median ${fmt1(t.median).padStart(7)} ms  p95 ${fmt1(t.p95).padStart(7)} ms  min ${fmt1(t.min)}  max ${fmt1(t.max)}  first ${fmt1(t.firstMs)} ms${cpu}`);
  }
  log(`    load average ${fmt2(m.loadAvg[0])} → ${fmt2(m.loadAvg[1])} on ${os.cpus().length} CPUs`);
}

export function dbSize(file: string): number {
  return ['', '-wal', '-shm'].reduce((s, x) => s + (fs.existsSync(file + x) ? fs.statSync(file + x).size : 0), 0);
}

// ---------------------------------------------------------------------------------------------

export interface KpisBenchOptions {
  /** Events of the first database (default 1,000,000); the second holds 5 ×. */
  events: number;
  /** Keep bench/out/kpis/ (the databases) afterwards. */
  keep?: boolean;
  /** Run `next build` first (otherwise only when .next has no build). */
  build?: boolean;
  /** Put before the first line printed (run.ts: the step number). */
  label?: string;
  /**
   * Run with the server still up on each database (0: N events, 1: 5 × N), after the KPI
   * requests (run.ts: the team dashboard benchmark, bench/dashboard.ts).
   */
  atStage?: (s: StageServer, stage: number) => Promise<void>;
  /**
   * A PostgreSQL server (URL of a database on it, e.g. scripts/with-postgres.mjs's): the stages'
   * database is made there (`bench_kpis`, dropped first and at the end) instead of a SQLite file.
   */
  postgresUrl?: string;
}

export interface KpisBenchResult {
  date: string;
  backend: 'SQLite' | 'PostgreSQL';
  team: string;
  teams: number;
  window: { from: string; to: string; asOf: string; weeks: number };
  requests: number;
  targets: typeof KPI_TARGETS;
  stages: StageResult[];
  growth: { events: number; eventsInWindow: number; medians: Record<Endpoint, number>; serverCpu: Record<Endpoint, number | null> };
  pass: Record<string, boolean>;
}

export async function runKpisBench(options: KpisBenchOptions): Promise<KpisBenchResult> {
  const base = options.events;
  const sizes = [base, GROWTH * base];
  // Monday noon UTC of this week: 12 weeks plus partial edge days (raw usage rows) in the window.
  const w = kpisWindow();
  const asOf = w.asOf;
  log(`${options.label ?? ''}KPI read latency: ${fmtInt(sizes[0])} then ${fmtInt(sizes[1])} events over 13 weeks, ${TEAMS} teams; team ${TEAM}, window ${new Date(w.from).toISOString()} → ${new Date(w.to).toISOString()} (${WINDOW_WEEKS} weeks), asOf = to`);
  ensureBuild(!!options.build);
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  const postgres = options.postgresUrl ? await postgresBenchDatabase(options.postgresUrl, 'bench_kpis') : null;
  const dbFile = postgres?.url ?? path.join(DIR, 'kpis.db');
  const logFile = path.join(DIR, 'server.log');
  const stages: StageResult[] = [];
  removeOnExit = options.keep ? null : DIR;
  try {
    let have = 0;
    for (const [i, size] of sizes.entries()) {
      log(`\n  ${i + 1}. ${i === 0 ? 'Building' : 'Growing'} the database to ${fmtInt(size)} events (ingest() in a child process)`);
      const b = await buildStage(dbFile, size - have, 11 + i, asOf, i === 0 ? '' : `g${i}`);
      if (b.stored !== size) throw new Error(`expected ${size} events stored, found ${b.stored}`);
      have = size;
      log(`    ${fmtInt(b.accepted)} events in ${fmt1(b.seconds)} s (${fmtInt(b.eventsPerSecond)} events/s, peak RSS ${fmt1(b.peakRssMb)} MB)`);
      const atStage = options.atStage;
      const m = await measureStage(dbFile, w, logFile, atStage && ((s) => atStage(s, i)), size);
      const stage: StageResult = { events: size, build: { seconds: b.seconds, eventsPerSecond: b.eventsPerSecond, peakRssMb: b.peakRssMb }, ...m };
      stages.push(stage);
    }
  } finally {
    await stopServer();
    if (!options.keep) {
      fs.rmSync(DIR, { recursive: true, force: true });
      await postgres?.drop();
    }
    removeOnExit = null;
  }

  const [a, b] = stages;
  const growth = {
    events: b.events / a.events,
    eventsInWindow: b.counts.eventsInWindow / a.counts.eventsInWindow,
    medians: Object.fromEntries(ENDPOINTS.map((ep) => [ep, b.timings[ep].median / a.timings[ep].median])) as Record<Endpoint, number>,
    serverCpu: Object.fromEntries(
      ENDPOINTS.map((ep) => {
        const [x, y] = [a.timings[ep].serverCpuMs, b.timings[ep].serverCpuMs];
        return [ep, x && y !== null ? y / x : null];
      }),
    ) as Record<Endpoint, number | null>,
  };
  const pass: Record<string, boolean> = {};
  for (const ep of MEDIAN_TARGETED) pass[`${endpointName(ep)} median at ${fmtInt(a.events)}`] = a.timings[ep].median <= KPI_TARGETS.medianMs;
  for (const ep of GROWTH_TARGETED) pass[`${ep} growth`] = growth.medians[ep] <= growth.eventsInWindow;
  log(`\n  Growth ${fmtInt(a.events)} → ${fmtInt(b.events)}: events in the window × ${fmt2(growth.eventsInWindow)}; medians ${ENDPOINTS.map((ep) => `${endpointName(ep)} × ${fmt2(growth.medians[ep])}`).join(', ')}`);
  log(`  server CPU per request ${ENDPOINTS.map((ep) => `${endpointName(ep)} × ${growth.serverCpu[ep] === null ? '?' : fmt2(growth.serverCpu[ep]!)}`).join(', ')}`);
  if (options.keep) log(`  kept ${postgres ? dbFile : path.relative(ROOT, dbFile)}`);
  return {
    date: new Date().toISOString(),
    backend: postgres ? 'PostgreSQL' : 'SQLite',
    team: TEAM,
    teams: TEAMS,
    window: { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), asOf: new Date(w.asOf).toISOString(), weeks: WINDOW_WEEKS },
    requests: REQUESTS,
    targets: KPI_TARGETS,
    stages,
    growth,
    pass,
  };
}

/** The result as rows of bench/out/results.md's table (metric, value, target, result). */
export function kpisSummaryRows(r: KpisBenchResult): [string, string, string, string][] {
  const [a, b] = r.stages;
  const rows: [string, string, string, string][] = [];
  const pf = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  for (const s of r.stages) {
    rows.push([`KPI bench: ${r.team} events in window at ${fmtInt(s.events)}`, `${fmtInt(s.counts.eventsInWindow)} of ${fmtInt(s.counts.teamEvents)} (DB ${fmt1(s.dbMb)} MB, load average ${fmt2(s.loadAvg[0])} → ${fmt2(s.loadAvg[1])})`, '', '']);
    for (const ep of ENDPOINTS) {
      const t = s.timings[ep];
      const targeted = s === a && MEDIAN_TARGETED.includes(ep);
      rows.push([
        `GET ${endpointName(ep)} at ${fmtInt(s.events)}: median / p95 (server CPU per request)`,
        `${fmt1(t.median)} / ${fmt1(t.p95)} ms (${t.serverCpuMs === null ? '?' : fmt1(t.serverCpuMs)} ms)`,
        targeted ? `median ≤ ${KPI_TARGETS.medianMs} ms` : '',
        targeted ? pf(t.median <= KPI_TARGETS.medianMs) : '',
      ]);
    }
  }
  rows.push([`Events in window ${fmtInt(b.events)}/${fmtInt(a.events)}`, `× ${fmt2(r.growth.eventsInWindow)}`, '', '']);
  for (const ep of ENDPOINTS) {
    const targeted = GROWTH_TARGETED.includes(ep);
    const g = r.growth.medians[ep];
    const c = r.growth.serverCpu[ep];
    rows.push([
      `GET ${endpointName(ep)} median ${fmtInt(b.events)}/${fmtInt(a.events)} (server CPU)`,
      `× ${fmt2(g)} (× ${c === null ? '?' : fmt2(c)})`,
      targeted ? `≤ × ${fmt2(r.growth.eventsInWindow)}` : '',
      targeted ? pf(g <= r.growth.eventsInWindow) : '',
    ]);
  }
  return rows;
}

/**
 * Adds the result to bench/out/results.json (key `kpis`, the rest kept) and results.md (its own
 * section, replacing an earlier one).
 */
export function appendKpisResults(r: KpisBenchResult): void {
  const onPostgres = r.backend === 'PostgreSQL';
  addResultsJson(onPostgres ? 'kpisPostgres' : 'kpis', r);

  const table = [
    `| Metric | Value | Target | Result |`,
    `|---|---|---|---|`,
    ...kpisSummaryRows(r).map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
  const heading = onPostgres ? '## KPI read latency on PostgreSQL' : '## KPI read latency on SQLite';
  replaceMdSection(
    heading,
    `${heading} — ${r.date}\n\nTeam \`${r.team}\` of ${r.teams}, window ${r.window.from} → ${r.window.to} (${r.window.weeks} weeks, asOf = to), ${r.requests} sequential requests per endpoint after warm-up.\n\n${table}\n`,
  );
}

/**
 * A fresh database `name` on the PostgreSQL server of `serverUrl` (dropped first if it exists),
 * migrated by the first openPostgres; `drop` removes it.
 */
export async function postgresBenchDatabase(serverUrl: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const { default: postgres } = await import('postgres');
  const admin = () => postgres(serverUrl, { max: 1, onnotice: () => {} });
  const recreate = async (create: boolean) => {
    const sql = admin();
    try {
      await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      if (create) await sql.unsafe(`CREATE DATABASE ${name}`);
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
  await recreate(true);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => recreate(false) };
}

/** Sets `key` of bench/out/results.json to `value`, keeping what the other steps wrote. */
export function addResultsJson(key: string, value: unknown): void {
  const jsonFile = path.join(OUT, 'results.json');
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  } catch {
    // none yet, or unreadable: start afresh
  }
  json[key] = value;
  fs.writeFileSync(jsonFile, JSON.stringify(json, null, 2) + '\n');
}

/**
 * Puts `section` (starting with `heading`) into bench/out/results.md in place of an earlier
 * section with that heading (up to the next `## ` heading), or at the end.
 */
export function replaceMdSection(heading: string, section: string): void {
  const mdFile = path.join(OUT, 'results.md');
  let md = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, 'utf8') : `# Loopscope benchmark\n`;
  const start = md.indexOf(`\n${heading}`);
  if (start >= 0) {
    const next = md.indexOf('\n## ', start + 1);
    md = md.slice(0, start) + (next >= 0 ? md.slice(next) : '');
  }
  fs.writeFileSync(mdFile, `${md.trimEnd()}\n\n${section.trimEnd()}\n`);
}

// Child mode: `node … bench/kpis.ts import <db> <count> <seed> <asOf> [tag]`.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href && process.argv[2] === 'import') {
  importChild(process.argv.slice(3)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
