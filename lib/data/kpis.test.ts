import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDemoEvents } from '@/lib/demo/generate';
import { DEMO_TEAMS } from '@/lib/demo/teams';
import { computeFlags } from '@/lib/flags/flags';
import { DEFAULT_FLAG_THRESHOLDS } from '@/lib/flags/thresholds';
import { ingest } from '@/lib/ingest/ingest';
import { computeKpis, computeWeeklyKpis, weekTotals } from '@/lib/kpi/compute';
import { costUsd, tokenTotals } from '@/lib/kpi/cost';
import { PRICES } from '@/lib/kpi/test-fixtures';
import { DAY_MS, HOUR_MS } from '@/lib/kpi/time';
import type { KpiInput, KpiWindow } from '@/lib/kpi/types';
import { naiveRows, roundCosts, type OracleEvent } from '@/lib/kpi/testing/oracle';
import { loadPriceTable } from '@/lib/pricing/lookup';
import { chunksOf, ndjson, tempDatabase, seededShuffle } from '@/lib/testing/db';
import type { Sql } from './connection';
import { getFlags, getKpis, getTeamDashboard, getWeeklyKpis, type KpiFilters } from './kpis';
import { runRows } from './rows/runs';
import { usageRows } from './rows/usage';
import { getFlagThresholds, saveFlagThresholds } from './team-settings';
import { ensureTeams } from './teams';
import { OPERATOR, type Viewer } from './viewer';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

type Ev = OracleEvent;

async function setup(teams = [{ slug: 'acme', name: 'Acme' }, { slug: 'other', name: 'Other' }]) {
  const t = await tempDatabase();
  cleanups.push(t.cleanup);
  await ensureTeams(teams, t.db);
  const ids = new Map((await t.db.all<{ id: number; slug: string }>('SELECT id, slug FROM teams')).map((r) => [r.slug, r.id]));
  /** Ingests into `team` (events without `team`), or into the teams the events name. */
  const send = async (events: object[], team?: string) => {
    const result = await ingest(t.db, chunksOf(ndjson(events), 4096), {
      format: 'ndjson', partial: false, source: 'cli', team: team ? { id: ids.get(team)!, slug: team } : undefined,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 3)));
    return result;
  };
  return { ...t, ids, send };
}

const tokenViewer = (teamId: number): Viewer => ({ kind: 'token', tokenId: 1, teamId, scopes: ['read'] });

/** Monday 2026-06-01 00:00 UTC. */
const T0 = Date.UTC(2026, 5, 1);
const D = (days: number, hours = 0, ms = 0) => T0 + days * DAY_MS + hours * HOUR_MS + ms;
const iso = (ms: number) => new Date(ms).toISOString();

/** Events with generated ids. */
function eventMaker() {
  let n = 0;
  return (type: string, ts: number, fields: Record<string, unknown> = {}): Ev => ({ id: `e${++n}`, type, ts, ...fields });
}

// ---------------------------------------------------------------------------------------------

describe('Linking (events-v1) in SQL', () => {
  it('links a change to the run it names, else to the latest run on its repo and branch started strictly before it opened', async () => {
    const s = await setup();
    const ev = eventMaker();
    const started = (run: string, at: number, repo: string, branch: string) => ev('run.started', at, { run, repo, branch });
    const h = (n: number) => T0 + n * HOUR_MS;
    await s.send([
      started('r1', h(1), 'x/y', 'b'),
      started('r2', h(3), 'x/y', 'b'),
      started('r3', h(3), 'x/y', 'b'), // same start as r2: the greater run id wins
      started('r4', h(5), 'x/y', 'other'),
      ev('run.started', h(9), { run: 'r5' }), // no repo, no branch: links nothing
      ev('change.opened', h(2), { change: 'ch1', repo: 'x/y', branch: 'b' }), // → r1
      ev('change.opened', h(4), { change: 'ch2', repo: 'x/y', branch: 'b' }), // → r3 (tie)
      ev('change.opened', h(3), { change: 'ch3', repo: 'x/y', branch: 'b' }), // r2/r3 started AT h3, not before → r1
      ev('change.opened', h(0), { change: 'ch4', repo: 'x/y', branch: 'b' }), // nothing started before → none
      ev('change.opened', h(4), { change: 'ch5', repo: 'x/y', branch: 'b', run: 'r4' }), // named → r4
      ev('change.merged', h(2.5), { change: 'ch6', repo: 'x/y', branch: 'b' }), // no opened: first event → r1
      ev('change.opened', h(10), { change: 'ch7', repo: 'x/z', branch: 'b' }), // other repo → none
      ev('change.opened', h(6), { change: 'ch8', repo: 'x/y', branch: 'other' }), // → r4
      ev('change.opened', h(7), { change: 'ch9', repo: 'x/y', branch: 'b' }), // later event names run → r5
      ev('change.merged', h(8), { change: 'ch9', run: 'r5' }),
      ev('change.opened', h(7), { change: 'ch10', repo: 'x/y' }), // no branch → none
    ], 'acme');
    const w: KpiWindow = { from: T0, to: T0 + DAY_MS, asOf: T0 + DAY_MS };
    const rows = (await runRows(s.db, { teamId: s.ids.get('acme')!, prefix: '' }, { asOf: w.asOf, window: w, kpiIntervals: [], thresholds: DEFAULT_FLAG_THRESHOLDS })).flags;
    const links = Object.fromEntries(rows.map((r) => [r.run, r.linkedChanges.map((c) => c.change).sort()]));
    expect(links).toEqual({ r1: ['ch1', 'ch3', 'ch6'], r2: [], r3: ['ch2'], r4: ['ch5', 'ch8'], r5: ['ch9'] });
    const ch6 = rows.find((r) => r.run === 'r1')!.linkedChanges.find((c) => c.change === 'ch6');
    expect(ch6).toEqual({ change: 'ch6', firstEventAt: h(2.5), mergedAt: h(2.5) });
    // The same as the in-memory oracle's linking.
    const oracle = naiveRows((await s.db.all<{ payload: string }>('SELECT payload FROM events')).map((r) => JSON.parse(r.payload)));
    expect(Object.fromEntries(oracle.runs.map((r) => [r.run, r.linkedChanges.map((c) => c.change).sort()]))).toEqual(links);
  });

  it('gives /kpis run rows their end, start, totals and links', async () => {
    const s = await setup();
    const ev = eventMaker();
    await s.send([
      ev('run.started', D(1), { run: 'r1', repo: 'x/y', branch: 'b' }),
      ev('iteration', D(1, 1), { run: 'r1', n: 1 }),
      ev('run.ended', D(1, 2), { run: 'r1', status: 'succeeded' }),
      ev('run.ended', D(1, 3), { run: 'r1', status: 'failed' }),
      ev('change.opened', D(1, 1), { change: 'c', repo: 'x/y', branch: 'b' }),
      ev('change.merged', D(2), { change: 'c' }),
    ], 'acme');
    const src = { teamId: s.ids.get('acme')!, prefix: 'acme/' };
    expect((await runRows(s.db, src, { asOf: D(7), window: null, kpiIntervals: [[D(0), D(7)]], thresholds: DEFAULT_FLAG_THRESHOLDS })).kpi).toEqual([{
      run: 'acme/r1', startsAt: [D(1)], endsAt: [D(1, 2)], iterationsAt: [], tests: [], messagesAt: [], toolCallsAt: [], llmCalls: [],
      linkedChanges: [{ change: 'acme/c', firstEventAt: D(1, 1), mergedAt: D(2) }],
      totals: { lastEventAt: D(1, 3), tokens: 0, iterations: 1, messages: 0, toolCalls: 0 },
    }]);
  });
});

