import { afterEach, describe, expect, it } from 'vitest';
import { rebuildDemo } from '@/lib/demo/seed';
import { DEMO_TEAMS } from '@/lib/demo/teams';
import { explainRunFlags } from '@/lib/flags/explain';
import { burnBasis } from '@/lib/flags/flags';
import { ingest } from '@/lib/ingest/ingest';
import { chunksOf, ndjson, tempDatabase } from '@/lib/testing/db';
import type { Sql } from './connection';
import { getTeamDashboard } from './kpis';
import { decodeRunsCursor, getRunDetail, getRuns, summariseIterations, teamsWithRun, type RunQuery, type RunsCursor } from './runs';
import { loadRunRows } from './rows/load';
import { getFlagThresholds } from './team-settings';
import { ensureTeams, findTeam } from './teams';
import { OPERATOR, type Viewer } from './viewer';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const H = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00Z');
const at = (h: number) => new Date(T0 + h * H).toISOString();
const w = { from: T0, to: T0 + 28 * 24 * H, asOf: T0 + 28 * 24 * H };

async function setup() {
  const t = await tempDatabase();
  cleanups.push(t.cleanup);
  await ensureTeams([{ slug: 'acme', name: 'Acme' }, { slug: 'other', name: 'Other' }], t.db);
  const events: object[] = [
    // r1: converges through an implicit repo+branch link; its change is modified and names a defect.
    { id: '1', type: 'run.started', ts: at(1), run: 'r1', agent: 'codex', model: 'gpt-5', repo: 'acme/api', branch: 'fix' },
    { id: '2', type: 'iteration', ts: at(2), run: 'r1', n: 1 },
    { id: '3', type: 'llm.call', ts: at(2.1), run: 'r1', model: 'gpt-5', input_tokens: 100, output_tokens: 50 },
    { id: '4', type: 'test.result', ts: at(2.2), run: 'r1', passed: 3, failed: 2 },
    { id: '5', type: 'iteration', ts: at(3), run: 'r1', n: 2 },
    { id: '6', type: 'tool.call', ts: at(3.1), run: 'r1', tool: 'Edit', ok: false },
    { id: '7', type: 'test.result', ts: at(3.2), run: 'r1', passed: 5, failed: 0 },
    { id: '8', type: 'run.ended', ts: at(4), run: 'r1', status: 'succeeded' },
    { id: '9', type: 'change.opened', ts: at(5), change: 'acme/api#1', repo: 'acme/api', branch: 'fix', title: 'Fix login' },
    { id: '10', type: 'change.merged', ts: at(6), change: 'acme/api#1' },
    { id: '11', type: 'change.modified', ts: at(30), change: 'acme/api#1', lines: 4 },
    { id: '12', type: 'defect.opened', ts: at(40), defect: 'BUG-1', changes: ['acme/api#1'] },
    { id: '13', type: 'defect.fixed', ts: at(50), defect: 'BUG-1', change: 'acme/api#2' },
    // r2: burns tokens, never ships.
    { id: '20', type: 'run.started', ts: at(10), run: 'r2', agent: 'claude-code', model: 'claude-sonnet-4-5', repo: 'acme/web', branch: 'x' },
    { id: '21', type: 'llm.call', ts: at(11), run: 'r2', model: 'claude-sonnet-4-5', input_tokens: 300_000, output_tokens: 1 },
    { id: '22', type: 'run.ended', ts: at(12), run: 'r2', status: 'failed' },
    // r3: still running.
    { id: '30', type: 'run.started', ts: at(20), run: 'r3', agent: 'codex', repo: 'acme/api', branch: 'y' },
  ];
  await ingest(t.db, chunksOf(ndjson(events)), { format: 'ndjson', partial: false, source: 'cli', team: { id: 1, slug: 'acme' } });
  return t;
}

const runList = async (db: Sql, query: RunQuery) =>
  (await getTeamDashboard(OPERATOR, 'acme', { window: w, runs: query }, { db }))!.runList!;

