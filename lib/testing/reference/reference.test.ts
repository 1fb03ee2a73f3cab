/**
 * The reference implementation held against hand-worked answers (docs/kpis.md's worked example
 * and the asOf / linking / de-duplication cases the comparison test is about).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differences } from './compare';
import { datasetArb } from './datasets';
import { atLeastShareOf, decimalFraction, kaplanMeierMedian, nearestRank } from './exact';
import { referenceAnswers, type Dataset, type RawEvent, type TeamSpec } from './index';
import { ratesOf } from './pricing';
import { DAY, HOUR } from './time';

/** Monday 2026-06-01 00:00 UTC; D(n) = n days later. */
const T0 = Date.UTC(2026, 5, 1);
const D = (days: number, hours = 0, ms = 0) => T0 + days * DAY + hours * HOUR + ms;

function maker(team = 'acme') {
  let n = 0;
  return (type: string, ts: number, fields: Record<string, unknown> = {}): RawEvent => ({ id: `e${String(++n).padStart(3, '0')}`, type, ts, team, ...fields });
}

const dataset = (events: RawEvent[], window: Dataset['window'], teams: TeamSpec[] = [{ slug: 'acme', thresholds: {} }], extra: Partial<Dataset> = {}): Dataset => ({
  teams, uploads: [events], window, ...extra,
});

const chatty = (ev: ReturnType<typeof maker>, run: string, at: number, n = 20) =>
  Array.from({ length: n }, (_, i) => ev('message', at + i * 60_000, { run, from: 'a', to: 'b' }));

describe('linking at asOf', () => {
  it("keeps a change on its branch's run until the merge naming another run exists (the issue's example)", () => {
    const ev = maker();
    const events = [
      ev('run.started', D(1), { run: 'A', repo: 'x/y', branch: 'relink' }),
      ...chatty(ev, 'A', D(1, 1)),
      ev('run.started', D(1), { run: 'B', repo: 'x/y', branch: 'elsewhere' }),
      ...chatty(ev, 'B', D(1, 2)),
      ev('change.opened', D(2), { change: 'ch', repo: 'x/y', branch: 'relink' }),
      ev('change.merged', D(5), { change: 'ch', run: 'B' }),
    ];
    const early = referenceAnswers(dataset(events, { from: D(0), to: D(7), asOf: D(4) }));
    expect(early.flags.flags.map((f) => [f.kind, 'run' in f ? f.run : f.team])).toEqual([['chatter', 'B']]);
    expect(early.runs.runs.map((r) => [r.run, r.changes, r.converged])).toEqual([
      ['B', [], false],
      ['A', [{ change: 'ch', mergedAt: null }], false],
    ]);
    // Once the merge exists, the change names B (its earliest event carrying `run`): B converged.
    const late = referenceAnswers(dataset(events, { from: D(0), to: D(7), asOf: D(6) }));
    expect(late.flags.flags.map((f) => [f.kind, 'run' in f ? f.run : f.team])).toEqual([['chatter', 'A']]);
    expect(late.runs.runs.find((r) => r.run === 'B')!.changes).toEqual([{ change: 'ch', mergedAt: new Date(D(5)).toISOString() }]);
    expect(late.kpis.mergedChanges).toBe(1);
  });

  it("opens a change at its earliest change.opened at asOf, else its earliest event at asOf", () => {
    const ev = maker();
    const events = [
      ev('run.started', D(1), { run: 'R1', repo: 'x/y', branch: 'b' }),
      ev('run.ended', D(1, 5), { run: 'R1', status: 'succeeded' }),
      ev('run.started', D(3), { run: 'R2', repo: 'x/y', branch: 'b' }),
      ev('run.ended', D(3, 5), { run: 'R2', status: 'failed' }),
      ev('change.merged', D(2), { change: 'c', repo: 'x/y', branch: 'b' }),
      ev('change.opened', D(4), { change: 'c' }), // sent late: opened after R2 started
    ];
    const w = { from: D(0), to: D(7) };
    expect(referenceAnswers(dataset(events, { ...w, asOf: D(3, 6) })).kpis.runs).toEqual({ ended: 2, converged: 1, convergenceRate: 0.5 });
    const at = (asOf: number) => referenceAnswers(dataset(events, { ...w, asOf })).runs.runs.map((r) => [r.run, r.converged]);
    expect(at(D(3, 6))).toEqual([['R2', false], ['R1', true]]);
    expect(at(D(5))).toEqual([['R2', true], ['R1', false]]);
  });

  it('links to the latest run started strictly before, the greatest run id on a tie; nothing without repo or branch', () => {
    const ev = maker();
    const events = [
      ev('run.started', D(1), { run: 'r1', repo: 'x/y', branch: 'b' }),
      ev('run.started', D(2), { run: 'r2', repo: 'x/y', branch: 'b' }),
      ev('run.started', D(2), { run: 'r3', repo: 'x/y', branch: 'b' }),
      ev('change.opened', D(2), { change: 'at', repo: 'x/y', branch: 'b' }), // r2/r3 started AT D(2): r1
      ev('change.opened', D(3), { change: 'tie', repo: 'x/y', branch: 'b' }), // r3 (greater id)
      ev('change.opened', D(3), { change: 'nobranch', repo: 'x/y' }),
      ev('change.opened', D(0), { change: 'early', repo: 'x/y', branch: 'b' }),
    ];
    const runs = referenceAnswers(dataset(events, { from: D(0), to: D(7), asOf: D(7) })).runs.runs;
    expect(Object.fromEntries(runs.map((r) => [r.run, r.changes.map((c) => c.change)]))).toEqual({ r1: ['at'], r2: [], r3: ['tie'] });
  });

  it("takes a change's branch from its earliest event carrying it, the smallest id on a ts tie", () => {
    const ev = maker();
    const events = [
      ev('run.started', D(1), { run: 'ra', repo: 'x/y', branch: 'a' }),
      ev('run.started', D(1), { run: 'rb', repo: 'x/y', branch: 'b' }),
      { ...ev('change.opened', D(2), { change: 'c', repo: 'x/y', branch: 'b' }), id: 'z1' },
      { ...ev('change.merged', D(2), { change: 'c', repo: 'x/y', branch: 'a' }), id: 'a1' },
    ];
    const runs = referenceAnswers(dataset(events, { from: D(0), to: D(7), asOf: D(7) })).runs.runs;
    expect(runs.find((r) => r.run === 'ra')!.changes.map((c) => c.change)).toEqual(['c']);
  });
});

