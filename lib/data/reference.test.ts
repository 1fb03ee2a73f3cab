/**
 * The product's figures held against an independent reference implementation of kpis-v1.md
 * (lib/testing/reference: written from the spec over raw events, no code shared with lib/kpi,
 * lib/flags or lib/data). Every generated dataset goes into a fresh SQLite file through the real
 * ingestion path; getKpis, getWeeklyKpis and getFlags must give the reference's answers: exact,
 * except costs (relative 1e-9); flags as a set of (kind, run) with their evidence.
 *
 * Reproduce or widen a run with LOOPSCOPE_REFERENCE_SEED and LOOPSCOPE_REFERENCE_RUNS.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { differences, failureReport, flagSet } from '@/lib/testing/reference/compare';
import { datasetArb, questionsOf, type GeneratedDataset } from '@/lib/testing/reference/datasets';
import { referenceAnswers, type RawEvent, type TeamSpec } from '@/lib/testing/reference';
import { COMPARISON_TIME_LIMIT_MS, loadDataset } from '@/lib/testing/reference-db';
import type { Sql } from './connection';
import { getFlags, getKpis, getWeeklyKpis } from './kpis';
import { OPERATOR } from './viewer';

const SEED = Number(process.env.LOOPSCOPE_REFERENCE_SEED ?? 20260601);
const NUM_RUNS = Number(process.env.LOOPSCOPE_REFERENCE_RUNS ?? 200);

beforeAll(() => {
  // The reference prices with the shipped table: so must the product.
  delete process.env.LOOPSCOPE_PRICES_FILE;
});

type Endpoint = 'kpis' | 'weekly' | 'flags';

/** The differences between what the product serves for one question and the reference's answer. */
async function differencesFor(q: GeneratedDataset, db: Sql, endpoint: Endpoint): Promise<string[]> {
  const expected = referenceAnswers(q);
  const slugs = q.teams.map((x) => x.slug);
  const options = { db, filters: q.filters };
  switch (endpoint) {
    case 'kpis':
      return differences(await getKpis(OPERATOR, slugs, q.window, options), expected.kpis);
    case 'weekly':
      return differences(await getWeeklyKpis(OPERATOR, slugs, q.window, options), expected.weekly);
    case 'flags': {
      const served = await getFlags(OPERATOR, slugs, q.window, options);
      return differences(served && flagSet(served.flags), flagSet(expected.flags.flags));
    }
  }
}

/**
 * The dataset ingested once, every one of its questions asked of that database: the report of the
 * first question answered differently (the question, the differences, the dataset), or null.
 */
async function compare(d: GeneratedDataset, endpoint: Endpoint): Promise<string | null> {
  const t = await loadDataset(d);
  try {
    for (const q of questionsOf(d)) {
      const diffs = await differencesFor(q, t.db, endpoint);
      if (diffs.length > 0) return failureReport(q, diffs);
    }
    return null;
  } finally {
    await t.cleanup();
  }
}

describe('product vs reference (kpis-v1) over random datasets', () => {
  for (const endpoint of ['kpis', 'weekly', 'flags'] as const) {
    it(`agrees on ${endpoint === 'kpis' ? 'GET /api/v1/kpis' : endpoint === 'weekly' ? 'GET /api/v1/kpis/weekly' : 'GET /api/v1/flags'}`, async () => {
      await fc.assert(
        fc.asyncProperty(datasetArb, async (d) => {
          const failure = await compare(d, endpoint);
          if (failure !== null) throw new Error(failure);
        }),
        // Shrinking re-ingests each candidate: bounded, it reports the smallest found by then.
        { numRuns: NUM_RUNS, seed: SEED, interruptAfterTimeLimit: COMPARISON_TIME_LIMIT_MS, markInterruptAsFailure: true },
      );
    }, COMPARISON_TIME_LIMIT_MS + 90_000);
  }
});

// ---------------------------------------------------------------------------------------------
// The smallest datasets of each kind of disagreement found, kept as named cases.

const T0 = Date.UTC(2026, 5, 1); // Monday
const H = 3_600_000;
const at = (hours: number) => T0 + hours * H;
const one: TeamSpec[] = [{ slug: 'acme', thresholds: {} }];
/** The week from T0, seen at `asOf`. */
const weekAt = (asOf: number) => ({ from: T0, to: T0 + 7 * 24 * H, asOf });

type Sent = Record<string, unknown> & { type: string; ts: number; team?: string };

/** One upload of `events` (ids e01, e02, … in order unless given; team: the first asked, unless named). */
function named(events: Sent[], window: GeneratedDataset['window'], teams = one): GeneratedDataset {
  const upload = events.map((e, i): RawEvent => ({ ...e, id: (e.id as string) ?? `e${String(i + 1).padStart(2, '0')}`, team: e.team ?? teams[0].slug }));
  return { teams, allTeams: teams, uploads: [upload], window, more: [] };
}

const chat = (run: string, from: number, n = 20, team?: string): Sent[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'message', ts: from + i * 60_000, run, from: 'a', to: 'b', ...(team && { team }) }));

