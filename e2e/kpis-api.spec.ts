import { expect, test } from '@playwright/test';
import { generateDemoEvents } from '../lib/demo/generate';
import { DEMO_TEAMS } from '../lib/demo/teams';
import { type WireEvent } from '../lib/demo/wire';
import { computeFlags } from '../lib/flags/flags';
import { DEFAULT_FLAG_THRESHOLDS } from '../lib/flags/thresholds';
import { computeKpis, computeWeeklyKpis, weekTotals } from '../lib/kpi/compute';
import { figureDifferences, naiveRows, type OracleEvent } from '../lib/kpi/testing/oracle';
import type { KpiWindow } from '../lib/kpi/types';
import { loadPriceTable } from '../lib/pricing/lookup';
import { cli, uniqueTag } from './helpers';
import { DEMO_MAX_UPLOAD_BYTES, E2E_SERVERS } from './servers';

/**
 * The read API against the library: a generated dataset goes in through POST /api/v1/events,
 * and GET /api/v1/kpis, /kpis/weekly and /flags must answer what computeKpis, computeWeeklyKpis
 * and computeFlags answer over rows built in memory from the same events by the naive oracle
 * (lib/kpi/testing/oracle.ts). Costs agree within 1e-9 USD, everything else exactly.
 */

const server = E2E_SERVERS.demo;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const ASOF = Date.parse('2026-11-26T09:30:00Z');

/** Windows at fixed asOf: the default-sized one, one off the day grid with asOf inside it, the whole span. */
const WINDOWS: (KpiWindow & { name: string })[] = [
  { name: '28 days to asOf', from: ASOF - 28 * DAY, to: ASOF, asOf: ASOF },
  { name: 'off-grid, asOf inside', from: ASOF - 40 * DAY - 7 * HOUR, to: ASOF - 2 * DAY + 5 * HOUR, asOf: ASOF - 5 * DAY - 3 * HOUR },
  { name: 'everything, to after asOf', from: ASOF - 70 * DAY, to: ASOF + DAY, asOf: ASOF + DAY },
];

/**
 * About 4,600 events of the demo's "search" story (stalls, burns, chatter, divergence; merges,
 * modifications, reverts, defects fixed and open) over 9 weeks, re-slugged to `team`; every 10th
 * llm.call carries its own cost_usd and every 25th names a model no price matches.
 */
function dataset(team: string): WireEvent[] {
  const search = DEMO_TEAMS.find((t) => t.slug === 'search')!;
  const profile = { ...search, profile: { ...search.profile, runsPerDay: 1.6 } };
  let llm = 0;
  return [...generateDemoEvents({ asOf: ASOF, weeks: 9, teams: [profile] })].map((e) => {
    const out = { ...e, team } as WireEvent & Record<string, unknown>;
    if (e.type === 'llm.call') {
      llm++;
      if (llm % 10 === 0) out.cost_usd = llm / 1000;
      if (llm % 25 === 0) out.model = 'mystery-model-x';
    }
    return out;
  });
}

/** NDJSON bodies under the demo server's upload limit (1 MiB: the dataset may need more than one). */
function bodies(events: readonly WireEvent[]): { body: string; count: number }[] {
  const limit = Math.floor(DEMO_MAX_UPLOAD_BYTES * 0.9);
  const out: { body: string; count: number }[] = [];
  let body = '';
  let count = 0;
  for (const e of events) {
    const line = JSON.stringify(e) + '\n';
    if (count > 0 && Buffer.byteLength(body + line) > limit) {
      out.push({ body, count });
      body = '';
      count = 0;
    }
    body += line;
    count++;
  }
  if (count > 0) out.push({ body, count });
  return out;
}

const query = (w: KpiWindow, team: string) =>
  new URLSearchParams({ team, from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), asOf: new Date(w.asOf).toISOString() });

test('GET /api/v1/kpis, /kpis/weekly and /flags answer what the library computes from the uploaded events', async ({ request }) => {
  test.setTimeout(240_000); // thousands of events sent, then every window asked three ways: minutes on a busy 2-core machine
  const team = uniqueTag('kpis').toLowerCase();
  expect(cli(server, 'team', 'create', team)).toBe(team);
  const token = cli(server, 'token', 'create', '--team', team, '--scope', 'ingest,read');
  const auth = { authorization: `Bearer ${token}` };

  const events = dataset(team);
  expect(events.length).toBeGreaterThan(4000);
  for (const part of bodies(events)) {
    const res = await request.post('/api/v1/events', { headers: { ...auth, 'content-type': 'application/x-ndjson' }, data: part.body });
    expect(res.status(), await res.text()).toBe(200);
    expect(await res.json()).toEqual({ accepted: part.count, duplicates: 0, rejected: [], rejectedCount: 0 });
  }

  // The oracle, in this process: rows straight from the events, the installation's price table
  // (the server's environment is this runner's), the default thresholds of a fresh team.
  const rows = naiveRows(events as unknown as OracleEvent[]);
  const prices = loadPriceTable(process.env);
  const divergenceWeeks = 2 * DEFAULT_FLAG_THRESHOLDS.divergenceWeeks;

  const flagKinds = new Set<string>();
  let merged = 0;
  let unpriced = 0;
  for (const w of WINDOWS) {
    const q = query(w, team);
    const get = async (path: string) => {
      const res = await request.get(`${path}?${q}`, { headers: auth });
      expect(res.status(), `${path} (${w.name}): ${await res.text()}`).toBe(200);
      return res.json();
    };
    const [kpis, weekly, flags] = await Promise.all([get('/api/v1/kpis'), get('/api/v1/kpis/weekly'), get('/api/v1/flags')]);

    const want = {
      kpis: { team, ...computeKpis(rows, w, prices) },
      weekly: computeWeeklyKpis(rows, w, prices),
      flags: { flags: computeFlags({ runs: rows.runs, weeks: weekTotals(rows.changes, rows.usage, w.asOf, divergenceWeeks) }, w, DEFAULT_FLAG_THRESHOLDS, team) },
    };
    expect(figureDifferences(kpis, want.kpis), `/kpis, ${w.name}`).toEqual([]);
    expect(figureDifferences(weekly, want.weekly), `/kpis/weekly, ${w.name}`).toEqual([]);
    expect(figureDifferences(flags, want.flags), `/flags, ${w.name}`).toEqual([]);

    for (const f of flags.flags as { kind: string }[]) flagKinds.add(f.kind);
    merged += kpis.mergedChanges;
    unpriced += kpis.unpricedCalls;
    expect(weekly.weeks.length).toBeGreaterThan(0);
  }

  // The comparison is not between empty answers: the data trips every rule.
  expect([...flagKinds].sort()).toEqual(['burn_without_outcome', 'chatter', 'divergence', 'stalled']);
  expect(merged).toBeGreaterThan(0);
  expect(unpriced).toBeGreaterThan(0);
});