describe('events at asOf', () => {
  it('keeps the first copy of an id, even when it is after asOf and a later copy is not', () => {
    const ev = maker();
    const call = ev('llm.call', D(1), { run: 'r', model: 'claude-sonnet-4-5', input_tokens: 100, output_tokens: 0 });
    const late = ev('llm.call', D(5), { run: 'r', model: 'claude-sonnet-4-5', input_tokens: 7, output_tokens: 0 });
    const events = [
      ev('run.started', D(0), { run: 'r' }),
      call,
      { ...call, input_tokens: 1_000_000 }, // re-sent: a no-op
      late,
      { ...late, ts: D(2) }, // re-sent earlier: still the first copy's ts (after asOf)
    ];
    const a = referenceAnswers(dataset(events, { from: D(0), to: D(7), asOf: D(3) }));
    expect(a.kpis.tokens).toEqual({ input: 100, output: 0, cacheRead: 0, cacheWrite: 0, total: 100 });
    expect(a.runs.runs[0].tokens.total).toBe(100);
    expect(a.runs.runs[0].lastEventAt).toBe(new Date(D(1)).toISOString());
  });

  it("sees a run's status, end, iterations and tokens as of asOf", () => {
    const ev = maker();
    const events = [
      ev('run.started', D(0), { run: 'r', agent: 'codex' }),
      ev('iteration', D(1), { run: 'r', n: 1 }),
      ev('llm.call', D(1), { run: 'r', model: 'unknown-model', input_tokens: 300_000, output_tokens: 0 }),
      ev('iteration', D(3), { run: 'r', n: 2 }),
      ev('run.ended', D(4), { run: 'r', status: 'failed' }),
    ];
    const mid = referenceAnswers(dataset(events, { from: D(0), to: D(7), asOf: D(2) }));
    expect(mid.runs.runs[0]).toMatchObject({ status: 'running', endedAt: null, iterations: 1, lastEventAt: new Date(D(1)).toISOString() });
    // 300k tokens, idle 24 h exactly at D(2): not yet over; at D(2) + 1 ms it is.
    expect(mid.flags.flags).toEqual([]);
    const idle = referenceAnswers(dataset(events, { from: D(0), to: D(7), asOf: D(2, 0, 1) }));
    expect(idle.flags.flags.map((f) => f.kind)).toEqual(['burn_without_outcome']);
    expect(idle.flags.flags[0].evidence).toMatchObject({ ended: false, tokens: 300_000, threshold: 200_000 });
    const end = referenceAnswers(dataset(events, { from: D(0), to: D(7), asOf: D(6) }));
    expect(end.runs.runs[0]).toMatchObject({ status: 'failed', iterations: 2 });
    expect(end.kpis.unpricedCalls).toBe(1);
  });
});