describe('figures at asOf: events after it do not exist', () => {
  const chatty = (ev: ReturnType<typeof eventMaker>, run: string, at: number) =>
    Array.from({ length: 20 }, (_, k) => ev('message', at + k * 60_000, { run, from: 'a', to: 'b' }));

  it('links a change by its earliest event at asOf: a later change.merged naming another run moves nothing', async () => {
    const s = await setup();
    const ev = eventMaker();
    await s.send([
      ev('run.started', D(1), { run: 'A', repo: 'x/y', branch: 'relink' }),
      ...chatty(ev, 'A', D(1, 1)),
      ev('run.started', D(1), { run: 'B', repo: 'x/y', branch: 'elsewhere' }),
      ...chatty(ev, 'B', D(1, 1)),
      ev('run.ended', D(1, 2), { run: 'A', status: 'succeeded' }),
      ev('run.ended', D(1, 2), { run: 'B', status: 'succeeded' }),
      ev('change.opened', D(2), { change: 'x/y#1', repo: 'x/y', branch: 'relink' }),
      ev('change.merged', D(3), { change: 'x/y#1', run: 'B' }),
    ], 'acme');
    const before = { from: D(0), to: D(2, 12), asOf: D(2, 12) };
    const flags = (await getFlags(OPERATOR, ['acme'], before, { db: s.db }))!.flags;
    expect(flags.map((f) => [f.kind, 'run' in f ? f.run : null])).toEqual([['chatter', 'B']]);
    const after = { from: D(0), to: D(4), asOf: D(4) };
    // Once the merge exists, its `run` is the earliest at asOf that names one: B converged, A is linked to nothing.
    expect((await getFlags(OPERATOR, ['acme'], after, { db: s.db }))!.flags.map((f) => [f.kind, 'run' in f ? f.run : null])).toEqual([['chatter', 'A']]);
    expect((await getKpis(OPERATOR, ['acme'], after, { db: s.db }))!.runs).toEqual({ ended: 2, converged: 1, convergenceRate: 0.5 });
    expect((await getKpis(OPERATOR, ['acme'], before, { db: s.db }))!.runs).toEqual({ ended: 2, converged: 0, convergenceRate: 0 });
  });

  it('judges a run by its own events up to asOf: later tokens, end and iterations do not count', async () => {
    const s = await setup();
    const ev = eventMaker();
    await s.send([
      ev('run.started', D(1), { run: 'r' }),
      ev('llm.call', D(1, 1), { run: 'r', model: 'm', input_tokens: 60, output_tokens: 40 }),
      ev('llm.call', D(3), { run: 'r', model: 'm', input_tokens: 900_000, output_tokens: 0 }),
      ev('run.ended', D(3, 1), { run: 'r', status: 'failed' }),
    ], 'acme');
    const w = { from: D(0), to: D(2), asOf: D(2) };
    expect((await getFlags(OPERATOR, ['acme'], w, { db: s.db }))!.flags).toEqual([]);
    expect((await getFlags(OPERATOR, ['acme'], { from: D(0), to: D(4), asOf: D(4) }, { db: s.db }))!.flags.map((f) => f.kind)).toEqual(['burn_without_outcome']);
    const d = (await getTeamDashboard(OPERATOR, 'acme', { window: w, runs: {} }, { db: s.db }))!;
    expect(d.runList!.rows.map((r) => [r.run, r.tokens.total, r.status, r.endedAt, r.lastEventAt])).toEqual([['r', 100, 'running', null, D(1, 1)]]);
  });

  it('judges each run of several teams against its own team’s thresholds', async () => {
    const s = await setup();
    const ev = eventMaker();
    const burner = (team: string) => [
      { ...ev('run.started', D(1), { run: 'r' }), team },
      { ...ev('llm.call', D(1, 1), { run: 'r', model: 'm', input_tokens: 300_000, output_tokens: 0 }), team },
      { ...ev('run.ended', D(1, 2), { run: 'r', status: 'failed' }), team },
    ];
    await s.send([...burner('acme'), ...burner('other')]);
    await saveFlagThresholds(OPERATOR, s.ids.get('other')!, { burnMinTokens: 1_000_000 }, s.db);
    const w = { from: D(0), to: D(4), asOf: D(4) };
    const flags = (await getFlags(OPERATOR, ['acme', 'other'], w, { db: s.db }))!.flags;
    expect(flags.map((f) => [f.kind, 'run' in f ? f.run : null])).toEqual([['burn_without_outcome', 'acme/r']]);
    expect((await getFlags(OPERATOR, ['other', 'acme'], w, { db: s.db }))!.flags.map((f) => 'run' in f && f.run)).toEqual(['acme/r']);
  });
});

