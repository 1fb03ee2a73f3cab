/**
 * Team dashboard and overview benchmark: the server response time of the team dashboard page and
 * of the overview, signed in, with N (default 1,000,000) and 5 × N events in the database. Part of
 * `npm run bench` (measured on step 6's two databases while their server is up); alone: `npm run
 * bench -- --only dashboard` (builds the same N-event database, seed and asOf as step 6's first
 * stage, then grows it to 5 × N as step 6 does).
 *
 *   - an admin made with the CLI signs in (bench/session.ts); every request carries its cookie
 *     and every answer must be 200 with the signed-in page asked for (not the sign-in page);
 *   - one cold request per page, then WARMUP untimed ones;
 *   - REQUESTS sequential `GET /teams/bench-1?range=12w` (target: p95 ≤ 100 ms at N), then the
 *     same count with CONCURRENCY requests in flight (information);
 *   - EXTRA_REQUESTS sequential `GET /runs/<run>?team=bench-1` (the team's run with the most
 *     LLM calls among those active in the last 4 weeks: the page's default range; information)
 *     and `GET /` (the overview; target: p95 ≤ 150 ms at N);
 *   - at N only, under upload: N more events (another team's, generated into a file first) are
 *     POSTed to /api/v1/events while the team dashboard and the overview are asked in turn,
 *     sequentially, until the upload answers; the file's last line is invalid, so the upload,
 *     stored in its transaction to the end, is then refused whole and the database stays as it
 *     was for the 5 × N stage (target: each page's p95 ≤ 2 × its idle p95);
 *   - at 5 × N, the same idle series (target: p95 ≤ 1.5 × its figure at N).
 *
 * Reports p50, p95, max (and server CPU per request) into bench/out/results.{json,md}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateBenchEvents } from '@/lib/demo/bench-events';
import { toNdjsonLines } from '@/lib/demo/wire';
import {
  addResultsJson, buildStage, cli, dbSize, ensureBuild, groupCpuMs, KPIS_DIR, kpisWindow, replaceMdSection, serverEnv, serverPid, startServer, stopServer,
  TEAM, TEAMS, type StageServer,
} from './kpis';
import { percentile, postFile } from './common';
import { benchSession, pageProblem, type PageKind } from './session';

const OUT = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'out');

export const DASHBOARD_TARGET = { dashboardP95Ms: 100, overviewP95Ms: 150, growth: 1.5, underUpload: 2 } as const;
/** The team the upload under measurement goes to. */
const UPLOAD_TEAM = 'bench-upload';
const REQUESTS = 200;
const CONCURRENCY = 4;
const EXTRA_REQUESTS = 100;
/** Turns of both pages asked with no upload, as they are asked during it. */
const IDLE_TURNS = 250;
const WARMUP = 5;
const RANGE = '12w';
const DAY_MS = 86_400_000;

const log = (s = '') => console.log(s);
const fmt1 = (n: number) => n.toFixed(1);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

export interface PageTiming {
  path: string;
  n: number;
  concurrency: number;
  errors: number;
  p50: number;
  p95: number;
  max: number;
  min: number;
  mean: number;
  /** Requests per second over the series (wall clock). */
  throughput: number;
  /** The first (cold) request after the server started; not in the figures. */
  firstMs: number | null;
  bytes: number;
  /** CPU (user + system) of the server's processes per request, or null. */
  serverCpuMs: number | null;
  loadAvg: [number, number];
}

export interface DashboardResult {
  date: string;
  events: number;
  team: string;
  teams: number;
  range: string;
  run: string;
  session: { method: string; browserError: string | null };
  counts: { teamEvents: number; teamEventsInRange: number; teamRuns: number; runsInRange: number; runEvents: number };
  dashboard: PageTiming;
  dashboardConcurrent: PageTiming;
  runPage: PageTiming;
  overview: PageTiming;
  /** The two pages asked in turn while an upload of `events` events was stored (stage N only). */
  underUpload: UnderUpload | null;
}