describe('product vs reference: named cases', () => {
  const cases: [string, Endpoint, GeneratedDataset][] = [
    [
      'a change.merged naming a run after asOf does not move the link (chatter)',
      'flags',
      named(
        [
          { type: 'run.started', ts: at(1), run: 'A', repo: 'x/y', branch: 'relink' },
          ...chat('A', at(2)),
          { type: 'run.started', ts: at(1), run: 'B', repo: 'x/y', branch: 'other' },
          ...chat('B', at(2)),
          { type: 'change.opened', ts: at(3), change: 'ch', repo: 'x/y', branch: 'relink' },
          { type: 'change.merged', ts: at(48), change: 'ch', run: 'B' },
        ],
        weekAt(at(24)),
      ),
    ],
    [
      'a run is seen as of asOf: its tokens, end and last event (burn)',
      'flags',
      named(
        [
          { type: 'run.started', ts: at(0), run: 'r' },
          { type: 'llm.call', ts: at(1), run: 'r', model: 'mystery', input_tokens: 300_000, output_tokens: 0 },
          { type: 'llm.call', ts: at(50), run: 'r', model: 'mystery', input_tokens: 1, output_tokens: 0 },
        ],
        weekAt(at(30)),
      ),
    ],
    [
      'several teams: each run is held against its own team thresholds',
      'flags',
      named(
        [
          { type: 'run.started', ts: at(0), run: 'r1', team: 'acme' },
          ...chat('r1', at(1), 5, 'acme'),
          { type: 'run.started', ts: at(0), run: 'r1', team: 'beta' },
          ...chat('r1', at(1), 5, 'beta'),
        ],
        weekAt(at(24)),
        [{ slug: 'acme', thresholds: {} }, { slug: 'beta', thresholds: { chatterMinMessages: 5 } }],
      ),
    ],
    [
      "a change is opened at its earliest change.opened AT asOf: one sent later (ts after asOf) does not move the link",
      'kpis',
      named(
        [
          { type: 'run.started', ts: at(1), run: 'R1', repo: 'x/y', branch: 'b' },
          { type: 'run.ended', ts: at(5), run: 'R1', status: 'succeeded' },
          { type: 'run.started', ts: at(3), run: 'R2', repo: 'x/y', branch: 'b' },
          { type: 'run.ended', ts: at(9), run: 'R2', status: 'failed' },
          { type: 'change.merged', ts: at(2), change: 'c', repo: 'x/y', branch: 'b' },
          { type: 'change.opened', ts: at(10), change: 'c' },
        ],
        weekAt(at(8)),
      ),
    ],
    [
      "same-ms run.started: the run's repo and branch are the smallest event id's (not the first stored)",
      'kpis',
      named(
        [
          { id: 'e2', type: 'run.started', ts: at(1), run: 'r', repo: 'x/y', branch: 'other' },
          { id: 'e1', type: 'run.started', ts: at(1), run: 'r', repo: 'x/y', branch: 'b' },
          { id: 'e3', type: 'run.ended', ts: at(3), run: 'r', status: 'succeeded' },
          { id: 'e4', type: 'change.merged', ts: at(2), change: 'c', repo: 'x/y', branch: 'b' },
        ],
        weekAt(at(24)),
      ),
    ],
    [
      "same-ms change events: the change's branch is the smallest event id's (not the first stored)",
      'kpis',
      named(
        [
          { id: 'e1', type: 'run.started', ts: at(1), run: 'r', repo: 'x/y', branch: 'b' },
          { id: 'e2', type: 'run.ended', ts: at(3), run: 'r', status: 'succeeded' },
          { id: 'e9', type: 'change.opened', ts: at(2), change: 'c', repo: 'x/y', branch: 'other' },
          { id: 'e5', type: 'change.merged', ts: at(2), change: 'c', repo: 'x/y', branch: 'b' },
        ],
        weekAt(at(24)),
      ),
    ],
    [
      "a run matches a filter by its run.started AT asOf: one sent later does not make its usage count",
      'kpis',
      {
        ...named(
          [
            { type: 'llm.call', ts: at(2), run: 'r', model: 'mystery', input_tokens: 100, output_tokens: 0 },
            { type: 'run.started', ts: at(30), run: 'r', agent: 'codex' },
          ],
          weekAt(at(24)),
        ),
        filters: { agent: 'codex' },
      },
    ],
    [
      "a change matches a repo filter by its events AT asOf: a change.opened sent later does not give it a repo",
      'kpis',
      {
        ...named(
          [
            { type: 'change.merged', ts: at(2), change: 'c' },
            { type: 'change.opened', ts: at(30), change: 'c', repo: 'x/y' },
          ],
          weekAt(at(24)),
        ),
        filters: { repo: 'x/y' },
      },
    ],
    // The spec's rule read literally: case is ignored, nothing else; one `provider/` is dropped.
    ...[
      ['price lookup drops ONE leading provider/ (openrouter/anthropic/… is unpriced)', 'openrouter/anthropic/claude-sonnet-4-5'],
      ['price lookup matches the id as reported (surrounding blanks are not ignored)', ' claude-sonnet-4-5'],
    ].map(([name, model]): [string, Endpoint, GeneratedDataset] => [
      name,
      'kpis',
      named([{ type: 'run.started', ts: at(1), run: 'r' }, { type: 'llm.call', ts: at(2), run: 'r', model, input_tokens: 1_000_000, output_tokens: 0 }], weekAt(at(24))),
    ]),
  ];
  for (const [name, endpoint, d] of cases) {
    it(name, async () => {
      expect(await compare(d, endpoint)).toBeNull();
    });
  }
});
