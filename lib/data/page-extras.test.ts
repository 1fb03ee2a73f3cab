import { describe, expect, it, onTestFinished } from 'vitest';
import { ingest } from '@/lib/ingest/ingest';
import { chunksOf, ndjson, tempDatabase } from '@/lib/testing/db';
import { getFlagRows } from './flag-rows';
import { getTeamDashboard } from './kpis';
import { getRunCosts } from './run-costs';
import { getRuns } from './runs';
import { ensureTeams } from './teams';
import { getUploadSummary } from './upload-summary';
import { getViewFacets } from './view-facets';
import { OPERATOR, type Viewer } from './viewer';

const H = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00Z');
const at = (h: number) => new Date(T0 + h * H).toISOString();
const w = { from: T0, to: T0 + 28 * 24 * H, asOf: T0 + 28 * 24 * H };
const ACME = { id: 1, slug: 'acme' };
const OTHER_MEMBER: Viewer = { kind: 'user', userId: 99, email: 'x@example.test', role: 'member', teamIds: [2] } as Viewer;

const EVENTS: object[] = [
  { id: '1', type: 'run.started', ts: at(1), run: 'r1', agent: 'codex', model: 'gpt-5', repo: 'acme/api', branch: 'fix' },
  { id: '2', type: 'llm.call', ts: at(2), run: 'r1', model: 'gpt-5', input_tokens: 1000, output_tokens: 500, cost_usd: 0.25 },
  { id: '3', type: 'run.ended', ts: at(3), run: 'r1', status: 'succeeded' },
  { id: '4', type: 'change.opened', ts: at(4), change: 'acme/api#1', repo: 'acme/api', branch: 'fix' },
  { id: '5', type: 'change.merged', ts: at(5), change: 'acme/api#1' },
  // r2 burns tokens and never ships: a burn flag.
  { id: '20', type: 'run.started', ts: at(10), run: 'r2', agent: 'claude-code', model: 'claude-sonnet-4-5', repo: 'acme/web', branch: 'x' },
  { id: '21', type: 'llm.call', ts: at(11), run: 'r2', model: 'claude-sonnet-4-5', input_tokens: 300_000, output_tokens: 1000, cache_read_tokens: 50_000 },
  { id: '22', type: 'run.ended', ts: at(12), run: 'r2', status: 'failed' },
];

async function setup() {
  const t = await tempDatabase();
  onTestFinished(t.cleanup);
  await ensureTeams([{ slug: 'acme', name: 'Acme' }, { slug: 'other', name: 'Other' }], t.db);
  const result = await ingest(t.db, chunksOf(ndjson(EVENTS)), { format: 'ndjson', partial: false, source: 'cli', team: ACME });
  return { ...t, result };
}

describe('run costs', () => {
  it('are the runs API’s costs, for the runs of a table page', async () => {
    const { db } = await setup();
    const page = (await getTeamDashboard(OPERATOR, 'acme', { window: w, runs: {} }, { db }))!.runList!.rows;
    const costs = (await getRunCosts(OPERATOR, 'acme', page, w.asOf, db))!;
    const api = (await getRuns(OPERATOR, ['acme'], w, {}, { db }))!.runs;
    expect(costs.size).toBe(2);
    for (const r of api) expect(costs.get(r.run)).toEqual({ costUsd: r.costUsd, unpricedCalls: r.unpricedCalls });
    expect(costs.get('r1')!.costUsd).toBe(0.25);
    expect(costs.get('r2')!.costUsd).toBeGreaterThan(0);
    expect(await getRunCosts(OTHER_MEMBER, 'acme', page, w.asOf, db)).toBeNull();
  });
});

describe('flag rows', () => {
  it('carry the flagged run’s last event, tokens and cost', async () => {
    const { db } = await setup();
    const rows = await getFlagRows(OPERATOR, [{ slug: 'acme', name: 'Acme' }], w, db);
    const r2 = (await getRuns(OPERATOR, ['acme'], w, {}, { db }))!.runs.find((r) => r.run === 'r2')!;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ run: 'r2', at: T0 + 12 * H, tokens: r2.tokens.total, costUsd: r2.costUsd, team: { slug: 'acme' } });
    expect(rows[0].flag.kind).toBe('burn_without_outcome');
    expect(await getFlagRows(OTHER_MEMBER, [{ slug: 'acme', name: 'Acme' }], w, db)).toEqual([]);
  });
});

describe('view facets', () => {
  it('offer every agent of the window even when the view is filtered to one', async () => {
    const { db } = await setup();
    const filtered = (await getTeamDashboard(OPERATOR, 'acme', { window: w, filters: { agent: 'codex' }, runs: { agent: 'codex' } }, { db }))!.runList!.facets;
    expect(filtered.agents).toEqual(['codex']);
    const facets = (await getViewFacets(OPERATOR, 'acme', w, { agent: 'codex' }, filtered, db))!;
    expect(facets).toEqual({ agents: ['claude-code', 'codex'], models: ['claude-sonnet-4-5', 'gpt-5'], repos: ['acme/api', 'acme/web'] });
    expect(await getViewFacets(OPERATOR, 'acme', w, {}, filtered, db)).toBe(filtered);
  });
});

describe('upload summary', () => {
  it('names the runs an upload stored and the time its events span', async () => {
    const { db, result } = await setup();
    const summary = (await getUploadSummary(OPERATOR, 'acme', result.uploadId!, result.accepted, db))!;
    expect(summary).toEqual({
      firstEventAt: T0 + 1 * H,
      lastEventAt: T0 + 12 * H,
      runs: [{ run: 'r1', events: 3 }, { run: 'r2', events: 3 }],
      runCount: 2,
    });
    // A second upload of other events: only its own are summarised.
    const more = [{ id: '30', type: 'run.started', ts: at(100), run: 'r3', agent: 'codex' }, { id: '1', type: 'run.started', ts: at(1), run: 'r1', agent: 'codex', model: 'gpt-5', repo: 'acme/api', branch: 'fix' }];
    const second = await ingest(db, chunksOf(ndjson(more)), { format: 'ndjson', partial: false, source: 'cli', team: ACME });
    expect(second.accepted).toBe(1);
    expect(await getUploadSummary(OPERATOR, 'acme', second.uploadId!, second.accepted, db)).toEqual({ firstEventAt: T0 + 100 * H, lastEventAt: T0 + 100 * H, runs: [{ run: 'r3', events: 1 }], runCount: 1 });
    expect(await getUploadSummary(OTHER_MEMBER, 'acme', result.uploadId!, result.accepted, db)).toBeNull();
  });
});