export interface UnderUpload {
  events: number;
  status: number;
  seconds: number;
  dashboard: PageTiming;
  overview: PageTiming;
  /**
   * The same two pages asked in the same turn with no upload: the idle figures the upload's are
   * held against. Asked in turn, each page pays for the garbage the other left, which a series of
   * one page alone does not show (here the overview's idle p95 was 28–46 ms in turn, 23 ms alone).
   */
  idle: { dashboard: PageTiming; overview: PageTiming };
}

/** Both stages and the targets over them. */
export interface DashboardBench {
  stages: DashboardResult[];
  target: typeof DASHBOARD_TARGET;
  pass: Record<string, boolean>;
}

/** A GET with the session cookie; throws unless it is the signed-in page of `kind`. */
async function get(url: string, cookie: string, kind: PageKind, email: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const body = await res.text();
  const ms = performance.now() - t0;
  const problem = pageProblem(kind, res.status, body, email);
  if (problem) throw new Error(`GET ${url} ${problem}: ${body.slice(0, 200)}`);
  return { ms, bytes: Buffer.byteLength(body) };
}

/** `n` requests, `concurrency` in flight at a time. */
async function series(
  base: string,
  p: string,
  kind: PageKind,
  session: { cookie: string; email: string },
  n: number,
  concurrency: number,
  firstMs: number | null,
): Promise<PageTiming> {
  const samples: number[] = [];
  let errors = 0;
  let bytes = 0;
  let next = 0;
  let firstError: Error | null = null;
  const load0 = os.loadavg()[0];
  const cpu0 = groupCpuMs(serverPid());
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        try {
          const r = await get(base + p, session.cookie, kind, session.email);
          samples.push(r.ms);
          bytes = r.bytes;
        } catch (err) {
          errors++;
          firstError ??= err as Error;
        }
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = groupCpuMs(serverPid());
  if (errors > 0) log(`    ${errors} of ${n} requests of ${p} failed; first: ${firstError!.message.slice(0, 300)}`);
  if (samples.length === 0) throw firstError ?? new Error(`no answers from ${p}`);
  return pageTiming(p, samples, {
    concurrency,
    errors,
    throughput: n / wall,
    firstMs,
    bytes,
    serverCpuMs: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / n,
    loadAvg: [load0, os.loadavg()[0]],
  });
}

/** The distribution of `samples` (ms) with what the caller knows of the series. */
function pageTiming(p: string, samples: number[], rest: Omit<PageTiming, 'path' | 'n' | 'p50' | 'p95' | 'max' | 'min' | 'mean'>): PageTiming {
  const s = [...samples].sort((a, b) => a - b);
  return {
    path: p,
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    max: s[s.length - 1],
    min: s[0],
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    ...rest,
  };
}

/** The run to open and the team's counts, straight from SQLite (read-only). */
function pickRun(dbFile: string, team: string, rangeFrom: number, runFrom: number) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3');
  const d = new Database(dbFile, { readonly: true });
  try {
    const t = d.prepare('SELECT id FROM teams WHERE slug = ?').get(team).id as number;
    const one = (sql: string, args: Record<string, unknown> = {}) => d.prepare(sql).get({ t, ...args }).n as number;
    const run = d
      .prepare('SELECT run, llm_calls FROM runs WHERE team_id = @t AND last_event_at >= @from ORDER BY llm_calls DESC, run LIMIT 1')
      .get({ t, from: runFrom }) as { run: string } | undefined;
    if (!run) throw new Error(`team ${team} has no run active since ${new Date(runFrom).toISOString()}`);
    return {
      run: run.run,
      counts: {
        teamEvents: one('SELECT count(*) AS n FROM events WHERE team_id = @t'),
        teamEventsInRange: one('SELECT count(*) AS n FROM events WHERE team_id = @t AND ts >= @from', { from: rangeFrom }),
        teamRuns: one('SELECT count(*) AS n FROM runs WHERE team_id = @t'),
        runsInRange: one('SELECT count(*) AS n FROM runs WHERE team_id = @t AND last_event_at >= @from', { from: rangeFrom }),
        runEvents: one('SELECT count(*) AS n FROM events WHERE team_id = @t AND run = @run', { run: run.run }),
      },
    };
  } finally {
    d.close();
  }
}

