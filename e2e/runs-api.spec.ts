import { expect, test } from '@playwright/test';
import { cli, ndjson, uniqueTag } from './helpers';
import { E2E_SERVERS } from './servers';

/**
 * GET /api/v1/runs against the production build: the window's runs newest first, each as seen at
 * asOf, paged by cursor; and the runs table of the dashboard shows the same runs.
 */
const server = E2E_SERVERS.demo;
const T0 = Date.parse('2026-11-02T00:00:00Z');
const H = 3_600_000;
const at = (h: number) => new Date(T0 + h * H).toISOString();

test('GET /api/v1/runs pages the window’s runs as seen at asOf', async ({ request }) => {
  const team = uniqueTag('runs').toLowerCase();
  expect(cli(server, 'team', 'create', team)).toBe(team);
  const token = cli(server, 'token', 'create', '--team', team, '--scope', 'ingest,read');
  const auth = { authorization: `Bearer ${token}` };
  const events = [
    { id: 'a1', type: 'run.started', ts: at(1), run: 'A', agent: 'codex', repo: 'acme/api', branch: 'fix' },
    { id: 'a2', type: 'llm.call', ts: at(2), run: 'A', model: 'gpt-5', input_tokens: 100, output_tokens: 10 },
    { id: 'a3', type: 'llm.call', ts: at(30), run: 'A', model: 'gpt-5', input_tokens: 900_000, output_tokens: 0 },
    { id: 'a4', type: 'run.ended', ts: at(31), run: 'A', status: 'failed' },
    { id: 'b1', type: 'run.started', ts: at(3), run: 'B', agent: 'claude-code' },
    { id: 'b2', type: 'iteration', ts: at(4), run: 'B', n: 1 },
    { id: 'c1', type: 'run.started', ts: at(5), run: 'C' },
    { id: 'x1', type: 'change.opened', ts: at(6), change: 'acme/api#1', repo: 'acme/api', branch: 'fix' },
    { id: 'x2', type: 'change.merged', ts: at(40), change: 'acme/api#1' },
  ];
  const posted = await request.post('/api/v1/events', { headers: { ...auth, 'content-type': 'application/x-ndjson' }, data: ndjson(events) });
  expect(posted.status(), await posted.text()).toBe(200);

  const window = (asOfH: number) => new URLSearchParams({ from: at(0), to: at(asOfH), asOf: at(asOfH) });
  const get = async (q: URLSearchParams) => {
    const res = await request.get(`/api/v1/runs?${q}`, { headers: auth });
    expect(res.status(), await res.text()).toBe(200);
    return res.json();
  };

  // At hour 10: A has its first call only, is running, and its change is linked but not merged.
  const early = await get(window(10));
  expect(early.runs.map((r: { run: string }) => r.run)).toEqual(['C', 'B', 'A']);
  expect(early.runs[2]).toMatchObject({
    run: 'A', agent: 'codex', repo: 'acme/api', branch: 'fix', status: 'running', endedAt: null, lastEventAt: at(2),
    tokens: { input: 100, output: 10, cacheRead: 0, cacheWrite: 0, total: 110 }, changes: [{ change: 'acme/api#1', mergedAt: null }], converged: false, flags: [],
  });
  // At hour 50: A burned 900,110 tokens, ended, and its change merged.
  const late = await get(window(50));
  expect(late.runs[0]).toMatchObject({ run: 'A', status: 'failed', tokens: { total: 900_110 }, changes: [{ change: 'acme/api#1', mergedAt: at(40) }], converged: true });

  // Paging: two pages of two and one.
  const q = window(10);
  q.set('limit', '2');
  const first = await get(q);
  expect(first.runs.map((r: { run: string }) => r.run)).toEqual(['C', 'B']);
  q.set('cursor', first.next);
  const second = await get(q);
  expect(second).toMatchObject({ next: null });
  expect(second.runs.map((r: { run: string }) => r.run)).toEqual(['A']);

  for (const [param, value] of [['limit', '0'], ['limit', '1001'], ['cursor', 'nope']]) {
    const bad = await request.get(`/api/v1/runs?${param}=${value}`, { headers: auth });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).field).toBe(param);
  }
  expect((await request.get('/api/v1/runs', { headers: { authorization: 'Bearer not-a-token' } })).status()).toBe(401);
});
