/**
 * GET /api/v1/compare and /api/v1/whatif (economics-v1.md) held against an independent reference
 * written from the spec's text (lib/testing/reference/economics.ts, sharing no code with
 * lib/economics, lib/kpi or lib/data), over random datasets ingested through the real path, as
 * lib/data/reference.test.ts does for the KPIs: exact, except costs (relative 1e-9), the Wilson
 * interval (to 12 decimals: two spellings of one formula round differently) and the saving
 * (a difference of two costs: within 1e-9 of the larger of them).
 *
 * Reproduce or widen a run with LOOPSCOPE_REFERENCE_SEED and LOOPSCOPE_REFERENCE_RUNS.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { scopeOf } from '@/lib/testing/reference/scope';
import { differences, failureReport } from '@/lib/testing/reference/compare';
import { datasetArb, MODELS, questionsOf, type GeneratedDataset } from '@/lib/testing/reference/datasets';
import { referenceCompare, referenceWhatIf, type RefScenario } from '@/lib/testing/reference/economics';
import { COMPARISON_TIME_LIMIT_MS, loadDataset } from '@/lib/testing/reference-db';
import type { Sql } from './connection';
import { getCompare, getWhatIf } from './economics';
import { OPERATOR } from './viewer';

const SEED = Number(process.env.LOOPSCOPE_REFERENCE_SEED ?? 20260601);
const NUM_RUNS = Number(process.env.LOOPSCOPE_REFERENCE_RUNS ?? 200);

beforeAll(() => {
  delete process.env.LOOPSCOPE_PRICES_FILE;
});

const hundredths = (min: number, max: number) => fc.integer({ min, max }).map((x) => x / 100);

/** One scenario of each kind: rates in cents, any model of the datasets (priced or not), a node. */
const scenariosArb: fc.Arbitrary<RefScenario[]> = fc.tuple(
  fc.record({ inputPerM: hundredths(0, 2000), outputPerM: hundredths(0, 8000), cacheReadPerM: hundredths(0, 300), cacheWritePerM: hundredths(0, 2000) }),
  fc.constantFrom<string>(...MODELS, 'gpt-5', 'claude-opus-4-6'),
  fc.record({
    gpuHourUsd: hundredths(1, 1000),
    gpus: fc.integer({ min: 1, max: 8 }),
    prefillTokensPerSecond: fc.integer({ min: 1, max: 100_000 }),
    decodeTokensPerSecond: fc.integer({ min: 1, max: 10_000 }),
    utilization: hundredths(1, 100),
  }),
).map(([rates, model, node]) => [{ kind: 'price', ...rates }, { kind: 'model', model }, { kind: 'selfhosted', ...node }]);

const twelveDecimals = (x: number) => Number(x.toFixed(12));

/** The compare answer with its Wilson intervals to 12 decimals. */
function roundedIntervals<T extends { groups: { convergenceCi95: [number, number] | null }[] }>(a: T | null): T | null {
  return a && { ...a, groups: a.groups.map((g) => ({ ...g, convergenceCi95: g.convergenceCi95 && [twelveDecimals(g.convergenceCi95[0]), twelveDecimals(g.convergenceCi95[1])] })) };
}

/** The saving's own check, then the rest compared as usual. */
function whatIfDifferences(served: { savingUsd: number; baseline: { costUsd: number }; whatIf: { costUsd: number } } | null, expected: typeof served): string[] {
  if (served === null || expected === null) return differences(served, expected);
  const scale = Math.max(Math.abs(expected.baseline.costUsd), Math.abs(expected.whatIf.costUsd));
  const saving = Math.abs(served.savingUsd - expected.savingUsd) <= 1e-9 * scale ? [] : [`$.savingUsd: served ${served.savingUsd}, expected ${expected.savingUsd}`];
  return [...saving, ...differences({ ...served, savingUsd: 0 }, { ...expected, savingUsd: 0 })];
}