/** The measurement, on a running server (step 6's first stage, or `--only dashboard`). */
export async function measureDashboard(s: StageServer, options: { upload: boolean }): Promise<DashboardResult> {
  log(`    Team dashboard (signed in): ${REQUESTS} × GET /teams/${TEAM}?range=${RANGE} sequential, then ${REQUESTS} with ${CONCURRENCY} in flight; ${EXTRA_REQUESTS} × the run page and the overview`);
  const session = await benchSession(s.base, s.env);
  log(`    signed in as ${session.email} (${session.method})`);
  const now = Date.now();
  // The 12-week range: the 84 days before now (parseDashboardRange); the run page's default: 4 weeks.
  const picked = pickRun(s.dbFile, TEAM, now - 84 * DAY_MS, now - 28 * DAY_MS);
  const pages: Record<'dashboard' | 'run' | 'overview', { path: string; kind: PageKind }> = {
    dashboard: { path: `/teams/${TEAM}?range=${RANGE}`, kind: 'dashboard' },
    run: { path: `/runs/${encodeURIComponent(picked.run)}?team=${TEAM}`, kind: 'run' },
    overview: { path: '/', kind: 'overview' },
  };
  const first: Record<string, number> = {};
  for (const [k, p] of Object.entries(pages)) first[k] = (await get(s.base + p.path, session.cookie, p.kind, session.email)).ms;
  for (const p of Object.values(pages)) for (let i = 0; i < WARMUP; i++) await get(s.base + p.path, session.cookie, p.kind, session.email);

  // Made before anything is timed: generating is work of the benchmark's, not the server's.
  const upload = options.upload ? prepareUpload(s) : null;
  const dashboard = await series(s.base, pages.dashboard.path, 'dashboard', session, REQUESTS, 1, first.dashboard);
  const dashboardConcurrent = await series(s.base, pages.dashboard.path, 'dashboard', session, REQUESTS, CONCURRENCY, null);
  const runPage = await series(s.base, pages.run.path, 'run', session, EXTRA_REQUESTS, 1, first.run);
  const overview = await series(s.base, pages.overview.path, 'overview', session, EXTRA_REQUESTS, 1, first.overview);
  const c = picked.counts;
  log(`    ${TEAM}: ${fmtInt(c.teamEvents)} events (${fmtInt(c.teamEventsInRange)} in the 12-week range), ${fmtInt(c.runsInRange)} runs in the range; run ${picked.run}: ${fmtInt(c.runEvents)} events`);
  for (const t of [dashboard, dashboardConcurrent, runPage, overview]) log(`    ${timingLine(t)}`);
  let underUpload: UnderUpload | null = null;
  if (upload) {
    log(`    Under upload: ${fmtInt(upload.events)} events POSTed to /api/v1/events (team ${UPLOAD_TEAM}, last line invalid) while both pages are asked in turn`);
    underUpload = await pagesUnderUpload(s.base, upload, session, pages.dashboard.path, pages.overview.path);
    log(`    upload answered ${underUpload.status} after ${fmt1(underUpload.seconds)} s`);
    for (const t of [underUpload.idle.dashboard, underUpload.idle.overview]) log(`    in turn, idle: ${timingLine(t)}`);
    for (const t of [underUpload.dashboard, underUpload.overview]) log(`    in turn, under upload: ${timingLine(t)}`);
  }
  return {
    date: new Date().toISOString(),
    events: s.events,
    team: TEAM,
    teams: TEAMS,
    range: RANGE,
    run: picked.run,
    session: { method: session.method, browserError: session.browserError },
    counts: c,
    dashboard,
    dashboardConcurrent,
    runPage,
    overview,
    underUpload,
  };
}

