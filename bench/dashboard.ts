/**
 * Team dashboard benchmark: the server response time of the team dashboard page,
 * signed in, with N (default 1,000,000) events in the database. Part of `npm run bench`
 * (measured on step 6's first database while its server is up); alone: `npm run bench -- --only
 * dashboard` (builds the same N-event database, seed and asOf as step 6's first stage).
 *
 *   - an admin made with the CLI signs in (bench/session.ts); every request carries its cookie
 *     and every answer must be 200 with the signed-in page asked for (not the sign-in page);
 *   - one cold request per page, then WARMUP untimed ones;
 *   - REQUESTS sequential `GET /teams/bench-1?range=12w` (the target: p95 ≤ 150 ms), then the
 *     same count with CONCURRENCY requests in flight (information);
 *   - EXTRA_REQUESTS sequential `GET /runs/<run>?team=bench-1` (the team's run with the most
 *     LLM calls among those active in the last 4 weeks: the page's default range) and `GET /`
 *     (information).
 *
 * Reports p50, p95, max (and server CPU per request) into bench/out/results.{json,md}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  addResultsJson, buildStage, dbSize, ensureBuild, groupCpuMs, KPIS_DIR, kpisWindow, replaceMdSection, serverEnv, serverPid, startServer, stopServer,
  TEAM, TEAMS, type StageServer,
} from './kpis';
import { benchSession, pageProblem, type PageKind } from './session';

const OUT = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'out');

export const DASHBOARD_TARGET = { p95Ms: 150 } as const;
const REQUESTS = 200;
const CONCURRENCY = 4;
const EXTRA_REQUESTS = 100;
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
  target: typeof DASHBOARD_TARGET;
  pass: boolean;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
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
  const s = samples.sort((a, b) => a - b);
  return {
    path: p,
    n: s.length,
    concurrency,
    errors,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    max: s[s.length - 1],
    min: s[0],
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    throughput: n / wall,
    firstMs,
    bytes,
    serverCpuMs: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / n,
    loadAvg: [load0, os.loadavg()[0]],
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
export async function measureDashboard(s: StageServer): Promise<DashboardResult> {
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

  const dashboard = await series(s.base, pages.dashboard.path, 'dashboard', session, REQUESTS, 1, first.dashboard);
  const dashboardConcurrent = await series(s.base, pages.dashboard.path, 'dashboard', session, REQUESTS, CONCURRENCY, null);
  const runPage = await series(s.base, pages.run.path, 'run', session, EXTRA_REQUESTS, 1, first.run);
  const overview = await series(s.base, pages.overview.path, 'overview', session, EXTRA_REQUESTS, 1, first.overview);
  const c = picked.counts;
  log(`    ${TEAM}: ${fmtInt(c.teamEvents)} events (${fmtInt(c.teamEventsInRange)} in the 12-week range), ${fmtInt(c.runsInRange)} runs in the range; run ${picked.run}: ${fmtInt(c.runEvents)} events`);
  for (const t of [dashboard, dashboardConcurrent, runPage, overview]) log(`    ${timingLine(t)}`);
  const pass = dashboard.errors === 0 && dashboard.p95 <= DASHBOARD_TARGET.p95Ms;
  log(`    dashboard p95 ${fmt1(dashboard.p95)} ms (target ≤ ${DASHBOARD_TARGET.p95Ms} ms): ${pass ? 'PASS' : 'FAIL'}`);
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
    target: DASHBOARD_TARGET,
    pass,
  };
}

function timingLine(t: PageTiming): string {
  const cpu = t.serverCpuMs === null ? '' : `  server CPU ${fmt1(t.serverCpuMs)} ms/req`;
  const first = t.firstMs === null ? '' : `  first ${fmt1(t.firstMs)}`;
  return `GET ${t.path} ×${t.n}${t.concurrency > 1 ? ` (${t.concurrency} in flight)` : ''}${t.errors ? ` errors=${t.errors}` : ''}: p50 ${fmt1(t.p50)}  p95 ${fmt1(t.p95)}  max ${fmt1(t.max)} ms${first}  ${fmt1(t.throughput)} req/s${cpu}`;
}

/** `--only dashboard`: the N-event database of step 6's first stage, its server, the measurement. */
export async function runDashboardBench(options: { events: number; keep?: boolean; build?: boolean; label?: string }): Promise<DashboardResult> {
  const w = kpisWindow();
  log(`${options.label ?? ''}Team dashboard latency: ${fmtInt(options.events)} events over 13 weeks, ${TEAMS} teams (the database of step 6's first stage)`);
  ensureBuild(!!options.build);
  fs.rmSync(KPIS_DIR, { recursive: true, force: true });
  fs.mkdirSync(KPIS_DIR, { recursive: true });
  const dbFile = path.join(KPIS_DIR, 'kpis.db');
  try {
    const b = await buildStage(dbFile, options.events, 11, w.asOf, '');
    if (b.stored !== options.events) throw new Error(`expected ${options.events} events stored, found ${b.stored}`);
    log(`    ${fmtInt(b.accepted)} events in ${fmt1(b.seconds)} s; database ${fmt1(dbSize(dbFile) / 2 ** 20)} MB`);
    const env = serverEnv(dbFile);
    const started = await startServer(env, path.join(KPIS_DIR, 'server.log'));
    log(`    server up in ${fmt1(started.seconds)} s`);
    return await measureDashboard({ base: started.base, env, dbFile, events: options.events });
  } finally {
    await stopServer();
    if (options.keep) log(`  kept ${path.relative(process.cwd(), dbFile)}`);
    else fs.rmSync(KPIS_DIR, { recursive: true, force: true });
  }
}

/** Adds the result to bench/out/results.json (key `dashboard`) and results.md (its own section). */
export function appendDashboardResults(r: DashboardResult): void {
  fs.mkdirSync(OUT, { recursive: true });
  addResultsJson('dashboard', r);
  const row = (label: string, t: PageTiming, target = '', result = '') =>
    `| ${label} | ${fmt1(t.p50)} / ${fmt1(t.p95)} / ${fmt1(t.max)} ms (n=${t.n}${t.errors ? `, errors=${t.errors}` : ''}; ${fmt1(t.throughput)} req/s; server CPU ${t.serverCpuMs === null ? '?' : fmt1(t.serverCpuMs)} ms/req) | ${target} | ${result} |`;
  const c = r.counts;
  replaceMdSection(
    '## Team dashboard latency',
    [
      `## Team dashboard latency — ${r.date}`,
      '',
      `${fmtInt(r.events)} events in the database (${r.teams} teams); team \`${r.team}\`: ${fmtInt(c.teamEvents)} events, ${fmtInt(c.teamEventsInRange)} in the ${r.range} range, ${fmtInt(c.runsInRange)} runs in it. Signed in as an admin (${r.session.method}); every answer checked to be the signed-in page. Run page: \`${r.run}\` (${fmtInt(c.runEvents)} events).`,
      '',
      '| Page | p50 / p95 / max | Target | Result |',
      '|---|---|---|---|',
      row(`GET /teams/${r.team}?range=${r.range}, sequential`, r.dashboard, `p95 ≤ ${r.target.p95Ms} ms`, r.pass ? 'PASS' : 'FAIL'),
      row(`GET /teams/${r.team}?range=${r.range}, ${r.dashboardConcurrent.concurrency} in flight`, r.dashboardConcurrent),
      row(`GET /runs/…?team=${r.team}, sequential`, r.runPage),
      row('GET /, sequential', r.overview),
      '',
    ].join('\n'),
  );
}