describe('usage rows', () => {
  it('split partial days at from, to and asOf, giving what summing the raw events gives', async () => {
    const s = await setup();
    const ev = eventMaker();
    const events: Ev[] = [ev('run.started', D(0), { run: 'r' })];
    const models = ['m-a', 'm-b', 'unknown'];
    // Calls every 5 h 17 min over 9 days, at exact midnights too, some with cost_usd.
    for (let t = D(0), k = 0; t < D(9); t += 5 * HOUR_MS + 17 * 60_000, k++) {
      events.push(ev('llm.call', t, {
        run: 'r', model: models[k % 3], input_tokens: 1000 + k, output_tokens: 10 * k, cache_read_tokens: k % 4 === 0 ? 500 : 0,
        ...(k % 5 === 0 ? { cost_usd: 0.125 * (k % 7) } : {}),
      }));
    }
    for (let d = 1; d < 9; d++) events.push(ev('llm.call', D(d), { run: 'r', model: 'm-a', input_tokens: 7, output_tokens: 1 }));
    await s.send(events, 'acme');
    const oracle = naiveRows(events).usage;
    const teamId = s.ids.get('acme')!;
    const check = async (w: KpiWindow) => {
      const rows = await usageRows(s.db, teamId, w);
      expect(tokenTotals(rows, w)).toEqual(tokenTotals(oracle, w));
      const got = costUsd(rows, w, PRICES);
      const want = costUsd(oracle, w, PRICES);
      expect(got.unpricedCalls).toBe(want.unpricedCalls);
      expect(got.costUsd).toBeCloseTo(want.costUsd, 9);
      // No row straddles a day: every week and every day clipped out of the window agrees too.
      for (let day = D(0); day < D(9); day += DAY_MS) {
        const sub = { from: Math.max(w.from, day), to: Math.min(w.to, day + DAY_MS), asOf: w.asOf };
        if (sub.to > sub.from) expect(tokenTotals(rows, sub)).toEqual(tokenTotals(oracle, sub));
      }
    };
    await check({ from: D(0), to: D(9), asOf: D(9) }); // whole days only
    await check({ from: D(1, 3.5), to: D(6, 20), asOf: D(8) }); // partial days at from and to
    await check({ from: D(1, 3.5), to: D(8), asOf: D(5, 10, 1) }); // asOf inside the window
    await check({ from: D(2, 1), to: D(2, 23), asOf: D(2, 12) }); // all in one day
    await check({ from: D(2, 12), to: D(3, 12), asOf: D(9) }); // two partial days, no whole one
    await check({ from: D(3), to: D(5), asOf: D(3, 0, -1) }); // asOf before the window
    await check({ from: D(3), to: D(5), asOf: D(4) }); // asOf at midnight: that day's first ms counts
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: D(0) - DAY_MS, max: D(10) }), fc.integer({ min: 1, max: 6 * DAY_MS }), fc.integer({ min: D(0), max: D(10) }), async (from, len, asOf) => {
        await check({ from, to: from + len, asOf });
      }),
      { numRuns: 40 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A hand-built dataset hitting every rule of kpis-v1.md, with figures worked out by hand.
// Window: 4 whole weeks, Mon 2026-06-01 .. Mon 2026-06-29; asOf Sun 2026-06-28 12:00 (D(27, 12)).

function handDataset(): Ev[] {
  const ev = eventMaker();
  const out: Ev[] = [];
  const add = (...e: Ev[]) => out.push(...e);
  const run = (name: string, branch: string, start: number, end?: number, status = 'succeeded') => {
    add(ev('run.started', start, { run: name, repo: 'acme/api', branch, agent: 'codex' }));
    if (end !== undefined) add(ev('run.ended', end, { run: name, status }));
  };
  const llm = (r: string, at: number, model: string, t: { i?: number; o?: number; cr?: number; cw?: number; cost?: number }) =>
    add(ev('llm.call', at, {
      run: r, model, input_tokens: t.i ?? 0, output_tokens: t.o ?? 0,
      ...(t.cr ? { cache_read_tokens: t.cr } : {}), ...(t.cw ? { cache_write_tokens: t.cw } : {}),
      ...(t.cost !== undefined ? { cost_usd: t.cost } : {}),
    }));
  const change = (kind: string, id: string, at: number, f: Record<string, unknown> = {}) => add(ev(`change.${kind}`, at, { change: id, ...f }));

  // Runs (and their llm.calls u0..u9).
  run('rA', 'feat-a', D(0, 1), D(1, 1));
  llm('rA', D(10), 'm-b', { i: 1_000_000, o: 500_000, cw: 400_000 }); // u3: $1 + $1 + $0.5
  run('rB', 'feat-b', D(1), D(2, 12));
  run('rC', 'feat-c', D(3), D(4), 'failed');
  run('rD', 'feat-d', D(27, 10), D(27, 13)); // ends after asOf: not ended yet
  run('rE', 'feat-e', D(-2), D(-1, 1));
  llm('rE', D(-1), 'm-a', { i: 2_000_000 }); // u8: before the window
  run('rE0', 'feat-e0', D(-20), D(-20, 2));
  llm('rE0', D(-20, 1), 'm-a', { i: 1_000_000 }); // u0: divergence's earlier period
  run('rF', 'feat-f', D(10), D(20));
  llm('rF', D(11), 'mystery', { i: 5000, o: 5000 }); // u4: unpriced
  llm('rF', D(12), 'mystery', { i: 10_000, cost: 0.5 }); // u5: unknown model but cost_usd given
  run('rG', 'feat-g', D(21), D(22));
  run('rH', 'feat-h', D(22, 1), D(23));
  run('rBurn', 'burn', D(3, 9), D(3, 12), 'failed');
  llm('rBurn', D(3, 10), 'm-a', { i: 1_000_000, o: 100_000 }); // u1: $3 + $1.5
  llm('rBurn', D(3, 11), 'm-a', { i: 200_000, cr: 1_000_000, cost: 0.25 }); // u2: $0.25 as given
  run('rIdle', 'idle', D(-1, 23));
  llm('rIdle', D(0), 'm-b', { o: 1_000_000 }); // u9: exactly at `from`: $2
  add(ev('iteration', D(26), { run: 'rIdle', n: 1 })); // last event 36 h before asOf
  run('rLive', 'live', D(27, 10));
  llm('rLive', D(27, 11), 'm-a', { i: 100_000 }); // u6: asOf's day, before asOf: $0.3
  llm('rLive', D(27, 13), 'm-a', { i: 1_000_000 }); // u7: after asOf: does not exist
  for (const [name, tests] of [
    ['rStall', [[1.5, 3], [2.5, 2], [4.5, 2], [6.5, 5]]],
    ['rStallOk', [[1.5, 3], [2.5, 2], [5.5, 1]]],
  ] as const) {
    run(name, name, D(15));
    for (let n = 1; n <= 8; n++) add(ev('iteration', D(15, n), { run: name, n }));
    for (const [hour, failed] of tests) add(ev('test.result', D(15, hour), { run: name, passed: 10, failed }));
  }
  for (const [name, tools] of [['rChat', 8], ['rChat2', 9], ['rChat3', 0]] as const) {
    run(name, name, D(16));
    for (let i = 0; i < 20; i++) add(ev('message', D(16, 0, (i + 1) * 60_000), { run: name, from: 'planner', to: 'coder' }));
    for (let i = 0; i < tools; i++) add(ev('tool.call', D(16, 1, i * 60_000), { run: name, tool: 'Edit' }));
  }

  // Changes.
  change('opened', 'c1', D(0, 2), { run: 'rA', repo: 'acme/api', branch: 'feat-a' });
  change('merged', 'c1', D(1));
  change('modified', 'c1', D(8), { lines: 3 }); // exactly merge + 7 d: inside (merged, merged + 7d]
  change('opened', 'c2', D(1, 5), { repo: 'acme/api', branch: 'feat-b' }); // → rB by repo and branch
  change('merged', 'c2', D(2));
  change('modified', 'c2', D(9, 0, 1), { lines: 1 }); // merge + 7 d + 1 ms: outside
  change('opened', 'c3', D(2));
  change('merged', 'c3', D(3));
  change('reverted', 'c3', D(5));
  change('merged', 'c4', D(4));
  change('merged', 'c5', D(5));
  change('merged', 'c6', D(15));
  change('reverted', 'c6', D(28)); // after asOf
  change('opened', 'c7', D(21, 2), { repo: 'acme/api', branch: 'feat-g' }); // → rG
  change('merged', 'c7', D(25));
  change('opened', 'c8', D(22));
  change('merged', 'c8', D(27, 13), { run: 'rH' }); // → rH, but merged after asOf
  change('merged', 'c9', D(-1));
  change('opened', 'c10', D(10, 1), { repo: 'acme/api', branch: 'feat-f' }); // → rF, never merged
  change('merged', 'c11', D(6));
  change('merged', 'c11', D(8)); // a second merge: the earliest counts
  change('modified', 'c11', D(13));
  change('opened', 'c12', D(16, 2), { repo: 'acme/api', branch: 'rChat3' }); // → rChat3
  for (let k = 1; k <= 8; k++) change('merged', `e${k}`, D(-20, k));

  // Defects.
  const defect = (kind: string, id: string, at: number, f: Record<string, unknown> = {}) => add(ev(`defect.${kind}`, at, { defect: id, ...f }));
  defect('opened', 'd1', D(10), { changes: ['c4'] });
  defect('fixed', 'd1', D(10, 10));
  defect('opened', 'd2', D(19, 0, 1), { changes: ['c5'] }); // merge + 14 d + 1 ms: outside
  defect('fixed', 'd2', D(20, 0, 1));
  defect('opened', 'd3', D(12));
  defect('fixed', 'd3', D(14));
  defect('opened', 'd4', D(20));
  defect('fixed', 'd4', D(28)); // after asOf: open
  defect('opened', 'd5', D(26, 12)); // open, censored at 24 h
  defect('opened', 'd6', D(-2));
  defect('fixed', 'd6', D(1));
  defect('opened', 'd7', D(27, 13)); // after asOf
  defect('opened', 'd8', D(2));
  defect('fixed', 'd8', D(2, 6));
  defect('fixed', 'd8', D(2, 2)); // the earliest fix counts: 2 h
  return out;
}

const HAND_WINDOW: KpiWindow = { from: D(0), to: D(28), asOf: D(27, 12) };

describe('figures of a hand-built dataset', () => {
  async function handDb() {
    const s = await setup();
    await s.send(handDataset(), 'acme');
    return s;
  }

  it('GET /kpis', async () => {
    const s = await handDb();
    const k = (await getKpis(OPERATOR, ['acme'], HAND_WINDOW, { db: s.db, prices: PRICES }))!;
    // Costs: week 1 u9 $2 + u1 $4.5 + u2 $0.25 = 6.75; week 2 u3 $2.5 + u5 $0.5 = 3; week 4 u6 $0.3.
    const cost = 10.05;
    expect(k.costUsd).toBeCloseTo(cost, 12);
    expect(k.costPerMergedChange!).toBeCloseTo(cost / 8, 12);
    expect(k.costPerSurvivingChange!).toBeCloseTo(cost / (8 * (4 / 7)), 12);
    expect({ ...k, costUsd: 0, costPerMergedChange: 0, costPerSurvivingChange: 0 }).toEqual({
      team: 'acme',
      // c1 c2 c3 c4 c5 c6 c7 c11 (c8 merged after asOf, c9 and e1..e8 before the window).
      mergedChanges: 8,
      mergedPerWeek: 2,
      // Eligible: all but c7 (merged 2.5 d before asOf). Not survived: c1 (modified at +7d),
      // c3 (reverted), c11 (modified at +7d after its first merge).
      weekSurvival: { rate: 4 / 7, survived: 4, eligible: 7, pending: 1 },
      // Eligible: merged 14 d before asOf: c1 c2 c3 c4 c5 c11. Failed: c3 (reverted), c4 (named in d1).
      defectRate: { rate: 2 / 6, failed: 2, eligible: 6, pending: 2 },
      // Opened in the window: d1 d2 d3 d4 d5 d8. Fixed in 2, 10, 24, 48 h; open d4 (180 h), d5 (24 h).
      // KM: 2 h → 5/6, 10 h → 2/3, 24 h (fix counted before the tied censoring) → 1/2.
      timeToFix: { opened: 6, fixed: 4, open: 2, p50Hours: 10, p90Hours: 48, kmP50Hours: 24 },
      tokens: { input: 2_315_000, output: 1_605_000, cacheRead: 1_000_000, cacheWrite: 400_000, total: 5_320_000 },
      costUsd: 0,
      unpricedCalls: 1,
      costPerMergedChange: 0,
      costPerSurvivingChange: 0,
      // Ended in the window: rA rB rC rBurn rF rG rH. Converged: rA (c1 named), rB (c2 by branch), rG (c7).
      runs: { ended: 7, converged: 3, convergenceRate: 3 / 7 },
    });
  });

  it('GET /kpis/weekly', async () => {
    const s = await handDb();
    const { weeks } = (await getWeeklyKpis(OPERATOR, ['acme'], HAND_WINDOW, { db: s.db, prices: PRICES }))!;
    expect(weeks.map((w) => [w.week, w.mergedChanges, w.tokens.total, w.unpricedCalls])).toEqual([
      ['2026-06-01', 6, 3_300_000, 0],
      ['2026-06-08', 0, 1_920_000, 1],
      ['2026-06-15', 1, 0, 0],
      ['2026-06-22', 1, 100_000, 0],
    ]);
    expect(weeks.map((w) => w.costUsd)).toEqual([6.75, 3, 0, expect.closeTo(0.3, 12)]);
    expect(weeks.reduce((sum, w) => sum + w.costUsd, 0)).toBe((await getKpis(OPERATOR, ['acme'], HAND_WINDOW, { db: s.db, prices: PRICES }))!.costUsd);
  });

  it('GET /flags, at the default thresholds and at the team’s own', async () => {
    const s = await handDb();
    const acme = s.ids.get('acme')!;
    const divergence = {
      kind: 'divergence', team: 'acme',
      evidence: {
        weeks: 4, earlierFrom: '2026-04-27', laterFrom: '2026-05-25', laterTo: '2026-06-22',
        // Earlier: u0. Later: u8 2M + u9 1M + u1 1.1M + u2 1.2M + u3 1.9M + u4 + u5 10k each.
        earlierTokens: 1_000_000, laterTokens: 7_220_000, tokenGrowth: 6.22, minGrowth: 0.5,
        // Earlier: e1..e8. Later: c9 c1 c2 c3 c4 c5 c11 c6.
        earlierMergedChanges: 8, laterMergedChanges: 8,
      },
    };
    const burnCommon = { threshold: 200_000, minTokens: 200_000, multiplier: 3, medianConvergedTokens: null, convergedRuns: 3, minConvergedRuns: 5, maxIdleHours: 24 };
    expect(await getFlags(OPERATOR, ['acme'], HAND_WINDOW, { db: s.db })).toEqual({
      flags: [
        { kind: 'burn_without_outcome', run: 'rBurn', evidence: { ...burnCommon, tokens: 2_300_000, ended: true, lastEventAt: iso(D(3, 12)), idleHours: 24 * 24 } },
        { kind: 'chatter', run: 'rChat', evidence: { messages: 20, toolCalls: 8, messageShare: 20 / 28, minMessages: 20, minMessageShare: 0.7, linkedChanges: 0 } },
        { kind: 'burn_without_outcome', run: 'rIdle', evidence: { ...burnCommon, tokens: 1_000_000, ended: false, lastEventAt: iso(D(26)), idleHours: 36 } },
        {
          kind: 'stalled', run: 'rStall',
          evidence: { iterations: 8, minIterations: 8, windowIterations: 5, since: iso(D(15, 4)), testsBefore: 2, testsSince: 2, bestFailedBefore: 2, bestFailedSince: 2 },
        },
        divergence,
      ],
    });

    expect(await getFlagThresholds(acme, s.db)).toEqual(DEFAULT_FLAG_THRESHOLDS);
    await saveFlagThresholds(OPERATOR, acme, { burnMinTokens: 3_000_000, chatterMinMessageShare: 0.8 }, s.db);
    expect(await getFlagThresholds(acme, s.db)).toEqual({ ...DEFAULT_FLAG_THRESHOLDS, burnMinTokens: 3_000_000, chatterMinMessageShare: 0.8 });
    expect((await getFlags(OPERATOR, ['acme'], HAND_WINDOW, { db: s.db }))!.flags.map((f) => f.kind)).toEqual(['stalled', 'divergence']);
    await saveFlagThresholds(OPERATOR, acme, { burnMinTokens: null }, s.db);
    expect((await getFlagThresholds(acme, s.db)).burnMinTokens).toBe(200_000);
    await expect(saveFlagThresholds(tokenViewer(acme), acme, {}, s.db)).rejects.toThrow();
  });

  it('answers only for teams the viewer may see, and sums several teams as one', async () => {
    const s = await handDb();
    const ev = eventMaker();
    // Same ids as acme's: another team's c1 and rA are other things.
    await s.send([
      ev('run.started', D(0, 5), { run: 'rA' }),
      ev('run.ended', D(1, 5), { run: 'rA', status: 'failed' }),
      ev('change.merged', D(3), { change: 'c1' }),
      ev('defect.opened', D(3), { defect: 'd1' }),
    ], 'other');
    const acme = s.ids.get('acme')!;
    const opts = { db: s.db, prices: PRICES };
    expect(await getKpis(tokenViewer(acme), ['other'], HAND_WINDOW, opts)).toBeNull();
    expect(await getKpis(tokenViewer(acme), ['acme', 'other'], HAND_WINDOW, opts)).toBeNull();
    expect(await getWeeklyKpis(tokenViewer(acme), ['nope'], HAND_WINDOW, opts)).toBeNull();
    expect(await getFlags(tokenViewer(acme), ['other'], HAND_WINDOW, opts)).toBeNull();
    expect((await getKpis(tokenViewer(acme), ['acme'], HAND_WINDOW, opts))!.mergedChanges).toBe(8);
    const both = (await getKpis(OPERATOR, ['acme', 'other'], HAND_WINDOW, opts))!;
    expect(both.team).toBe('acme,other');
    expect(both.mergedChanges).toBe(9);
    expect(both.timeToFix.opened).toBe(7);
    expect(both.runs).toEqual({ ended: 8, converged: 3, convergenceRate: 3 / 8 });
    // Run ids are told apart by team; other's merge of D(3) makes the later period's merges grow
    // (9 > 8), so the two teams together do not diverge.
    const flags = (await getFlags(OPERATOR, ['acme', 'other'], HAND_WINDOW, opts))!.flags;
    expect(flags.map((f) => ('run' in f ? f.run : f.team))).toEqual(['acme/rBurn', 'acme/rChat', 'acme/rIdle', 'acme/rStall']);
  });

  it('equals computeKpis and computeFlags over rows built naively in memory', async () => {
    const s = await handDb();
    const rows = naiveRows(handDataset());
    for (const w of [HAND_WINDOW, { from: D(2, 7), to: D(20, 3), asOf: D(17, 5) }, { from: D(-30), to: D(40), asOf: D(40) }]) {
      expect(roundCosts(await getKpis(OPERATOR, ['acme'], w, { db: s.db, prices: PRICES }))).toEqual(roundCosts({ team: 'acme', ...computeKpis(rows, w, PRICES) }));
      expect(await getFlags(OPERATOR, ['acme'], w, { db: s.db })).toEqual({
        flags: computeFlags({ runs: rows.runs, weeks: weekTotals(rows.changes, rows.usage, w.asOf, 8) }, w, DEFAULT_FLAG_THRESHOLDS, 'acme'),
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('answers from generated data', () => {
  const teams = DEMO_TEAMS.filter((t) => t.slug === 'growth' || t.slug === 'search');
  const asOf = Date.parse('2026-11-26T09:30:00Z');
  const demo = [...generateDemoEvents({ asOf, weeks: 9, teams })] as unknown as Ev[];
  const prices = loadPriceTable({});
  const windows: KpiWindow[] = [
    { from: asOf - 28 * DAY_MS, to: asOf, asOf },
    { from: asOf - 40 * DAY_MS - 7 * HOUR_MS, to: asOf - 2 * DAY_MS + 5 * HOUR_MS, asOf: asOf - 5 * DAY_MS - 3 * HOUR_MS },
    { from: asOf - 70 * DAY_MS, to: asOf + DAY_MS, asOf: asOf + DAY_MS },
  ];
  const answers = (db: Sql, slugs: string[]) =>
    Promise.all(windows.map(async (w) => roundCosts({
      kpis: await getKpis(OPERATOR, slugs, w, { db, prices }),
      weekly: await getWeeklyKpis(OPERATOR, slugs, w, { db, prices }),
      flags: await getFlags(OPERATOR, slugs, w, { db }),
    })));

  it('equal computeKpis / computeWeeklyKpis / computeFlags over naive in-memory rows', async () => {
    const s = await setup(teams);
    await s.send(demo);
    for (const team of teams) {
      const rows = naiveRows(demo.filter((e) => e.team === team.slug));
      for (const w of windows) {
        expect(roundCosts(await getKpis(OPERATOR, [team.slug], w, { db: s.db, prices }))).toEqual(roundCosts({ team: team.slug, ...computeKpis(rows, w, prices) }));
        expect(roundCosts(await getWeeklyKpis(OPERATOR, [team.slug], w, { db: s.db, prices }))).toEqual(roundCosts(computeWeeklyKpis(rows, w, prices)));
        expect(await getFlags(OPERATOR, [team.slug], w, { db: s.db })).toEqual({
          flags: computeFlags({ runs: rows.runs, weeks: weekTotals(rows.changes, rows.usage, w.asOf, 8) }, w, DEFAULT_FLAG_THRESHOLDS, team.slug),
        });
      }
    }
    // The data trips something: the comparison is not between empty answers.
    const flags = (await Promise.all(windows.map(async (w) => (await getFlags(OPERATOR, ['search'], w, { db: s.db }))!.flags))).flat().map((f) => f.kind);
    expect(new Set(flags).size).toBeGreaterThanOrEqual(3);
  });

  it('are the same whatever the order and split of the uploads, and re-sending changes nothing', async () => {
    const reference = await setup(teams);
    await reference.send(demo);
    const slugsList = [['growth'], ['search'], ['growth', 'search']];
    const expected = await Promise.all(slugsList.map((slugs) => answers(reference.db, slugs)));
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 400 }), async (seed, parts, resend) => {
        const s = await setup(teams);
        const shuffled = seededShuffle(demo, seed);
        const size = Math.ceil(shuffled.length / parts);
        for (let i = 0; i < shuffled.length; i += size) await s.send(shuffled.slice(i, i + size));
        await s.send(seededShuffle(shuffled, seed + 1).slice(0, resend));
        for (const [i, slugs] of slugsList.entries()) expect(await answers(s.db, slugs)).toEqual(expected[i]);
        await s.cleanup();
      }),
      { numRuns: 3 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Filters (docs/kpis.md "Filters"): the oracle's rows narrowed in memory, by the letter of the docs.

const tsOfEvent = (e: Ev) => (typeof e.ts === 'number' ? e.ts : Date.parse(e.ts));

/**
 * naiveRows narrowed by the filters at asOf: runs whose earliest run.started carries the values
 * given; changes linked to such a run (or, with `repo` alone, whose own repo — from their earliest
 * event carrying one — is it); defects a defect.opened of which at or before asOf names such a
 * change; the llm.calls of runs whose agent and repo match, with `model` only the calls of that model.
 */
function filteredRows(all: readonly Ev[], f: KpiFilters, asOf: number): KpiInput {
  const events = [...new Map(all.map((e) => [e.id, e])).values()];
  const rows = naiveRows(events);
  if (f.agent === undefined && f.model === undefined && f.repo === undefined) return rows;
  const starts = new Map<string, Ev>();
  for (const e of events) {
    if (e.type !== 'run.started') continue;
    const seen = starts.get(e.run as string);
    if (!seen || tsOfEvent(e) < tsOfEvent(seen)) starts.set(e.run as string, e);
  }
  const runMatches = (run: unknown, withModel = true) => {
    const start = typeof run === 'string' ? starts.get(run) : undefined;
    const is = (key: 'agent' | 'model' | 'repo') => f[key] === undefined || start?.[key] === f[key];
    return is('agent') && (!withModel || is('model')) && is('repo');
  };
  const linkedTo = new Map<string, string>();
  for (const r of rows.runs) for (const c of r.linkedChanges) linkedTo.set(c.change, r.run);
  const ownRepo = new Map<string, [number, string]>();
  for (const e of events) {
    if (!e.type.startsWith('change.') || typeof e.repo !== 'string') continue;
    const seen = ownRepo.get(e.change as string);
    if (!seen || tsOfEvent(e) < seen[0]) ownRepo.set(e.change as string, [tsOfEvent(e), e.repo]);
  }
  const repoOnly = f.repo !== undefined && f.agent === undefined && f.model === undefined;
  const changeMatches = (change: string) =>
    (linkedTo.has(change) && runMatches(linkedTo.get(change))) || (repoOnly && ownRepo.get(change)?.[1] === f.repo);
  const namedDefects = new Set<string>();
  for (const e of events) {
    if (e.type === 'defect.opened' && tsOfEvent(e) <= asOf && ((e.changes as string[] | undefined) ?? []).some(changeMatches)) {
      namedDefects.add(e.defect as string);
    }
  }
  const calls = events.filter((e) => e.type === 'llm.call' && (f.model === undefined || e.model === f.model) && runMatches(e.run, false));
  return {
    changes: rows.changes.filter((c) => changeMatches(c.change)),
    defects: rows.defects.filter((d) => namedDefects.has(d.defect)),
    usage: naiveRows(calls).usage,
    runs: rows.runs.filter((r) => runMatches(r.run)),
  };
}

/** What getKpis, getWeeklyKpis and getFlags answer for the team, against the filtered oracle. */
async function expectOracle(db: Sql, team: string, events: readonly Ev[], w: KpiWindow, f: KpiFilters, prices = PRICES) {
  const rows = filteredRows(events, f, w.asOf);
  const opts = { db, prices, filters: f };
  expect(roundCosts(await getKpis(OPERATOR, [team], w, opts))).toEqual(roundCosts({ team, ...computeKpis(rows, w, prices) }));
  expect(roundCosts(await getWeeklyKpis(OPERATOR, [team], w, opts))).toEqual(roundCosts(computeWeeklyKpis(rows, w, prices)));
  expect(await getFlags(OPERATOR, [team], w, opts)).toEqual({
    flags: computeFlags({ runs: rows.runs, weeks: weekTotals(rows.changes, rows.usage, w.asOf, 8) }, w, DEFAULT_FLAG_THRESHOLDS, team),
  });
}

describe('filters: agent, model, repo', () => {
  const W: KpiWindow = { from: D(0), to: D(14), asOf: D(13) };

  /** Two runs, two agents, three models; a change linked by run, one by branch, one unlinked. */
  function filterDataset(): Ev[] {
    const ev = eventMaker();
    const llm = (run: string, at: number, model: string, input: number) => ev('llm.call', at, { run, model, input_tokens: input, output_tokens: 0 });
    return [
      ev('run.started', D(1), { run: 'rA', agent: 'claude-code', model: 'opus', repo: 'x/api', branch: 'a' }),
      llm('rA', D(1, 1), 'opus', 1000),
      llm('rA', D(1, 2), 'opus', 1000),
      llm('rA', D(1, 3), 'sonnet', 500), // the same run, another model
      ev('run.ended', D(1, 4), { run: 'rA', status: 'succeeded' }),
      ev('run.started', D(2), { run: 'rB', agent: 'codex', model: 'gpt', repo: 'x/web', branch: 'b' }),
      llm('rB', D(2, 1), 'gpt', 300),
      llm('rB', D(2, 2), 'sonnet', 7),
      ev('run.ended', D(2, 3), { run: 'rB', status: 'failed' }),
      ev('change.opened', D(1, 3), { change: 'cA', run: 'rA', repo: 'x/api', branch: 'a' }),
      ev('change.merged', D(3), { change: 'cA' }),
      ev('change.opened', D(2, 2), { change: 'cB', repo: 'x/web', branch: 'b' }), // → rB by branch
      ev('change.merged', D(3, 1), { change: 'cB' }),
      ev('change.opened', D(4), { change: 'cU', repo: 'x/api', branch: 'nobody' }), // linked to no run
      ev('change.merged', D(4, 1), { change: 'cU' }),
      ev('change.opened', D(2, 2, 1), { change: 'cX', run: 'rB', repo: 'x/api' }), // rB's, but its own repo is x/api
      ev('change.merged', D(4, 2), { change: 'cX' }),
      ev('defect.opened', D(5), { defect: 'd1', changes: ['cU'] }),
      ev('defect.fixed', D(5, 6), { defect: 'd1' }),
      ev('defect.opened', D(6), { defect: 'd2', changes: ['cA'] }),
      ev('defect.opened', D(7), { defect: 'd3', changes: ['cB'] }),
      ev('defect.opened', D(13, 1), { defect: 'd3', changes: ['cA'] }), // after asOf: names nothing yet
    ];
  }

  it('narrow runs, changes, usage and defects by hand', async () => {
    const s = await setup();
    const events = filterDataset();
    await s.send(events, 'acme');
    const k = async (filters: KpiFilters) => (await getKpis(OPERATOR, ['acme'], W, { db: s.db, prices: PRICES, filters }))!;
    const brief = async (filters: KpiFilters) => {
      const x = await k(filters);
      return { merged: x.mergedChanges, input: x.tokens.input, calls: x.unpricedCalls, ended: x.runs.ended, converged: x.runs.converged, defects: x.timeToFix.opened };
    };
    expect(await brief({})).toEqual({ merged: 4, input: 2807, calls: 5, ended: 2, converged: 2, defects: 3 });
    // model alone: every call of that model whatever its run; but no run started with it.
    expect(await brief({ model: 'sonnet' })).toEqual({ merged: 0, input: 507, calls: 2, ended: 0, converged: 0, defects: 0 });
    expect(await brief({ model: 'opus' })).toEqual({ merged: 1, input: 2000, calls: 2, ended: 1, converged: 1, defects: 1 });
    // agent: all of the run's calls, whatever their model.
    expect(await brief({ agent: 'claude-code' })).toEqual({ merged: 1, input: 2500, calls: 3, ended: 1, converged: 1, defects: 1 });
    // agent and model: the agent's runs' calls of that model; runs must have started with it.
    expect(await brief({ agent: 'claude-code', model: 'sonnet' })).toEqual({ merged: 0, input: 500, calls: 1, ended: 0, converged: 0, defects: 0 });
    // repo alone: cA (linked to rA) and the changes whose own repo is x/api, linked or not (cU, cX);
    // d1 (names cU) and d2 (cA); d3 names cA only after asOf.
    expect(await brief({ repo: 'x/api' })).toEqual({ merged: 3, input: 2500, calls: 3, ended: 1, converged: 1, defects: 2 });
    // repo with another filter: through the runs only.
    expect(await brief({ repo: 'x/api', agent: 'claude-code' })).toEqual({ merged: 1, input: 2500, calls: 3, ended: 1, converged: 1, defects: 1 });
    expect(await brief({ repo: 'x/web' })).toEqual({ merged: 2, input: 307, calls: 2, ended: 1, converged: 1, defects: 1 });
    // A filter nothing matches: zeros and nulls, not errors.
    expect(await k({ agent: 'nobody' })).toEqual({
      team: 'acme', mergedChanges: 0, mergedPerWeek: 0,
      weekSurvival: { rate: null, survived: 0, eligible: 0, pending: 0 },
      defectRate: { rate: null, failed: 0, eligible: 0, pending: 0 },
      timeToFix: { opened: 0, fixed: 0, open: 0, p50Hours: null, p90Hours: null, kmP50Hours: null },
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
      costUsd: 0, unpricedCalls: 0, costPerMergedChange: null, costPerSurvivingChange: null,
      runs: { ended: 0, converged: 0, convergenceRate: null },
    });
    const weekly = (await getWeeklyKpis(OPERATOR, ['acme'], W, { db: s.db, prices: PRICES, filters: { agent: 'nobody' } }))!;
    expect(weekly.weeks.map((x) => [x.week, x.mergedChanges, x.tokens.total])).toEqual([['2026-06-01', 0, 0], ['2026-06-08', 0, 0]]);
    expect(await getFlags(OPERATOR, ['acme'], W, { db: s.db, filters: { agent: 'nobody' } })).toEqual({ flags: [] });
    const dash = (await getTeamDashboard(OPERATOR, 'acme', { window: W, previous: { from: D(-14), to: D(0), asOf: W.asOf }, filters: { agent: 'nobody' } }, { db: s.db, prices: PRICES }))!;
    expect(dash.timeToFix).toEqual({ fixedHours: [], kmCurve: [{ hours: 0, survival: 1 }] });
    // And every one of them is the oracle's answer.
    for (const f of [{}, { model: 'sonnet' }, { model: 'opus' }, { agent: 'claude-code' }, { agent: 'claude-code', model: 'sonnet' },
      { repo: 'x/api' }, { repo: 'x/api', agent: 'claude-code' }, { repo: 'x/web' }, { agent: 'nobody' }, { agent: 'codex', model: 'gpt', repo: 'x/web' }]) {
      await expectOracle(s.db, 'acme', events, W, f);
    }
  });

  it('equal computeKpis / computeWeeklyKpis / computeFlags over the filtered oracle rows (generated data)', async () => {
    const teams = DEMO_TEAMS.filter((t) => t.slug === 'search');
    const asOf = Date.parse('2026-11-26T09:30:00Z');
    const demo = [...generateDemoEvents({ asOf, weeks: 9, teams })] as unknown as Ev[];
    const s = await setup(teams);
    await s.send(demo);
    const starts = demo.filter((e) => e.type === 'run.started');
    const values = (key: string) => [...new Set(starts.map((e) => e[key]).filter((v): v is string => typeof v === 'string'))].sort();
    const [agents, models, repos] = [values('agent'), values('model'), values('repo')];
    // A model some calls carry but no run started with (e.g. a dated variant), if any.
    const callOnly = [...new Set(demo.filter((e) => e.type === 'llm.call').map((e) => e.model as string))].find((m) => !models.includes(m));
    expect(agents.length).toBeGreaterThan(1);
    expect(repos.length).toBeGreaterThan(1);
    const filters: KpiFilters[] = [
      { agent: agents[0] }, { agent: agents[1] }, { model: models[0] }, { repo: repos[0] }, { repo: repos[1] },
      { agent: agents[0], repo: repos[0] }, { agent: agents[0], model: models[0], repo: repos[0] },
      ...(callOnly ? [{ model: callOnly }, { agent: agents[0], model: callOnly }] : []),
      { agent: 'nobody' },
    ];
    const prices = loadPriceTable({});
    const windows: KpiWindow[] = [
      { from: asOf - 28 * DAY_MS, to: asOf, asOf },
      { from: asOf - 40 * DAY_MS - 7 * HOUR_MS, to: asOf - 2 * DAY_MS + 5 * HOUR_MS, asOf: asOf - 5 * DAY_MS - 3 * HOUR_MS },
    ];
    for (const w of windows) for (const f of filters) await expectOracle(s.db, 'search', demo, w, f, prices);
    // Not between empty answers: some filter keeps changes and usage but not all of them.
    const all = (await getKpis(OPERATOR, ['search'], windows[0], { db: s.db, prices }))!;
    const some = (await getKpis(OPERATOR, ['search'], windows[0], { db: s.db, prices, filters: filters[0] }))!;
    expect(some.mergedChanges).toBeGreaterThan(0);
    expect(some.mergedChanges).toBeLessThan(all.mergedChanges);
    expect(some.tokens.total).toBeGreaterThan(0);
    expect(some.tokens.total).toBeLessThan(all.tokens.total);
    expect(callOnly).toBeDefined();
    const flagged = await Promise.all(filters.map(async (f) => (await getFlags(OPERATOR, ['search'], windows[0], { db: s.db, filters: f }))!.flags.length));
    expect(flagged.filter((n) => n > 0).length).toBeGreaterThan(2);
  });
});

// ---------------------------------------------------------------------------------------------

describe('getTeamDashboard', () => {
  it('answers what getKpis (window and previous), getWeeklyKpis and getFlags answer, with the time-to-fix curve', async () => {
    const s = await setup();
    await s.send(handDataset(), 'acme');
    const opts = { db: s.db, prices: PRICES };
    const previous = { from: D(-28), to: D(0), asOf: HAND_WINDOW.asOf };
    const dash = await getTeamDashboard(OPERATOR, 'acme', { window: HAND_WINDOW, previous }, opts);
    expect(dash).toEqual({
      team: { id: s.ids.get('acme'), slug: 'acme', name: 'Acme' },
      runList: null,
      recentFlags: expect.any(Array),
      kpis: await getKpis(OPERATOR, ['acme'], HAND_WINDOW, opts),
      previousKpis: await getKpis(OPERATOR, ['acme'], previous, opts),
      weekly: await getWeeklyKpis(OPERATOR, ['acme'], HAND_WINDOW, opts),
      flags: await getFlags(OPERATOR, ['acme'], HAND_WINDOW, opts),
      // Fixed after 2, 10, 24, 48 h; open 24 h and 180 h. KM: 5/6, 2/3, 1/2 (the fix at 24 h
      // before the censoring), then 2 at risk at 48 h: 1/4.
      timeToFix: {
        fixedHours: [2, 10, 24, 48],
        kmCurve: [{ hours: 0, survival: 1 }, { hours: 2, survival: 5 / 6 }, { hours: 10, survival: 2 / 3 }, { hours: 24, survival: 0.5 }, { hours: 48, survival: 0.25 }],
      },
    });
    expect(new Set(dash!.recentFlags)).toEqual(new Set(dash!.flags.flags));
    expect(dash!.recentFlags[0].kind).toBe(dash!.flags.flags.some((f) => f.kind === 'divergence') ? 'divergence' : dash!.recentFlags[0].kind);
    expect(dash!.previousKpis!.mergedChanges).toBe(9); // c9 and e1..e8: the previous window is not empty
    expect((await getTeamDashboard(OPERATOR, 'acme', { window: HAND_WINDOW }, opts))!.previousKpis).toBeNull();
    expect(await getTeamDashboard(tokenViewer(s.ids.get('acme')!), 'other', { window: HAND_WINDOW, previous }, opts)).toBeNull();
    expect(await getTeamDashboard(OPERATOR, 'nope', { window: HAND_WINDOW, previous }, opts)).toBeNull();
  });

  it('equals the separate calls on generated data, bit for bit, with and without filters', async () => {
    const teams = DEMO_TEAMS.filter((t) => t.slug === 'growth');
    const asOf = Date.parse('2026-11-26T09:30:00Z');
    const demo = [...generateDemoEvents({ asOf, weeks: 9, teams })] as unknown as Ev[];
    const s = await setup(teams);
    await s.send(demo);
    const run = demo.find((e) => e.type === 'run.started')!;
    const prices = loadPriceTable({});
    const opts = { db: s.db, prices };
    const now = asOf - 3 * HOUR_MS - 17 * 60_000; // not a midnight: the windows' edges split days
    for (const days of [28, 84]) {
      const window = { from: now - days * DAY_MS, to: now, asOf: now };
      const previous = { from: window.from - days * DAY_MS, to: window.from, asOf: now };
      for (const filters of [undefined, { agent: run.agent as string }, { repo: run.repo as string }, { model: run.model as string, agent: run.agent as string }]) {
        const dash = (await getTeamDashboard(OPERATOR, 'growth', { window, previous, filters }, opts))!;
        const o = { ...opts, filters };
        expect(dash.kpis).toEqual(await getKpis(OPERATOR, ['growth'], window, o));
        expect(dash.previousKpis).toEqual(await getKpis(OPERATOR, ['growth'], previous, o));
        expect(dash.weekly).toEqual(await getWeeklyKpis(OPERATOR, ['growth'], window, o));
        expect(dash.flags).toEqual(await getFlags(OPERATOR, ['growth'], window, o));
        expect(dash.timeToFix.fixedHours.length).toBe(dash.kpis.timeToFix.fixed);
        expect(dash.timeToFix.kmCurve[0]).toEqual({ hours: 0, survival: 1 });
      }
    }
    // A previous window seen at another asOf is loaded on its own, with the same answer.
    const window = { from: now - 28 * DAY_MS, to: now, asOf: now };
    const other = { from: now - 56 * DAY_MS, to: now - 28 * DAY_MS, asOf: now - 30 * DAY_MS };
    expect((await getTeamDashboard(OPERATOR, 'growth', { window, previous: other }, opts))!.previousKpis).toEqual(await getKpis(OPERATOR, ['growth'], other, opts));
  });
});