describe("docs/kpis.md's worked example", () => {
  it('gives its outcomes, time to fix and cost', () => {
    const ev = maker();
    const events: RawEvent[] = [];
    const merge = (c: string, at: number) => events.push(ev('change.merged', at, { change: c }));
    merge('c1', D(1)); events.push(ev('change.modified', D(8), { change: 'c1' }));
    merge('c2', D(2)); events.push(ev('change.modified', D(9, 0, 1), { change: 'c2' }));
    merge('c3', D(3)); events.push(ev('change.reverted', D(5), { change: 'c3' }));
    merge('c4', D(4)); events.push(ev('defect.opened', D(10), { defect: 'd1', changes: ['c4'] }));
    merge('c5', D(5)); events.push(ev('defect.opened', D(19, 0, 1), { defect: 'd2', changes: ['c5'] }));
    merge('c11', D(6)); merge('c11', D(8)); events.push(ev('change.modified', D(13), { change: 'c11' }));
    merge('c6', D(15)); events.push(ev('change.reverted', D(28), { change: 'c6' }));
    merge('c7', D(25));
    merge('c8', D(27, 13));
    // Six defects opened in the window: fixed after 2, 10, 24, 48 h; two open 24 h and 180 h at asOf.
    events.push(ev('defect.fixed', D(10, 2), { defect: 'd1' }), ev('defect.fixed', D(19, 10, 1), { defect: 'd2' }));
    events.push(ev('defect.opened', D(11), { defect: 'd3' }), ev('defect.fixed', D(12), { defect: 'd3' }));
    events.push(ev('defect.opened', D(12), { defect: 'd4' }), ev('defect.fixed', D(14), { defect: 'd4' }));
    events.push(ev('defect.opened', D(26, 12), { defect: 'd5' }), ev('defect.opened', D(20), { defect: 'd6' }));
    events.push(ev('run.started', D(0), { run: 'r' }));
    events.push(ev('llm.call', D(1), { run: 'r', model: 'claude-sonnet-4-5', input_tokens: 1_000_000, output_tokens: 100_000 }));
    events.push(ev('llm.call', D(2), { run: 'r', model: 'mystery', input_tokens: 10, output_tokens: 0, cost_usd: 0.25 }));
    events.push(ev('llm.call', D(3), { run: 'r', model: 'mystery', input_tokens: 10, output_tokens: 0 }));
    const k = referenceAnswers(dataset(events, { from: D(0), to: D(28), asOf: D(27, 12) })).kpis;
    expect(k.mergedChanges).toBe(8);
    expect(k.mergedPerWeek).toBe(2);
    expect(k.weekSurvival).toEqual({ rate: 4 / 7, survived: 4, eligible: 7, pending: 1 });
    expect(k.defectRate).toEqual({ rate: 2 / 6, failed: 2, eligible: 6, pending: 2 });
    expect(k.timeToFix).toEqual({ opened: 6, fixed: 4, open: 2, p50Hours: 10, p90Hours: 48, kmP50Hours: 24 });
    expect(k.costUsd).toBeCloseTo(4.75, 12);
    expect(k.unpricedCalls).toBe(1);
    expect(k.costPerSurvivingChange).toBeCloseTo(4.75 / (8 * (4 / 7)), 12);
  });

  it('trips stalled on 3, 2 before the 4th of 8 iterations and 2, 5 after it; chatter at exactly 70 %', () => {
    const ev = maker();
    const events: RawEvent[] = [ev('run.started', D(0), { run: 's' })];
    for (let i = 1; i <= 8; i++) events.push(ev('iteration', D(0, i), { run: 's', n: i }));
    events.push(ev('test.result', D(0, 1.5), { run: 's', passed: 1, failed: 3 }), ev('test.result', D(0, 2.5), { run: 's', passed: 1, failed: 2 }));
    events.push(ev('test.result', D(0, 4), { run: 's', passed: 1, failed: 2 }), ev('test.result', D(0, 5.5), { run: 's', passed: 1, failed: 5 }));
    events.push(ev('run.started', D(0), { run: 'talk69' }), ...chatty(ev, 'talk69', D(0, 1)));
    for (let i = 0; i < 9; i++) events.push(ev('tool.call', D(0, 2), { run: 'talk69', tool: 'bash' })); // 20 of 29 < 70 %
    events.push(ev('run.started', D(0), { run: 'talk14' }), ...chatty(ev, 'talk14', D(0, 1), 14));
    for (let i = 0; i < 6; i++) events.push(ev('tool.call', D(0, 2), { run: 'talk14', tool: 'bash' })); // 14 of 20
    const teams = [{ slug: 'acme', thresholds: { chatterMinMessages: 14 } }];
    const flags = referenceAnswers(dataset(events, { from: D(0), to: D(7), asOf: D(1) }, teams)).flags.flags;
    expect(flags.map((f) => [f.kind, 'run' in f ? f.run : ''])).toEqual([['stalled', 's'], ['chatter', 'talk14']]);
    expect(flags[0].evidence).toMatchObject({ iterations: 8, since: new Date(D(0, 4)).toISOString(), bestFailedBefore: 2, bestFailedSince: 2, testsBefore: 2, testsSince: 2 });
  });
});