describe('the runs table', () => {
  it('lists the window’s runs with their outcome and flags, filtered, sorted and paged', async () => {
    const { db } = await setup();
    const all = await runList(db, {});
    expect(all.rows.map((r) => r.run)).toEqual(['r3', 'r2', 'r1']);
    expect(all.facets).toEqual({ agents: ['claude-code', 'codex'], models: ['claude-sonnet-4-5', 'gpt-5'], repos: ['acme/api', 'acme/web'] });
    const r1 = all.rows.find((r) => r.run === 'r1')!;
    expect(r1).toMatchObject({ status: 'succeeded', iterations: 2, linkedChanges: 1, mergedAt: T0 + 6 * H, flags: [] });
    expect(r1.tokens).toEqual({ input: 100, output: 50, cacheRead: 0, cacheWrite: 0, total: 150 });
    expect(all.rows.find((r) => r.run === 'r3')!.status).toBe('running');
    expect((await runList(db, { flagged: true })).rows.map((r) => r.run)).toEqual(['r2']);
    expect((await runList(db, { agent: 'codex', sort: 'tokens', desc: false })).rows.map((r) => r.run)).toEqual(['r3', 'r1']);
    expect((await runList(db, { status: 'running' })).total).toBe(1);
    const paged = await runList(db, { pageSize: 2, page: 2 });
    expect(paged).toMatchObject({ total: 3, page: 2, pageCount: 2 });
    expect(paged.rows.map((r) => r.run)).toEqual(['r1']);
  });

  it('answers null for a team the viewer cannot see', async () => {
    const { db } = await setup();
    const otherTeamToken: Viewer = { kind: 'token', tokenId: 1, teamId: 2, scopes: ['read'] };
    expect(await getTeamDashboard(otherTeamToken, 'acme', { window: w, runs: {} }, { db })).toBeNull();
    expect(await getRuns(otherTeamToken, ['acme'], w, {}, { db })).toBeNull();
    expect(await getRunDetail(otherTeamToken, 'acme', 'r1', w, db)).toBeNull();
    expect(await teamsWithRun(otherTeamToken, 'r1', db)).toEqual([]);
    expect((await teamsWithRun(OPERATOR, 'r1', db)).map((t) => t.slug)).toEqual(['acme']);
  });
});