type Endpoint = 'compare' | 'whatif';

async function differencesFor(q: GeneratedDataset, db: Sql, endpoint: Endpoint, scenarios: RefScenario[]): Promise<string[]> {
  const s = scopeOf(q.uploads, q);
  const slugs = q.teams.map((x) => x.slug);
  const options = { db, filters: q.filters };
  const out: string[] = [];
  if (endpoint === 'compare') {
    for (const by of ['agent', 'model'] as const) {
      const served = await getCompare(OPERATOR, slugs, q.window, by, options);
      out.push(...differences(roundedIntervals(served), roundedIntervals(referenceCompare(s, q.window.from, q.window.to, by))).map((d) => `by=${by} ${d}`));
    }
    return out;
  }
  for (const scenario of scenarios) {
    const served = await getWhatIf(OPERATOR, slugs, q.window, scenario, options);
    const expected = referenceWhatIf(s, q.window.from, q.window.to, scenario);
    // The reference's null is the API's 400 naming `model`.
    const answer = served === null ? null : served.ok ? served.answer : null;
    if (served && !served.ok && expected !== null) out.push(`${scenario.kind}: served a ${served.field} error, expected an answer`);
    else out.push(...whatIfDifferences(answer, expected).map((d) => `${scenario.kind} ${d}`));
  }
  return out;
}

async function compare(d: GeneratedDataset, endpoint: Endpoint, scenarios: RefScenario[]): Promise<string | null> {
  const t = await loadDataset(d);
  try {
    for (const q of questionsOf(d)) {
      const diffs = await differencesFor(q, t.db, endpoint, scenarios);
      if (diffs.length > 0) return failureReport(q, [`scenarios: ${JSON.stringify(scenarios)}`, ...diffs]);
    }
    return null;
  } finally {
    await t.cleanup();
  }
}

describe('product vs reference (economics-v1) over random datasets', () => {
  for (const endpoint of ['compare', 'whatif'] as const) {
    it(`agrees on GET /api/v1/${endpoint}`, async () => {
      await fc.assert(
        fc.asyncProperty(datasetArb, scenariosArb, async (d, scenarios) => {
          const failure = await compare(d, endpoint, scenarios);
          if (failure !== null) throw new Error(failure);
        }),
        { numRuns: NUM_RUNS, seed: SEED, interruptAfterTimeLimit: COMPARISON_TIME_LIMIT_MS, markInterruptAsFailure: true },
      );
    }, COMPARISON_TIME_LIMIT_MS + 90_000);
  }

  it('a run whose calls tie between two models is grouped under the smaller id', async () => {
    const T0 = Date.UTC(2026, 5, 1);
    const H = 3_600_000;
    const events = [
      { type: 'run.started', ts: T0 + H, run: 'r', agent: 'codex' },
      { type: 'llm.call', ts: T0 + 2 * H, run: 'r', model: 'gpt-5.7', input_tokens: 10, output_tokens: 0 },
      { type: 'llm.call', ts: T0 + 3 * H, run: 'r', model: 'claude-sonnet-4-5', input_tokens: 5, output_tokens: 5 },
      { type: 'run.ended', ts: T0 + 4 * H, run: 'r', status: 'succeeded' },
    ].map((e, i) => ({ ...e, id: `e${i + 1}`, team: 'acme' }));
    const teams = [{ slug: 'acme', thresholds: {} }];
    const d: GeneratedDataset = { teams, allTeams: teams, uploads: [events], window: { from: T0, to: T0 + 7 * 24 * H, asOf: T0 + 7 * 24 * H }, more: [] };
    expect(await compare(d, 'compare', [])).toBeNull();
    const t = await loadDataset(d);
    try {
      const served = await getCompare(OPERATOR, ['acme'], d.window, 'model', { db: t.db });
      expect(served!.groups.map((g) => g.key)).toEqual(['claude-sonnet-4-5']);
    } finally {
      await t.cleanup();
    }
  });
});