describe('several teams', () => {
  it('holds each run against its own thresholds, shows ids as team/run, and takes divergence settings from the first team', () => {
    const a = maker('a');
    const b = maker('b');
    const events = [
      a('run.started', D(0), { run: 'r1' }), ...chatty(a, 'r1', D(0, 1), 5),
      b('run.started', D(0), { run: 'r1' }), ...chatty(b, 'r1', D(0, 1), 5),
    ];
    const teams = [{ slug: 'a', thresholds: {} }, { slug: 'b', thresholds: { chatterMinMessages: 5 } }];
    const r = referenceAnswers(dataset(events, { from: D(0), to: D(7), asOf: D(1) }, teams));
    expect(r.flags.flags.map((f) => [f.kind, 'run' in f ? f.run : ''])).toEqual([['chatter', 'b/r1']]);
    expect(r.runs.runs.map((x) => x.run)).toEqual(['a/r1', 'b/r1']);
    expect(r.kpis.team).toBe('a,b');
  });
});

describe('building blocks', () => {
  it('prices by exact id, then the longest prefix ending before a non-[a-z0-9.] character, then without one provider/', () => {
    expect(ratesOf('claude-sonnet-4-5')).toMatchObject({ input: 3, output: 15 });
    expect(ratesOf('Claude-Sonnet-4-5-20250929')).toMatchObject({ input: 3, output: 15 });
    expect(ratesOf('anthropic/claude-sonnet-4-5')).toMatchObject({ input: 3, output: 15 });
    expect(ratesOf('gpt-5.7')).toBeNull();
    expect(ratesOf('gpt-5.1-codex-max-high')).toBe(ratesOf('gpt-5.1-codex-max'));
    expect(ratesOf('openrouter/anthropic/claude-sonnet-4-5')).toBeNull();
  });

  it('compares shares, percentiles and the Kaplan–Meier median exactly', () => {
    expect(decimalFraction(0.7)).toEqual({ num: 7n, den: 10n });
    expect(decimalFraction(1e-7)).toEqual({ num: 1n, den: 10_000_000n });
    expect(atLeastShareOf(14, 0.7, 20)).toBe(true);
    expect(atLeastShareOf(16, 0.8, 20)).toBe(true);
    expect(atLeastShareOf(13, 0.7, 19)).toBe(false);
    expect(nearestRank([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(nearestRank([1, 2, 3], 0.5)).toBe(2);
    // 6 at risk: 5/6, then 4/5 → 2/3, then at 24 a fix before a censoring: × 3/4 = 1/2 exactly.
    expect(kaplanMeierMedian([2, 10, 24, 48], [24, 180])).toBe(24);
    expect(kaplanMeierMedian([1], [5, 6])).toBeNull();
  });
});

describe('the reference over generated datasets', () => {
  const samples = fc.sample(datasetArb, { numRuns: 150, seed: 424242 });

  it("adds the weeks' merged changes, tokens and cost up to the window's (kpis-v1 Weekly figures)", () => {
    for (const d of samples) {
      const a = referenceAnswers(d);
      const sum = (f: (w: (typeof a.weekly.weeks)[number]) => number) => a.weekly.weeks.reduce((s, w) => s + f(w), 0);
      expect(sum((w) => w.mergedChanges)).toBe(a.kpis.mergedChanges);
      expect(sum((w) => w.tokens.total)).toBe(a.kpis.tokens.total);
      expect(sum((w) => w.unpricedCalls)).toBe(a.kpis.unpricedCalls);
      expect(sum((w) => w.costUsd)).toBeCloseTo(a.kpis.costUsd, 6);
      expect(sum((w) => w.runs.ended)).toBe(a.kpis.runs.ended);
    }
  });

  it('does not depend on upload order once ids are unique (events-v1: "Event order inside a file does not matter")', () => {
    for (const d of samples) {
      const seen = new Set<string>();
      const unique = d.uploads.flat().filter((e) => !seen.has(`${e.team} ${e.id}`) && !!seen.add(`${e.team} ${e.id}`));
      const a = referenceAnswers({ ...d, uploads: [unique] });
      const b = referenceAnswers({ ...d, uploads: [[...unique].reverse()] });
      // Costs are floating sums: another order may change their last bits.
      expect(differences(b, a)).toEqual([]);
    }
  });

  it('lists every flagged run among the runs, with its flag kinds', () => {
    for (const d of samples) {
      const a = referenceAnswers(d);
      const listed = new Map(a.runs.runs.map((r) => [r.run, r.flags]));
      for (const f of a.flags.flags) if (f.kind !== 'divergence') expect(listed.get(f.run)).toContain(f.kind);
      for (const r of a.runs.runs) if (r.converged) expect(r.flags).toEqual([]);
    }
  });
});
