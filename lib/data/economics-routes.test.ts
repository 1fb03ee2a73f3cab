/**
 * GET /api/v1/compare and GET /api/v1/whatif through their route handlers on a real database:
 * credentials (401 / 403 / 404 as /kpis), the answers for a small hand-computed workload, and a
 * 400 naming the field for each kind of bad parameter.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as compareRoute } from '@/app/api/v1/compare/route';
import { GET as whatIfRoute } from '@/app/api/v1/whatif/route';
import { ingest } from '@/lib/ingest/ingest';
import { chunksOf, ndjson, pointServerAt, tempDatabase, type TempDatabase } from '@/lib/testing/db';
import { reportCsv, reportJson } from '@/lib/reports/export';
import { sharePageHtml } from '@/lib/reports/share-html';
import { closeDb } from './connection';
import { buildReport, dashboardView } from './reports';
import { ensureTeams } from './teams';
import { createApiToken } from './tokens';
import { OPERATOR } from './viewer';

// Last-use times go through the ingest worker on the server: not in these tests.
vi.mock('@/lib/ingest/queue', () => ({ writeInWorker: () => Promise.resolve() }));

const T0 = Date.UTC(2026, 5, 1);
const H = 3_600_000;
const iso = (hours: number) => new Date(T0 + hours * H).toISOString();
const WINDOW = `from=${iso(0)}&to=${iso(28 * 24)}&asOf=${iso(28 * 24)}`;

// codex: run a converged (a change merged on day 1, never touched: it survives its week), 1M
// input tokens of claude-sonnet-4-5 ($3); run b did not, 1,000 tokens of an unpriced model.
// claude-code: run c, no call at all.
const EVENTS = [
  { type: 'run.started', ts: iso(1), run: 'a', agent: 'codex', repo: 'x/y', branch: 'a' },
  { type: 'llm.call', ts: iso(2), run: 'a', model: 'claude-sonnet-4-5', input_tokens: 1_000_000, output_tokens: 0 },
  { type: 'change.merged', ts: iso(24), change: 'ch-a', run: 'a' },
  { type: 'run.ended', ts: iso(25), run: 'a', status: 'succeeded' },
  { type: 'run.started', ts: iso(1), run: 'b', agent: 'codex' },
  { type: 'llm.call', ts: iso(2), run: 'b', model: 'gpt-5.7', input_tokens: 1_000, output_tokens: 0 },
  { type: 'run.ended', ts: iso(3), run: 'b', status: 'failed' },
  { type: 'run.started', ts: iso(1), run: 'c', agent: 'claude-code' },
  { type: 'run.ended', ts: iso(3), run: 'c', status: 'failed' },
].map((e, i) => ({ ...e, id: `e${i}` }));

let t: TempDatabase;
let restore: () => void = () => {};
const tokens = { read: '', ingest: '' };

beforeAll(async () => {
  t = await tempDatabase();
  restore = pointServerAt(t);
  await ensureTeams([{ slug: 'acme', name: 'Acme' }], t.db);
  const result = await ingest(t.db, chunksOf(ndjson(EVENTS.map((e) => ({ ...e, team: 'acme' })))), { format: 'ndjson', partial: false, source: 'cli' });
  if (!result.ok) throw new Error('ingest refused');
  tokens.read = (await createApiToken(OPERATOR, { teamId: 1, scopes: ['read'] }, t.db)).token;
  tokens.ingest = (await createApiToken(OPERATOR, { teamId: 1, scopes: ['ingest'] }, t.db)).token;
});

afterAll(async () => {
  await closeDb();
  restore();
  await t.cleanup();
});

const get = async (route: (r: Request) => Promise<Response>, path: string, token: string | null = tokens.read) => {
  const res = await route(new Request(`http://localhost${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));
  return { status: res.status, body: await res.json() };
};

describe('GET /api/v1/compare', () => {
  it('groups the ended runs by agent, largest first', async () => {
    const { status, body } = await get(compareRoute, `/api/v1/compare?by=agent&${WINDOW}`);
    expect(status).toBe(200);
    expect(body.by).toBe('agent');
    expect(body.groups.map((g: { key: string }) => g.key)).toEqual(['codex', 'claude-code']);
    const [codex, claude] = body.groups;
    expect(codex).toMatchObject({
      runs: 2, converged: 1, convergenceRate: 0.5,
      tokens: { input: 1_001_000, output: 0, cacheRead: 0, cacheWrite: 0, total: 1_001_000 },
      mergedChanges: 1, weekSurvival: { rate: 1, survived: 1, eligible: 1 }, medianTokensPerConvergedRun: 1_000_000,
    });
    expect(codex.costUsd).toBeCloseTo(3, 12);
    expect(codex.costPerSurvivingChange).toBeCloseTo(3, 12);
    expect(codex.convergenceCi95[0]).toBeCloseTo(0.094531, 5);
    expect(claude).toMatchObject({ runs: 1, converged: 0, costUsd: 0, mergedChanges: 0, costPerSurvivingChange: null, medianTokensPerConvergedRun: null });
  });

  it('by model: the main model, none for the run without calls; filters as /kpis', async () => {
    const { body } = await get(compareRoute, `/api/v1/compare?by=model&${WINDOW}`);
    expect(body.groups.map((g: { key: string; runs: number }) => [g.key, g.runs])).toEqual([['claude-sonnet-4-5', 1], ['gpt-5.7', 1], ['none', 1]]);
    const filtered = await get(compareRoute, `/api/v1/compare?by=model&agent=claude-code&${WINDOW}`);
    expect(filtered.body.groups.map((g: { key: string }) => g.key)).toEqual(['none']);
  });

  it.each([
    ['', 'by'],
    ['by=team', 'by'],
    ['by=agent&asOf=yesterday', 'asOf'],
    ['by=agent&agent=a&agent=b', 'agent'],
  ])('%j → 400 naming %s', async (query, field) => {
    const { status, body } = await get(compareRoute, `/api/v1/compare?${query}`);
    expect(status).toBe(400);
    expect(body.field).toBe(field);
  });

  it('401 without a token, 403 without the read scope, 404 for a team it cannot see', async () => {
    expect((await get(compareRoute, '/api/v1/compare?by=agent', null)).status).toBe(401);
    expect((await get(compareRoute, '/api/v1/compare?by=agent', tokens.ingest)).status).toBe(403);
    expect(await get(compareRoute, '/api/v1/compare?by=agent&team=other')).toEqual({ status: 404, body: { error: 'no such team' } });
  });
});

describe('GET /api/v1/whatif', () => {
  it('price: the window re-priced beside today', async () => {
    const { status, body } = await get(whatIfRoute, `/api/v1/whatif?scenario=price&inputPerM=1&outputPerM=2&cacheReadPerM=0&cacheWritePerM=0&${WINDOW}`);
    expect(status).toBe(200);
    expect(body.scenario).toEqual({ kind: 'price', inputPerM: 1, outputPerM: 2, cacheReadPerM: 0, cacheWritePerM: 0 });
    // Today $3 (the unpriced call adds 0) for 1 merged change that survived; the scenario $1.001.
    expect(body.baseline.costUsd).toBeCloseTo(3, 12);
    expect(body.baseline.costPerSurvivingChange).toBeCloseTo(3, 12);
    expect(body.whatIf.costUsd).toBeCloseTo(1.001, 12);
    expect(body.whatIf.costPerMergedChange).toBeCloseTo(1.001, 12);
    expect(body.savingUsd).toBeCloseTo(1.999, 12);
  });

  it('model: `model` names the scenario, not a filter; other filters still narrow', async () => {
    const { body } = await get(whatIfRoute, `/api/v1/whatif?scenario=model&model=claude-haiku-4-5&${WINDOW}`);
    expect(body.scenario).toEqual({ kind: 'model', model: 'claude-haiku-4-5' });
    expect(body.baseline.costUsd).toBeCloseTo(3, 12);
    expect(body.whatIf.costUsd).toBeGreaterThan(0);
    const narrowed = await get(whatIfRoute, `/api/v1/whatif?scenario=model&model=claude-haiku-4-5&agent=claude-code&${WINDOW}`);
    expect(narrowed.body.whatIf.costUsd).toBe(0);
  });

  it('selfhosted: node time; utilization defaults to 1', async () => {
    const node = 'gpuHourUsd=3.6&gpus=2&prefillTokensPerSecond=1001000&decodeTokensPerSecond=100';
    const { body } = await get(whatIfRoute, `/api/v1/whatif?scenario=selfhosted&${node}&${WINDOW}`);
    expect(body.scenario.utilization).toBe(1);
    // 1,001,000 input tokens ÷ 1,001,000 tok/s = 1 s of a 2 × $3.60/h node = $0.002.
    expect(body.whatIf.costUsd).toBeCloseTo(0.002, 12);
  });

  it.each([
    ['', 'scenario'],
    ['scenario=gpu', 'scenario'],
    ['scenario=price&inputPerM=1&outputPerM=1&cacheReadPerM=1', 'cacheWritePerM'],
    ['scenario=price&inputPerM=-1&outputPerM=1&cacheReadPerM=1&cacheWritePerM=1', 'inputPerM'],
    ['scenario=model', 'model'],
    ['scenario=model&model=no-such-model-anywhere', 'model'],
    ['scenario=selfhosted&gpuHourUsd=2&gpus=0&prefillTokensPerSecond=1&decodeTokensPerSecond=1', 'gpus'],
    ['scenario=selfhosted&gpuHourUsd=2&gpus=1&prefillTokensPerSecond=1&decodeTokensPerSecond=1&utilization=2', 'utilization'],
    ['scenario=price&inputPerM=1&outputPerM=1&cacheReadPerM=1&cacheWritePerM=1&from=2026-01-01', 'from'],
  ])('%j → 400 naming %s', async (query, field) => {
    const { status, body } = await get(whatIfRoute, `/api/v1/whatif?${query}`);
    expect(status).toBe(400);
    expect(body.field).toBe(field);
  });

  it('401 without a token, 404 for a team it cannot see', async () => {
    expect((await get(whatIfRoute, '/api/v1/whatif?scenario=model&model=gpt-5', null)).status).toBe(401);
    expect((await get(whatIfRoute, '/api/v1/whatif?scenario=model&model=gpt-5&team=other')).status).toBe(404);
  });
});

describe('in reports (share links and exports)', () => {
  const at = T0 + 28 * 24 * H;
  const params = { from: '2026-06-01', to: '2026-06-28', 'whatif.scenario': 'price', 'whatif.inputPerM': '1', 'whatif.outputPerM': '2', 'whatif.cacheReadPerM': '0', 'whatif.cacheWritePerM': '0' };

  it('a view keeps its scenario; a bad one is refused naming the field', () => {
    expect(dashboardView('acme', params, at)).toMatchObject({ ok: true, view: { scenario: { kind: 'price', inputPerM: 1 } } });
    expect(dashboardView('acme', { ...params, 'whatif.gpus': '0', 'whatif.scenario': 'selfhosted' }, at)).toMatchObject({ ok: false, field: 'whatif.gpuHourUsd' });
  });

  it('the report carries both groupings and the scenario, in JSON, CSV and the share page', async () => {
    const asked = dashboardView('acme', params, at);
    if (!asked.ok) throw new Error(asked.error);
    const report = (await buildReport(OPERATOR, asked.view, at, t.db))!;
    expect(report.economics!.byAgent.groups.map((g) => g.key)).toEqual(['codex', 'claude-code']);
    expect(report.economics!.byModel.groups).toHaveLength(3);
    expect(report.economics!.whatIf!.whatIf.costUsd).toBeCloseTo(1.001, 12);
    const meta = { kind: 'team report', mode: null } as const;
    expect(reportJson(report, meta).economics!.whatIf!.savingUsd).toBe(2);
    const csv = reportCsv(report, meta);
    expect(csv).toContain('compare.agent,,runs,2,codex');
    expect(csv).toContain('compare.model,,runs,1,none');
    expect(csv).toContain('whatif,,whatIf.whatIf.costUsd,1,');
    const page = sharePageHtml(report, { mode: 'live', expiresAt: at, token: 'x' });
    expect(page).toContain('too few runs to tell');
    expect(page).toContain('Agents &amp; models');
  });
});
