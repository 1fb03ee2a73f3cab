/**
 * GET /api/v1/runs (api-v1.md) held against the reference (lib/testing/reference/runs.ts): the
 * runs whose last event at asOf falls in the window, newest last event first (ties: run id
 * ascending), each exactly as seen at asOf. The product's answer is read page by page with a
 * small `limit`, following `next` until it is null, and the pages are concatenated.
 *
 * Expects `getRuns(viewer, teamSlugs, window, { limit, cursor, filters, db })` answering
 * `{ runs, next }` (null when a team is not visible), times as RFC 3339 strings, in ./runs.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { differences, failureReport } from '@/lib/testing/reference/compare';
import { datasetArb, questionsOf, type GeneratedDataset } from '@/lib/testing/reference/datasets';
import { referenceAnswers, type RawEvent, type RefRun } from '@/lib/testing/reference';
import { COMPARISON_TIME_LIMIT_MS, loadDataset } from '@/lib/testing/reference-db';
import type { Sql } from './connection';
import { decodeRunsCursor, getRuns } from './runs';
import { OPERATOR } from './viewer';

const SEED = Number(process.env.LOOPSCOPE_REFERENCE_SEED ?? 20260601);
const NUM_RUNS = Number(process.env.LOOPSCOPE_REFERENCE_RUNS ?? 200);
const PAGE = 3;

beforeAll(() => {
  delete process.env.LOOPSCOPE_PRICES_FILE;
});

/** The documented fields of one run (api-v1 example), `changes` by id and `flags` sorted: their order is not specified. */
function documented(r: Record<string, unknown>): RefRun {
  const changes = (r.changes as { change: string; mergedAt: string | null }[] | undefined) ?? [];
  return {
    run: r.run as string,
    agent: r.agent as string | null,
    repo: r.repo as string | null,
    branch: r.branch as string | null,
    status: r.status as string,
    startedAt: r.startedAt as string | null,
    endedAt: r.endedAt as string | null,
    lastEventAt: r.lastEventAt as string,
    iterations: r.iterations as number,
    tokens: r.tokens as RefRun['tokens'],
    costUsd: r.costUsd as number,
    changes: changes.map((c) => ({ change: c.change, mergedAt: c.mergedAt })).sort((a, b) => (a.change < b.change ? -1 : a.change > b.change ? 1 : 0)),
    converged: r.converged as boolean,
    flags: [...((r.flags as string[] | undefined) ?? [])].sort(),
  };
}

/** Every page of the product's answer, concatenated; problems with the paging itself are differences too. */
async function servedRuns(q: GeneratedDataset, db: Sql): Promise<{ runs: RefRun[]; problems: string[] }> {
  const runs: RefRun[] = [];
  const problems: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const answer = await getRuns(OPERATOR, q.teams.map((x) => x.slug), q.window, { limit: PAGE, cursor: cursor === undefined ? null : decodeRunsCursor(cursor), filters: q.filters }, { db });
    if (!answer) return { runs, problems: ['answered null (team not visible?)'] };
    if (answer.runs.length > PAGE) problems.push(`page ${page + 1}: ${answer.runs.length} runs, over the limit ${PAGE}`);
    runs.push(...answer.runs.map((r: unknown) => documented(r as Record<string, unknown>)));
    if (answer.next === null) return { runs, problems };
    if (answer.runs.length === 0) problems.push(`page ${page + 1}: empty, yet a next cursor`);
    cursor = answer.next;
  }
  return { runs, problems: [...problems, 'more than 1000 pages'] };
}

/** The dataset ingested once, each of its questions asked: the report of the first answered differently, or null. */
async function compare(d: GeneratedDataset): Promise<string | null> {
  const t = await loadDataset(d);
  try {
    for (const q of questionsOf(d)) {
      const { runs, problems } = await servedRuns(q, t.db);
      const diffs = [...problems, ...differences(runs, referenceAnswers(q).runs.runs)];
      if (diffs.length > 0) return failureReport(q, diffs);
    }
    return null;
  } finally {
    await t.cleanup();
  }
}

describe('product vs reference: GET /api/v1/runs', () => {
  it(`agrees over random datasets, read ${PAGE} runs a page`, async () => {
    await fc.assert(
      fc.asyncProperty(datasetArb, async (d) => {
        const failure = await compare(d);
        if (failure !== null) throw new Error(failure);
      }),
      { numRuns: NUM_RUNS, seed: SEED, interruptAfterTimeLimit: COMPARISON_TIME_LIMIT_MS, markInterruptAsFailure: true },
    );
  }, COMPARISON_TIME_LIMIT_MS + 90_000);

  const T0 = Date.UTC(2026, 5, 1);
  const H = 3_600_000;
  const at = (hours: number) => T0 + hours * H;
  const week = { from: T0, to: T0 + 7 * 24 * H };
  const dataset = (events: (Record<string, unknown> & { id: string; type: string; ts: number })[], asOf: number): GeneratedDataset => {
    const teams = [{ slug: 'acme', thresholds: {} }];
    return { teams, allTeams: teams, uploads: [events.map((e): RawEvent => ({ ...e, team: 'acme' }))], window: { ...week, asOf }, more: [] };
  };

  it('shows each run as of asOf: status, end, iterations, tokens and last event of its events that exist then', async () => {
    const d = dataset(
      [
        { id: 'e1', type: 'run.started', ts: at(1), run: 'r', agent: 'codex', repo: 'x/y', branch: 'b' },
        { id: 'e2', type: 'iteration', ts: at(2), run: 'r', n: 1 },
        { id: 'e3', type: 'llm.call', ts: at(2), run: 'r', model: 'claude-sonnet-4-5', input_tokens: 1000, output_tokens: 10 },
        { id: 'e4', type: 'iteration', ts: at(5), run: 'r', n: 2 },
        { id: 'e5', type: 'llm.call', ts: at(5), run: 'r', model: 'claude-sonnet-4-5', input_tokens: 9000, output_tokens: 0 },
        { id: 'e6', type: 'run.ended', ts: at(6), run: 'r', status: 'failed' },
      ],
      at(3),
    );
    expect(await compare(d)).toBeNull();
  });

  it('orders by last event, newest first, run id ascending on a tie; pages of 3 lose and repeat nothing', async () => {
    const events = ['r5', 'r1', 'r4', 'r2', 'r3', 'r0', 'r6'].flatMap((run, i) => [
      { id: `s${i}`, type: 'run.started', ts: at(1), run },
      { id: `i${i}`, type: 'iteration', ts: at(i % 2 === 0 ? 10 : 20), run, n: 1 },
    ]);
    const d = dataset(events, at(48));
    expect(await compare(d)).toBeNull();
  });

  it("takes the status of the smallest event id among same-ms run.ended, and links by the run named at asOf", async () => {
    const d = dataset(
      [
        { id: 'e1', type: 'run.started', ts: at(1), run: 'A', repo: 'x/y', branch: 'relink' },
        { id: 'e2', type: 'run.started', ts: at(1), run: 'B', repo: 'x/y', branch: 'other' },
        { id: 'e9', type: 'run.ended', ts: at(4), run: 'A', status: 'failed' },
        { id: 'e8', type: 'run.ended', ts: at(4), run: 'A', status: 'succeeded' },
        { id: 'e3', type: 'change.opened', ts: at(2), change: 'ch', repo: 'x/y', branch: 'relink' },
        { id: 'e4', type: 'change.merged', ts: at(30), change: 'ch', run: 'B' },
      ],
      at(24),
    );
    expect(await compare(d)).toBeNull();
  });
});