/** The upload's file (bench/out/kpis/upload.ndjson: N events of UPLOAD_TEAM, then one invalid line) and an ingest token. */
function prepareUpload(s: StageServer): { file: string; token: string; events: number } {
  cli(s.env, ['team', 'create', UPLOAD_TEAM]);
  const token = cli(s.env, ['token', 'create', '--team', UPLOAD_TEAM, '--scope', 'ingest']);
  const file = path.join(KPIS_DIR, 'upload.ndjson');
  const fd = fs.openSync(file, 'w');
  try {
    let buffered = '';
    for (const line of toNdjsonLines(generateBenchEvents({ count: s.events, team: UPLOAD_TEAM, seed: 7, asOf: kpisWindow().asOf }))) {
      buffered += line;
      if (buffered.length > 1 << 20) {
        fs.writeSync(fd, buffered);
        buffered = '';
      }
    }
    fs.writeSync(fd, `${buffered}{"id":"bench-upload-invalid","type":"llm.call"}\n`);
  } finally {
    fs.closeSync(fd);
  }
  return { file, token, events: s.events };
}

/** The two pages asked in turn, one request at a time, while `more()` says so; `each` sees each overview sample. */
async function inTurn(
  base: string,
  session: { cookie: string; email: string },
  paths: { dashboard: string; overview: string },
  more: () => boolean,
  each: (ms: number, startedAt: number) => void = () => {},
): Promise<{ dashboard: number[]; overview: number[] }> {
  const samples = { dashboard: [] as number[], overview: [] as number[] };
  while (more()) {
    samples.dashboard.push((await get(base + paths.dashboard, session.cookie, 'dashboard', session.email)).ms);
    const at = performance.now();
    const ms = (await get(base + paths.overview, session.cookie, 'overview', session.email)).ms;
    samples.overview.push(ms);
    each(ms, at);
  }
  return samples;
}

/** The two pages asked in turn: IDLE_TURNS times with no upload, then until the upload answers. */
async function pagesUnderUpload(
  base: string,
  upload: { file: string; token: string; events: number },
  session: { cookie: string; email: string },
  dashboardPath: string,
  overviewPath: string,
): Promise<UnderUpload> {
  const paths = { dashboard: dashboardPath, overview: overviewPath };
  const timingOf = (p: string, xs: number[], seconds: number, load0: number): PageTiming =>
    // The server's CPU over the phase includes the upload's: not per page request.
    pageTiming(p, xs, { concurrency: 1, errors: 0, throughput: xs.length / seconds, firstMs: null, bytes: 0, serverCpuMs: null, loadAvg: [load0, os.loadavg()[0]] });

  let turns = 0;
  const i0 = performance.now();
  const idleLoad = os.loadavg()[0];
  const idleSamples = await inTurn(base, session, paths, () => turns++ < IDLE_TURNS);
  const idleSeconds = (performance.now() - i0) / 1000;
  const idle = {
    dashboard: timingOf(dashboardPath, idleSamples.dashboard, idleSeconds, idleLoad),
    overview: timingOf(overviewPath, idleSamples.overview, idleSeconds, idleLoad),
  };

  let done = false;
  const t0 = performance.now();
  let sentAt = Infinity;
  const answered = postFile(`${base}/api/v1/events`, upload.file, upload.token, () => (sentAt = performance.now())).finally(() => (done = true));
  /** Samples that started while the body was being sent: their count and p95, for information. */
  const sending: number[] = [];
  const cpu0 = groupCpuMs(serverPid());
  const load0 = os.loadavg()[0];
  const samples = await inTurn(base, session, paths, () => !done, (ms, at) => {
    if (at < sentAt) sending.push(ms);
  });
  const { status } = await answered;
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = groupCpuMs(serverPid());
  fs.rmSync(upload.file, { force: true });
  if (cpu0 !== null && cpu1 !== null) log(`    server CPU over the phase: ${fmt1((cpu1 - cpu0) / 1000)} s in ${fmt1(seconds)} s`);
  log(`    body sent in ${fmt1((sentAt - t0) / 1000)} s; overview while it was sent: n=${sending.length}${sending.length ? `, p95 ${fmt1(timingOf(overviewPath, sending, seconds, load0).p95)} ms` : ''}`);
  return {
    events: upload.events,
    status,
    seconds,
    dashboard: timingOf(dashboardPath, samples.dashboard, seconds, load0),
    overview: timingOf(overviewPath, samples.overview, seconds, load0),
    idle,
  };
}