describe('getRuns (GET /api/v1/runs)', () => {
  it('answers the window’s runs newest last event first, as the runs table shows them', async () => {
    const { db } = await setup();
    const answer = (await getRuns(OPERATOR, ['acme'], w, {}, { db }))!;
    expect(answer.next).toBeNull();
    expect(answer.runs.map((r) => r.run)).toEqual(['r3', 'r2', 'r1']);
    expect(answer.runs[2]).toEqual({
      run: 'r1', agent: 'codex', model: 'gpt-5', repo: 'acme/api', branch: 'fix', task: null, status: 'succeeded',
      startedAt: at(1), endedAt: at(4), lastEventAt: at(4), iterations: 2,
      tokens: { input: 100, output: 50, cacheRead: 0, cacheWrite: 0, total: 150 },
      costUsd: answer.runs[2].costUsd, unpricedCalls: 0,
      changes: [{ change: 'acme/api#1', mergedAt: at(6) }], converged: true, flags: [],
    });
    expect(answer.runs[2].costUsd).toBeGreaterThan(0);
    expect(answer.runs[1]).toMatchObject({ run: 'r2', status: 'failed', converged: false, flags: ['burn_without_outcome'] });
    const table = await runList(db, {});
    expect(answer.runs.map((r) => [r.run, r.tokens.total, r.iterations, r.flags])).toEqual(table.rows.map((r) => [r.run, r.tokens.total, r.iterations, r.flags]));
  });

  it('pages with a cursor, and refuses none it did not make', async () => {
    const { db } = await setup();
    const first = (await getRuns(OPERATOR, ['acme'], w, { limit: 2 }, { db }))!;
    expect(first.runs.map((r) => r.run)).toEqual(['r3', 'r2']);
    const cursor = decodeRunsCursor(first.next!);
    expect(cursor).toEqual({ lastEventAt: T0 + 12 * H, run: 'r2' } satisfies RunsCursor);
    const second = (await getRuns(OPERATOR, ['acme'], w, { limit: 2, cursor }, { db }))!;
    expect(second).toMatchObject({ next: null });
    expect(second.runs.map((r) => r.run)).toEqual(['r1']);
    expect(decodeRunsCursor('not a cursor')).toBeNull();
    expect(decodeRunsCursor(Buffer.from('[1, 2]').toString('base64url'))).toBeNull();
  });

  it('shows each run as it was at asOf: tokens, status, end, iterations, changes', async () => {
    const { db } = await setup();
    // At 2 h 30 min: r1 has started, one iteration and one call, no end, no change yet.
    const asOf = T0 + 2.5 * H;
    const early = (await getRuns(OPERATOR, ['acme'], { from: T0, to: asOf, asOf }, {}, { db }))!;
    expect(early.runs).toHaveLength(1);
    expect(early.runs[0]).toMatchObject({
      run: 'r1', status: 'running', endedAt: null, lastEventAt: at(2.2), iterations: 1, tokens: { total: 150 }, changes: [], converged: false,
    });
    const detail = (await getRunDetail(OPERATOR, 'acme', 'r1', { from: T0, to: asOf, asOf }, db))!;
    expect(detail.run).toMatchObject({ status: 'running', endedAt: null, lastEventAt: T0 + 2.2 * H, iterations: 1, testResults: 1, linkedChanges: 0 });
    expect(detail.changes).toEqual([]);
    // Before its first event a run does not exist.
    expect(await getRunDetail(OPERATOR, 'acme', 'r2', { from: T0, to: asOf, asOf }, db)).toBeNull();
  });
});

describe('getRunDetail', () => {
  it('shows the loop by iteration, the change it produced and that change’s fate', async () => {
    const { db } = await setup();
    const d = (await getRunDetail(OPERATOR, 'acme', 'r1', w, db))!;
    expect(d.iterations).toEqual([
      { n: 1, at: T0 + 2 * H, tokens: 150, llmCalls: 1, toolCalls: 0, failedToolCalls: 0, messages: 0, testsFailed: 2, testsPassed: 3 },
      { n: 2, at: T0 + 3 * H, tokens: 0, llmCalls: 0, toolCalls: 1, failedToolCalls: 1, messages: 0, testsFailed: 0, testsPassed: 5 },
    ]);
    expect(d.changes).toEqual([
      {
        change: 'acme/api#1', title: 'Fix login', repo: 'acme/api', branch: 'fix', openedAt: T0 + 5 * H, mergedAt: T0 + 6 * H,
        closedAt: null, modified: [{ at: T0 + 30 * H, lines: 4 }], reverted: [], defects: [{ defect: 'BUG-1', openedAt: T0 + 40 * H, fixedAt: T0 + 50 * H }],
      },
    ]);
    expect(d.flags).toEqual({ status: 'converged', convergedAt: T0 + 6 * H });
    expect(d.events).toHaveLength(8);
  });

  it('explains the flag of a burning run', async () => {
    const { db } = await setup();
    const d = (await getRunDetail(OPERATOR, 'acme', 'r2', w, db))!;
    expect(d.flags.status).toBe('checked');
    if (d.flags.status === 'checked') expect(d.flags.rules.find((r) => r.kind === 'burn_without_outcome')!.tripped).toBe(true);
    expect(d.run.flags).toEqual(['burn_without_outcome']);
  });
});

