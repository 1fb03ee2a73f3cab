/**
 * Where the team dashboard's server time goes, in-process (no HTTP, no React): the lib/data
 * calls the pages make, timed against an existing database.
 *
 *   DATABASE_PATH=bench/out/kpis/kpis.db node --conditions=react-server --import tsx \
 *     bench/profile-dashboard.ts [--team bench-1] [--range 12w] [--n 30]
 *
 * With --sql, every better-sqlite3 statement's all/get/iterate/run is timed too (the statement
 * prototype is wrapped in this process; lib/ is untouched): SQL time per call and statement.
 * Run with `--cpu-prof --cpu-prof-dir bench/out/prof` (before --import) for a CPU profile of
 * the same; summarise one with bench/cpuprofile-summary.ts.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { overview } from '@/lib/dashboard/overview';
import { parseDashboardRange, parseRunQuery, parseSliceFilters } from '@/lib/dashboard/search-params';
import { getDb, sqliteClient } from '@/lib/data/connection';
import { getFlags, getKpis, getTeamDashboard, getWeeklyKpis } from '@/lib/data/kpis';
import { getRunDetail, getRuns } from '@/lib/data/runs';
import { findTeam, listTeamSummaries } from '@/lib/data/teams';
import type { UserViewer } from '@/lib/data/viewer';

const { values } = parseArgs({
  options: { team: { type: 'string' }, range: { type: 'string' }, n: { type: 'string' }, run: { type: 'string' }, sql: { type: 'boolean' } },
});
const team = values.team ?? 'bench-1';
const N = Number(values.n ?? 30);
const query = { range: values.range ?? '12w' };
const viewer: UserViewer = { kind: 'user', userId: 0, email: 'bench@bench.invalid', role: 'admin', teamIds: [] };

const times = new Map<string, number[]>();
/** SQL time and rows by call label and statement (with --sql). */
const sqlTimes = new Map<string, { ms: number; rows: number; calls: number }>();
let current: string | null = null;
/** Times an async call to its settling (the calls run one at a time, so `current` names the one running). */
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const outer = current;
  current = label;
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    const ms = performance.now() - t0;
    current = outer;
    if (!times.has(label)) times.set(label, []);
    times.get(label)!.push(ms);
  }
}

const conn = sqliteClient(await getDb())!;
if (values.sql) {
  const proto = Object.getPrototypeOf(conn.prepare('SELECT 1'));
  const note = (source: string, ms: number, rows: number) => {
    if (!current || current.startsWith('warm-up')) return;
    const k = `${current}\u0000${source.replace(/\s+/g, ' ').trim()}`;
    const e = sqlTimes.get(k) ?? { ms: 0, rows: 0, calls: 0 };
    e.ms += ms;
    e.rows += rows;
    e.calls++;
    sqlTimes.set(k, e);
  };
  for (const m of ['all', 'get', 'run'] as const) {
    const orig = proto[m];
    proto[m] = function (this: { source: string }, ...args: unknown[]) {
      const t0 = performance.now();
      const r = orig.apply(this, args);
      note(this.source, performance.now() - t0, m === 'all' ? (r as unknown[]).length : 1);
      return r;
    };
  }
  const origIterate = proto.iterate;
  proto.iterate = function* (this: { source: string }, ...args: unknown[]) {
    const it = origIterate.apply(this, args) as Iterator<unknown>;
    let ms = 0;
    let rows = 0;
    try {
      for (;;) {
        const t0 = performance.now();
        const r = it.next();
        ms += performance.now() - t0;
        if (r.done) break;
        rows++;
        yield r.value;
      }
    } finally {
      note(this.source, ms, rows);
    }
  };
}
const runId =
  values.run ??
  (
    conn
      .prepare('SELECT run FROM runs WHERE team_id = (SELECT id FROM teams WHERE slug = ?) AND last_event_at >= ? ORDER BY llm_calls DESC, run LIMIT 1')
      .get(team, Date.now() - 28 * 86_400_000) as { run: string }
  ).run;

async function once(record: boolean): Promise<void> {
  const now = Date.now();
  const t = (label: string) => (record ? label : `warm-up ${label}`);
  // /teams/<team>?range=12w, as app/teams/[slug]/page.tsx does it.
  const all0 = performance.now();
  await timed(t('page: findTeam'), () => findTeam(viewer, team));
  const range = parseDashboardRange(query, now);
  const filters = parseSliceFilters(query);
  await timed(t('page: getTeamDashboard (window + previous + runs table)'), () =>
    getTeamDashboard(viewer, team, { window: range.window, previous: range.previous, filters, runs: parseRunQuery(query) }),
  )!;
  // For comparison: the first page of GET /api/v1/runs for the same window.
  await timed(t('  getRuns (first page)'), () => getRuns(viewer, [team], range.window, { filters }));
  if (record) (times.get('dashboard data total') ?? times.set('dashboard data total', []).get('dashboard data total')!).push(performance.now() - all0);
  // For comparison: the three API answers it combines, each alone.
  await timed(t('  getKpis (window)'), () => getKpis(viewer, [team], range.window, { filters }));
  await timed(t('  getKpis (previous)'), () => getKpis(viewer, [team], range.previous!, { filters }));
  await timed(t('  getWeeklyKpis'), () => getWeeklyKpis(viewer, [team], range.window, { filters }));
  await timed(t('  getFlags'), () => getFlags(viewer, [team], range.window, { filters }));
  // The overview (/) and the run page.
  const overviewRange = parseDashboardRange({}, now);
  await timed(t('overview: listTeamSummaries'), () => listTeamSummaries(viewer));
  await timed(t('overview: overview (getTeamDashboard × teams, 4w and previous)'), () => overview(viewer, overviewRange));
  await timed(t('run page: getRunDetail'), () => getRunDetail(viewer, team, runId, overviewRange.window));
}

for (let i = 0; i < 3; i++) await once(false);
for (let i = 0; i < N; i++) await once(true);

const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
console.log(`team ${team}, range ${query.range}, run ${runId}, ${N} iterations after 3 warm-ups (ms)`);
console.log(`${'call'.padEnd(58)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)}`);
for (const [label, samples] of times) {
  if (label.startsWith('warm-up')) continue;
  const s = [...samples].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  console.log(`${label.padEnd(58)} ${median.toFixed(1).padStart(8)} ${pct(s, 95).toFixed(1).padStart(8)} ${s[s.length - 1].toFixed(1).padStart(8)}`);
}
if (values.sql) {
  console.log(`\nSQL time per call (mean over ${N}; includes row conversion to JS objects), statements ≥ 0.5 ms:`);
  let last = '';
  for (const [k, e] of [...sqlTimes].sort((a, b) => (a[0].split('\u0000')[0] === b[0].split('\u0000')[0] ? b[1].ms - a[1].ms : 0))) {
    const [label, sql] = k.split('\u0000');
    if (label !== last) {
      const total = [...sqlTimes].filter(([x]) => x.startsWith(label + '\u0000')).reduce((a, [, v]) => a + v.ms, 0);
      console.log(`${label}: SQL ${(total / N).toFixed(1)} ms`);
      last = label;
    }
    if (e.ms / N < 0.5) continue;
    console.log(`  ${(e.ms / N).toFixed(1).padStart(6)} ms  ${String(Math.round(e.rows / N)).padStart(6)} rows  ×${(e.calls / N).toFixed(0)}  ${sql.slice(0, 150)}`);
  }
}