/** The targets over both stages. */
export function dashboardBench(stages: DashboardResult[]): DashboardBench {
  const t = DASHBOARD_TARGET;
  const [a, b] = stages;
  const pass: Record<string, boolean> = {
    [`team dashboard p95 at ${fmtInt(a.events)}`]: a.dashboard.errors === 0 && a.dashboard.p95 <= t.dashboardP95Ms,
    [`overview p95 at ${fmtInt(a.events)}`]: a.overview.errors === 0 && a.overview.p95 <= t.overviewP95Ms,
  };
  if (a.underUpload) {
    const u = a.underUpload;
    pass['team dashboard under upload'] = u.status === 400 && u.dashboard.p95 <= t.underUpload * u.idle.dashboard.p95;
    pass['overview under upload'] = u.status === 400 && u.overview.p95 <= t.underUpload * u.idle.overview.p95;
  }
  if (b) {
    pass[`team dashboard p95 at ${fmtInt(b.events)}`] = b.dashboard.errors === 0 && b.dashboard.p95 <= t.growth * a.dashboard.p95;
    pass[`overview p95 at ${fmtInt(b.events)}`] = b.overview.errors === 0 && b.overview.p95 <= t.growth * a.overview.p95;
  }
  for (const [k, v] of Object.entries(pass)) log(`    ${k}: ${v ? 'PASS' : 'FAIL'}`);
  return { stages, target: t, pass };
}

function timingLine(t: PageTiming): string {
  const cpu = t.serverCpuMs === null ? '' : `  server CPU ${fmt1(t.serverCpuMs)} ms/req`;
  const first = t.firstMs === null ? '' : `  first ${fmt1(t.firstMs)}`;
  return `GET ${t.path} ×${t.n}${t.concurrency > 1 ? ` (${t.concurrency} in flight)` : ''}${t.errors ? ` errors=${t.errors}` : ''}: p50 ${fmt1(t.p50)}  p95 ${fmt1(t.p95)}  max ${fmt1(t.max)} ms${first}  ${fmt1(t.throughput)} req/s${cpu}`;
}

/** `--only dashboard`: the N-event database of step 6's first stage, then 5 × N as its second; the measurement on each. */
export async function runDashboardBench(options: { events: number; keep?: boolean; build?: boolean; label?: string }): Promise<DashboardBench> {
  const w = kpisWindow();
  log(`${options.label ?? ''}Team dashboard and overview latency: ${fmtInt(options.events)} then ${fmtInt(5 * options.events)} events over 13 weeks, ${TEAMS} teams (the databases of step 6)`);
  ensureBuild(!!options.build);
  fs.rmSync(KPIS_DIR, { recursive: true, force: true });
  fs.mkdirSync(KPIS_DIR, { recursive: true });
  const dbFile = path.join(KPIS_DIR, 'kpis.db');
  const stages: DashboardResult[] = [];
  try {
    for (const [i, size] of [options.events, 5 * options.events].entries()) {
      // As step 6: the same seeds, the second stage's ids tagged so that none is a duplicate.
      const b = await buildStage(dbFile, i === 0 ? size : size - options.events, 11 + i, w.asOf, i === 0 ? '' : `g${i}`);
      if (b.stored !== size) throw new Error(`expected ${size} events stored, found ${b.stored}`);
      log(`\n    ${fmtInt(size)} events (${fmtInt(b.accepted)} added in ${fmt1(b.seconds)} s); database ${fmt1(dbSize(dbFile) / 2 ** 20)} MB`);
      const env = serverEnv(dbFile);
      const started = await startServer(env, path.join(KPIS_DIR, 'server.log'));
      log(`    server up in ${fmt1(started.seconds)} s`);
      try {
        stages.push(await measureDashboard({ base: started.base, env, dbFile, events: size }, { upload: i === 0 }));
      } finally {
        await stopServer();
      }
    }
    return dashboardBench(stages);
  } finally {
    if (options.keep) log(`  kept ${path.relative(process.cwd(), dbFile)}`);
    else fs.rmSync(KPIS_DIR, { recursive: true, force: true });
  }
}