describe('getRunDetail on a whole organisation', () => {
  const DAY = 24 * H;
  const AS_OF = Date.UTC(2026, 10, 30, 12, 0, 0);
  const window = { from: AS_OF - 28 * DAY, to: AS_OF, asOf: AS_OF };

  /** What the run page must say: the rules held against the run with all the team's runs read. */
  async function explainedWithAllRuns(db: Sql, slug: string, run: string, flagWindow: typeof window) {
    const team = (await findTeam(OPERATOR, slug, db))!;
    const thresholds = await getFlagThresholds(team.id, db);
    const [all] = await loadRunRows(db, [{ teamId: team.id, prefix: '' }], flagWindow, () => thresholds, undefined);
    return { explanation: explainRunFlags(all.flags, run, flagWindow, thresholds), basis: burnBasis(all.flags, flagWindow, thresholds) };
  }

  it('explains each run as a read of all the team’s runs does, and follows the team’s data when it changes', async () => {
    const t = await tempDatabase();
    cleanups.push(t.cleanup);
    await rebuildDemo(t.db, AS_OF);
    const slug = DEMO_TEAMS[0].slug;
    const runs = (await getTeamDashboard(OPERATOR, slug, { window, runs: { sort: 'tokens', desc: true } }, { db: t.db }))!.runList!.rows.map((r) => r.run);
    // The costliest runs (where the burn rule is decided) and some of the others.
    const sample = [...runs.slice(0, 15), ...runs.filter((_, i) => i % 25 === 0)];
    let burning = 0;
    let checked: string | null = null;
    for (const run of sample) {
      const d = (await getRunDetail(OPERATOR, slug, run, window, t.db))!;
      const expected = await explainedWithAllRuns(t.db, slug, run, d.flagWindow);
      expect(d.flags, run).toEqual(expected.explanation);
      if (d.flags.status === 'checked' && d.flags.rules[0].tripped) burning++;
      if (d.flags.status === 'checked' && d.flagWindow === window) checked ??= run;
    }
    expect(burning).toBeGreaterThan(0);

    // More converged runs that burned far more: the team's median, and so its threshold, go up.
    const before = await explainedWithAllRuns(t.db, slug, checked!, window);
    const heavy = Array.from({ length: 12 }, (_, i) => {
      const run = `heavy-${i}`;
      const ts = (h: number) => new Date(AS_OF - 3 * DAY + i * H + h * 60_000).toISOString();
      return [
        { id: `${run}-s`, type: 'run.started', ts: ts(0), run, agent: 'codex', repo: 'heavy/repo', branch: run },
        { id: `${run}-l`, type: 'llm.call', ts: ts(1), run, model: 'gpt-5', input_tokens: 5_000_000, output_tokens: 1 },
        { id: `${run}-e`, type: 'run.ended', ts: ts(2), run, status: 'succeeded' },
        { id: `${run}-o`, type: 'change.opened', ts: ts(3), change: `heavy/repo#${i}`, repo: 'heavy/repo', branch: run, title: run },
        { id: `${run}-m`, type: 'change.merged', ts: ts(4), change: `heavy/repo#${i}` },
      ];
    }).flat();
    const team = (await findTeam(OPERATOR, slug, t.db))!;
    await ingest(t.db, chunksOf(ndjson(heavy)), { format: 'ndjson', partial: false, source: 'cli', team: { id: team.id, slug } });
    const after = await explainedWithAllRuns(t.db, slug, checked!, window);
    expect(after.basis.threshold).toBeGreaterThan(before.basis.threshold);
    expect(after.explanation).not.toEqual(before.explanation); // the burn rule's sentence names the threshold
    expect((await getRunDetail(OPERATOR, slug, checked!, window, t.db))!.flags).toEqual(after.explanation);
  }, 120_000);
});

describe('summariseIterations', () => {
  it('keeps what happened before the first iteration as iteration 0', () => {
    const s = summariseIterations([
      { id: 'a', type: 'message', ts: 1, fields: {} },
      { id: 'b', type: 'iteration', ts: 2, fields: { n: 1 } },
    ]);
    expect(s.map((i) => [i.n, i.messages])).toEqual([[0, 1], [1, 0]]);
  });
});