/** Adds the result to bench/out/results.json (key `dashboard`) and results.md (its own section). */
export function appendDashboardResults(r: DashboardBench): void {
  fs.mkdirSync(OUT, { recursive: true });
  addResultsJson('dashboard', r);
  const row = (label: string, t: PageTiming, target = '', result?: boolean) =>
    `| ${label} | ${fmt1(t.p50)} / ${fmt1(t.p95)} / ${fmt1(t.max)} ms (n=${t.n}${t.errors ? `, errors=${t.errors}` : ''}; ${fmt1(t.throughput)} req/s${t.serverCpuMs === null ? '' : `; server CPU ${fmt1(t.serverCpuMs)} ms/req`}${t.firstMs === null ? '' : `; first ${fmt1(t.firstMs)} ms`}) | ${target} | ${result === undefined ? '' : result ? 'PASS' : 'FAIL'} |`;
  const t = r.target;
  const [a] = r.stages;
  const lines = [`## Team dashboard latency — ${a.date}`, ''];
  for (const [i, s] of r.stages.entries()) {
    const c = s.counts;
    const n = fmtInt(s.events);
    lines.push(
      `${n} events in the database (${s.teams} teams); team \`${s.team}\`: ${fmtInt(c.teamEvents)} events, ${fmtInt(c.teamEventsInRange)} in the ${s.range} range, ${fmtInt(c.runsInRange)} runs in it. Signed in as an admin (${s.session.method}); every answer checked to be the signed-in page. Run page: \`${s.run}\` (${fmtInt(c.runEvents)} events).`,
      '',
      '| Page | p50 / p95 / max | Target | Result |',
      '|---|---|---|---|',
      i === 0
        ? row(`GET /teams/${s.team}?range=${s.range}, sequential`, s.dashboard, `p95 ≤ ${t.dashboardP95Ms} ms`, r.pass[`team dashboard p95 at ${n}`])
        : row(`GET /teams/${s.team}?range=${s.range}, sequential`, s.dashboard, `p95 ≤ ${t.growth} × at ${fmtInt(a.events)}`, r.pass[`team dashboard p95 at ${n}`]),
      row(`GET /teams/${s.team}?range=${s.range}, ${s.dashboardConcurrent.concurrency} in flight`, s.dashboardConcurrent),
      row(`GET /runs/…?team=${s.team}, sequential`, s.runPage),
      i === 0
        ? row('GET / (overview), sequential', s.overview, `p95 ≤ ${t.overviewP95Ms} ms`, r.pass[`overview p95 at ${n}`])
        : row('GET / (overview), sequential', s.overview, `p95 ≤ ${t.growth} × at ${fmtInt(a.events)}`, r.pass[`overview p95 at ${n}`]),
    );
    const u = s.underUpload;
    if (u) {
      const note = `during a ${fmtInt(u.events)}-event upload (answered ${u.status} after ${fmt1(u.seconds)} s)`;
      lines.push(
        row(`GET /teams/${s.team}?range=${s.range} and GET / asked in turn, idle`, u.idle.dashboard),
        row(`GET / asked in turn with the team dashboard, idle`, u.idle.overview),
        row(`GET /teams/${s.team}?range=${s.range} in turn ${note}`, u.dashboard, `p95 ≤ ${t.underUpload} × in turn, idle`, r.pass['team dashboard under upload']),
        row(`GET / in turn ${note}`, u.overview, `p95 ≤ ${t.underUpload} × in turn, idle`, r.pass['overview under upload']),
      );
    }
    lines.push('');
  }
  replaceMdSection('## Team dashboard latency', lines.join('\n'));
}
