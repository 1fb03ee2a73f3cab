/**
 * fast-check arbitrary of small events-v1 datasets for the reference comparison: 1–2 teams, a
 * handful of runs, changes and defects over ~10 weeks, uploaded in 1–3 shuffled uploads, plus the
 * question (teams asked, window, asOf, sometimes filters) and per-team thresholds.
 *
 * It deliberately includes: events after asOf; change.merged naming `run` (late links and
 * re-links of a change first linked by branch); changes opened before and after their run
 * started; same-ms ties; re-sent ids with other payloads and out-of-order uploads; priced,
 * unpriced, case-shifted, dated and `provider/` model ids, `cost_usd`, cache tokens; iteration /
 * test.result sequences that do and do not stall; chatty runs (≥ 20 messages); runs idle over
 * 24 h; token growth across weeks; thresholds that differ between teams.
 *
 * Each dataset carries 1–4 questions (window, asOf, filters) to ask of the same database, so one
 * ingestion is checked at several instants. The arbitrary draws a plan (shrinkable: fewer runs,
 * fewer events) and expands it into events deterministically.
 */
import fc from 'fast-check';
import { seededShuffle } from '../db';
import { DAY, HOUR } from './time';
import type { Dataset, Filters, RawEvent, TeamSpec, Thresholds } from './types';

/** Monday 2026-03-02 00:00 UTC: day 0 of every dataset. */
export const DATASET_T0 = Date.UTC(2026, 2, 2);

export const TEAMS = ['acme', 'beta'] as const;
export const AGENTS = ['claude-code', 'codex'] as const;
export const REPOS = ['acme/api', 'acme/web'] as const;
export const BRANCHES = ['main', 'relink', 'feat-1'] as const;
/**
 * Priced exactly, priced by a dated snapshot / other case, priced after `provider/`, unpriced
 * (a new version, an unknown id).
 */
export const MODELS = [
  'claude-sonnet-4-5',
  'Claude-Sonnet-4-5-20250929',
  'anthropic/claude-haiku-4-5',
  'gpt-5.1-codex',
  'gpt-5.7',
  'mystery-model',
] as const;
const RUN_IDS = ['r1', 'r2', 'r3', 'r4'] as const;
const CHANGE_IDS = ['c1', 'c2', 'c3', 'c4', 'c5'] as const;
const DEFECT_IDS = ['d1', 'd2', 'd3'] as const;
const STATUSES = ['succeeded', 'failed', 'abandoned', 'cancelled', 'finished'] as const;

// ---------------------------------------------------------------------------------------------
// Plans

interface LlmPlan {
  at: number; // fraction of the run's span, in 1/8ths
  model: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cost: number | null;
}

interface RunPlan {
  team: number;
  run: string;
  started: boolean;
  startDay: number;
  startHour: number;
  /** A second run.started (later, or at the same ms) naming another branch. */
  /**
   * A second run.started (an hour later, or at the same ms) naming another agent, repo and branch;
   * or `late-report`: the only run.started is sent with a ts after the run's other events.
   */
  restart: 'none' | 'later' | 'same-ms' | 'late-report';
  agent: number | null;
  model: number | null;
  repo: number | null;
  branch: number;
  /** Hours between iterations (and the spacing of other events). */
  gapHours: number;
  /** One entry per iteration: the `failed` of the test.result after it, or null for none. */
  iterations: (number | null)[];
  llm: LlmPlan[];
  messages: number;
  toolCalls: number;
  end: { status: number; afterHours: number; twice: boolean } | null;
  /**
   * The change the run ships (`s-<run>`): opened on its repo and branch without `run` (or first
   * seen merged, its change.opened sent hours later), merged as the run ends; `relink`: a second
   * change.merged naming another run some hours later.
   */
  ships: { lateOpen: boolean; relink: { run: string; afterHours: number } | null } | null;
}

interface ChangePlan {
  team: number;
  change: string;
  /** Run (index into the team's runs) whose start it is placed around, or null: absolute day. */
  nearRun: number | null;
  /** Near a run: on that run's repo and branch (else on its own `repo` / `branch`). */
  sameWhere: boolean;
  day: number;
  offsetHours: number;
  repo: number | null;
  branch: number | null;
  opened: { run: string | null; withBranch: boolean; late: boolean } | null;
  /** `again`: a second change.merged `afterHours` later, naming `again.run` when not null (a re-link). */
  merged: { afterHours: number; run: string | null; branch: number | null; again: { run: string | null; afterHours: number } | null } | null;
  modifiedAfterHours: number[];
  revertedAfterHours: number | null;
  closed: boolean;
}

interface DefectPlan {
  team: number;
  defect: string;
  day: number;
  hour: number;
  changes: string[];
  fixedAfterHours: number | null;
  reopened: { afterHours: number; changes: string[] } | null;
}

interface DupPlan {
  /** Which event (modulo the count) is re-sent. */
  pick: number;
  /** Where the copy goes in upload order (modulo the count + 1). */
  position: number;
  shiftHours: number;
  mutate: 'ts' | 'tokens' | 'run' | 'branch' | 'same';
}

/** A long-lived run's llm.call on some day: spreads usage over the weeks (divergence). */
interface UsagePlan {
  team: number;
  day: number;
  input: number;
  model: number;
}

interface Plan {
  runs: RunPlan[];
  usage: UsagePlan[];
  changes: ChangePlan[];
  defects: DefectPlan[];
  dups: DupPlan[];
  shuffleSeed: number;
  uploads: number;
  rfc3339Every: number;
  teamsAsked: 'first' | 'both' | 'both-reversed' | 'second';
  thresholds: Partial<Thresholds>[];
  /** Asked of the same database: the first is the dataset's own window, the others `more`. */
  questions: QuestionPlan[];
}

interface QuestionPlan {
  window: { fromDay: number; fromHour: number; days: number; extraHours: number };
  /** A time, after everything, or at (or 1 ms / 1 h around) one of the events: mid-dataset. */
  asOf: { day: number; hour: number; minute: number } | 'after-all' | { event: number; shift: number };
  filters: Filters | null;
}

const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);
/** A value about three times in four, else null. */
const usually = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: a });
/** A value about one time in four, else null. */
const rarely = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: a });
const mostlyTrue = fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const mostlyFalse = mostlyTrue.map((b) => !b);

const llmPlan: fc.Arbitrary<LlmPlan> = fc.record({
  at: fc.integer({ min: 0, max: 8 }),
  model: fc.integer({ min: 0, max: MODELS.length - 1 }),
  input: pick([0, 1200, 50_000, 250_000, 1_200_000]),
  output: pick([0, 300, 20_000, 150_000]),
  cacheRead: pick([0, 0, 5000, 400_000]),
  cacheWrite: pick([0, 0, 2000]),
  cost: rarely(pick([0, 0.25, 1.5, 0.1])),
});

const runPlan: fc.Arbitrary<RunPlan> = fc.record({
  team: pick([0, 0, 0, 1]),
  run: pick(RUN_IDS),
  started: mostlyTrue,
  startDay: fc.oneof({ weight: 2, arbitrary: fc.integer({ min: 0, max: 69 }) }, { weight: 1, arbitrary: fc.integer({ min: 40, max: 60 }) }),
  startHour: pick([0, 6, 12, 12, 18]),
  restart: pick(['none', 'none', 'none', 'later', 'same-ms', 'late-report'] as const),
  agent: usually(fc.integer({ min: 0, max: AGENTS.length - 1 })),
  model: usually(fc.integer({ min: 0, max: MODELS.length - 1 })),
  repo: usually(fc.integer({ min: 0, max: REPOS.length - 1 })),
  branch: pick([0, 0, 1, 1, 2]),
  gapHours: pick([1, 2, 6, 30]),
  iterations: fc.array(usually(pick([0, 1, 2, 3, 5])), { maxLength: 10 }),
  llm: fc.array(llmPlan, { maxLength: 3 }),
  messages: pick([0, 0, 0, 2, 14, 20, 21]),
  toolCalls: pick([0, 0, 1, 6, 9]),
  end: usually(fc.record({ status: fc.integer({ min: 0, max: STATUSES.length - 1 }), afterHours: pick([1, 10, 50, 200]), twice: mostlyFalse })),
  ships: fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.record({ lateOpen: mostlyFalse, relink: usually(fc.record({ run: pick(RUN_IDS), afterHours: pick([1, 6, 48]) })) }) },
  ),
});

const changePlan: fc.Arbitrary<ChangePlan> = fc.record({
  team: pick([0, 0, 0, 1]),
  change: pick(CHANGE_IDS),
  nearRun: usually(fc.integer({ min: 0, max: 3 })),
  sameWhere: mostlyTrue,
  day: fc.integer({ min: 0, max: 69 }),
  offsetHours: pick([-6, 0, 1, 2, 6, 30]),
  repo: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 7, arbitrary: fc.integer({ min: 0, max: REPOS.length - 1 }) }),
  branch: usually(fc.integer({ min: 0, max: BRANCHES.length - 1 })),
  opened: usually(fc.record({ run: rarely(pick([...RUN_IDS, 'r9'])), withBranch: mostlyTrue, late: mostlyFalse })),
  merged: usually(
    fc.record({
      afterHours: pick([1, 5, 24, 100, 400]),
      run: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: pick(RUN_IDS) }),
      branch: rarely(fc.integer({ min: 0, max: BRANCHES.length - 1 })),
      again: usually(fc.record({ run: usually(pick(RUN_IDS)), afterHours: pick([1, 6, 48]) })),
    }),
  ),
  modifiedAfterHours: fc.array(pick([2, 100, 168, 169, 300]), { maxLength: 2 }),
  revertedAfterHours: rarely(pick([10, 200, 336, 337])),
  closed: mostlyFalse,
});

const defectPlan: fc.Arbitrary<DefectPlan> = fc.record({
  team: pick([0, 0, 0, 1]),
  defect: pick(DEFECT_IDS),
  day: fc.integer({ min: 0, max: 69 }),
  hour: pick([0, 3, 12]),
  changes: fc.uniqueArray(pick([...CHANGE_IDS, 'c9']), { maxLength: 2 }),
  fixedAfterHours: usually(pick([1, 2, 10, 24, 48, 500])),
  reopened: rarely(fc.record({ afterHours: pick([-5, 3, 40]), changes: fc.uniqueArray(pick(CHANGE_IDS), { maxLength: 1 }) })),
});

const dupPlan: fc.Arbitrary<DupPlan> = fc.record({
  pick: fc.nat(),
  position: fc.nat(),
  shiftHours: pick([-50, -3, 2, 100]),
  mutate: pick(['ts', 'tokens', 'run', 'branch', 'same'] as const),
});

const thresholdsPlan: fc.Arbitrary<Partial<Thresholds>> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({}) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        burnMinTokens: pick([1000, 50_000, 300_000]),
        burnMedianMultiplier: pick([1.5, 2, 3]),
        burnMinConvergedRuns: pick([1, 2, 5]),
        burnIdleHours: pick([6, 24, 100]),
        stalledMinIterations: pick([5, 8]),
        stalledWindowIterations: pick([3, 5]),
        chatterMinMessages: pick([2, 14, 20]),
        chatterMinMessageShare: pick([0.5, 0.7, 0.8]),
        divergenceMinGrowth: pick([0.2, 0.5]),
        divergenceWeeks: pick([2, 4]),
      },
      { requiredKeys: [] },
    ),
  },
);

const filtersPlan: fc.Arbitrary<Filters> = fc
  .record(
    {
      agent: pick([...AGENTS, 'nobody']),
      model: pick([...MODELS, 'claude-haiku-4-5']),
      repo: pick([...REPOS]),
    },
    { requiredKeys: [] },
  )
  .filter((f) => Object.keys(f).length > 0);

const usagePlan: fc.Arbitrary<UsagePlan> = fc.record({
  team: pick([0, 0, 0, 1]),
  day: fc.integer({ min: 0, max: 69 }),
  input: pick([100_000, 400_000, 1_000_000]),
  model: fc.integer({ min: 0, max: MODELS.length - 1 }),
});

const questionPlan: fc.Arbitrary<QuestionPlan> = fc.record({
  window: fc.oneof(
    // The whole dataset, a recent stretch, or anything.
    { weight: 2, arbitrary: fc.record({ fromDay: fc.constant(0), fromHour: pick([0, 5]), days: fc.constant(70), extraHours: pick([0, 7]) }) },
    { weight: 2, arbitrary: fc.record({ fromDay: fc.integer({ min: 28, max: 63 }), fromHour: pick([0, 5]), days: pick([7, 28]), extraHours: pick([0, 7]) }) },
    { weight: 1, arbitrary: fc.record({ fromDay: fc.integer({ min: 0, max: 63 }), fromHour: pick([0, 5]), days: pick([1, 7, 28, 56]), extraHours: pick([0, 7]) }) },
  ),
  asOf: fc.oneof(
    { weight: 2, arbitrary: fc.constant('after-all' as const) },
    { weight: 2, arbitrary: fc.record({ day: fc.integer({ min: 45, max: 80 }), hour: pick([0, 6, 12, 23]), minute: pick([0, 0, 30]) }) },
    { weight: 1, arbitrary: fc.record({ day: fc.integer({ min: 0, max: 80 }), hour: pick([0, 12]), minute: fc.constant(0) }) },
    { weight: 3, arbitrary: fc.record({ event: fc.nat(), shift: pick([0, -1, 1, HOUR, -HOUR]) }) },
  ),
  filters: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: filtersPlan }),
});

const planArb: fc.Arbitrary<Plan> = fc.record({
  usage: fc.array(usagePlan, { maxLength: 6 }),
  runs: fc.uniqueArray(runPlan, { minLength: 1, maxLength: 5, selector: (r) => `${r.team}/${r.run}` }),
  changes: fc.uniqueArray(changePlan, { minLength: 1, maxLength: 5, selector: (c) => `${c.team}/${c.change}` }),
  defects: fc.uniqueArray(defectPlan, { maxLength: 3, selector: (d) => `${d.team}/${d.defect}` }),
  dups: fc.array(dupPlan, { maxLength: 4 }),
  shuffleSeed: fc.nat(),
  uploads: fc.integer({ min: 1, max: 3 }),
  rfc3339Every: pick([0, 0, 3, 7]),
  teamsAsked: pick(['first', 'first', 'both', 'both-reversed', 'second'] as const),
  thresholds: fc.tuple(thresholdsPlan, thresholdsPlan),
  questions: fc.array(questionPlan, { minLength: 1, maxLength: 4 }),
});

// ---------------------------------------------------------------------------------------------
// Expansion

/** RFC 3339 with a +02:00 offset (the same instant). */
function withOffset(ts: number): string {
  return new Date(ts + 2 * HOUR).toISOString().replace('Z', '+02:00');
}

function expand(plan: Plan): GeneratedDataset {
  const at = (day: number, hour = 0) => DATASET_T0 + day * DAY + hour * HOUR;
  const counters = [0, 0];
  const events: RawEvent[] = [];
  const add = (team: number, type: string, ts: number, fields: Record<string, unknown>) => {
    const id = `e${++counters[team]}`;
    events.push({ id, type, ts, team: TEAMS[team], ...fields });
  };
  const runs: RunPlan[][] = [plan.runs.filter((r) => r.team === 0), plan.runs.filter((r) => r.team === 1)];

  for (const r of plan.runs) {
    const start = at(r.startDay, r.startHour);
    const base = { run: r.run };
    const gap = r.gapHours * HOUR;
    const span = Math.max(1, r.iterations.length) * gap;
    if (r.started) {
      add(r.team, 'run.started', r.restart === 'late-report' ? start + span + HOUR / 2 : start, {
        ...base,
        ...(r.agent !== null && { agent: AGENTS[r.agent] }),
        ...(r.model !== null && { model: MODELS[r.model] }),
        ...(r.repo !== null && { repo: REPOS[r.repo] }),
        branch: BRANCHES[r.branch],
      });
      if (r.restart === 'later' || r.restart === 'same-ms') {
        add(r.team, 'run.started', r.restart === 'later' ? start + HOUR : start, {
          ...base,
          agent: AGENTS[((r.agent ?? 0) + 1) % AGENTS.length],
          repo: REPOS[((r.repo ?? 0) + 1) % REPOS.length],
          branch: BRANCHES[(r.branch + 1) % BRANCHES.length],
        });
      }
    }
    r.iterations.forEach((failed, i) => {
      const t = start + (i + 1) * gap;
      add(r.team, 'iteration', t, { ...base, n: i + 1 });
      if (failed !== null) add(r.team, 'test.result', t + 10 * 60_000, { ...base, passed: 3, failed });
    });
    for (const c of r.llm) {
      add(r.team, 'llm.call', start + Math.round((c.at / 8) * span), {
        ...base,
        model: MODELS[c.model],
        input_tokens: c.input,
        output_tokens: c.output,
        ...(c.cacheRead > 0 && { cache_read_tokens: c.cacheRead }),
        ...(c.cacheWrite > 0 && { cache_write_tokens: c.cacheWrite }),
        ...(c.cost !== null && { cost_usd: c.cost }),
      });
    }
    for (let i = 0; i < r.messages; i++) add(r.team, 'message', start + 60_000 + Math.floor((i * span) / Math.max(1, r.messages)), { ...base, from: 'planner', to: 'coder' });
    for (let i = 0; i < r.toolCalls; i++) add(r.team, 'tool.call', start + 2 * 60_000 + Math.floor((i * span) / Math.max(1, r.toolCalls)), { ...base, tool: 'bash', ok: i % 2 === 0 });
    if (r.ships) {
      const change = `s-${r.run}`;
      const where = { ...(r.repo !== null && { repo: REPOS[r.repo] }), branch: BRANCHES[r.branch] };
      const mergedAt = start + span;
      if (r.ships.lateOpen) add(r.team, 'change.opened', mergedAt + 3 * HOUR, { change, ...where });
      else add(r.team, 'change.opened', start + gap / 2, { change, ...where });
      add(r.team, 'change.merged', mergedAt, { change, ...(r.ships.lateOpen && where) });
      if (r.ships.relink) add(r.team, 'change.merged', mergedAt + r.ships.relink.afterHours * HOUR, { change, run: r.ships.relink.run });
    }
    if (r.end) {
      const endAt = start + span + r.end.afterHours * HOUR;
      add(r.team, 'run.ended', endAt, { ...base, status: STATUSES[r.end.status] });
      if (r.end.twice) add(r.team, 'run.ended', endAt + HOUR, { ...base, status: STATUSES[(r.end.status + 1) % STATUSES.length] });
    }
  }

  for (const u of plan.usage) {
    add(u.team, 'llm.call', at(u.day, 15), { run: 'bg', model: MODELS[u.model], input_tokens: u.input, output_tokens: 1000 });
  }

  for (const c of plan.changes) {
    const nearRun = c.nearRun === null || runs[c.team].length === 0 ? null : runs[c.team][c.nearRun % runs[c.team].length];
    const t = (nearRun ? at(nearRun.startDay, nearRun.startHour) : at(c.day, 9)) + c.offsetHours * HOUR;
    const repo = nearRun && c.sameWhere ? nearRun.repo : c.repo;
    const branch = nearRun && c.sameWhere ? nearRun.branch : c.branch;
    const where = {
      ...(repo !== null && { repo: REPOS[repo] }),
      ...(branch !== null && { branch: BRANCHES[branch] }),
    };
    // An opened `late` is sent with a ts after its merge (the change is first seen merged).
    const openedAt = c.opened?.late && c.merged ? t + (c.merged.afterHours + 3) * HOUR : t;
    if (c.opened) {
      add(c.team, 'change.opened', openedAt, {
        change: c.change,
        ...(c.opened.withBranch ? where : repo !== null ? { repo: REPOS[repo] } : {}),
        ...(c.opened.run !== null && { run: c.opened.run }),
        title: `change ${c.change}`,
      });
    }
    if (c.merged) {
      const mergedAt = t + c.merged.afterHours * HOUR;
      add(c.team, 'change.merged', mergedAt, {
        change: c.change,
        ...(c.opened === null || !c.opened.withBranch ? where : {}),
        ...(c.merged.branch !== null && { branch: BRANCHES[c.merged.branch] }),
        ...(c.merged.run !== null && { run: c.merged.run }),
      });
      if (c.merged.again) add(c.team, 'change.merged', mergedAt + c.merged.again.afterHours * HOUR, { change: c.change, ...(c.merged.again.run !== null && { run: c.merged.again.run }) });
      for (const h of c.modifiedAfterHours) add(c.team, 'change.modified', mergedAt + h * HOUR, { change: c.change, lines: 3 });
      if (c.revertedAfterHours !== null) add(c.team, 'change.reverted', mergedAt + c.revertedAfterHours * HOUR, { change: c.change });
    }
    if (c.closed) add(c.team, 'change.closed', t + 10 * HOUR, { change: c.change });
  }

  for (const d of plan.defects) {
    const openedAt = at(d.day, d.hour);
    add(d.team, 'defect.opened', openedAt, { defect: d.defect, ...(d.changes.length > 0 && { changes: d.changes }), severity: 'high' });
    if (d.reopened) add(d.team, 'defect.opened', openedAt + d.reopened.afterHours * HOUR, { defect: d.defect, changes: d.reopened.changes });
    if (d.fixedAfterHours !== null) add(d.team, 'defect.fixed', openedAt + d.fixedAfterHours * HOUR, { defect: d.defect });
  }

  // Re-sent ids: a copy of an event (same team and id) with another payload, anywhere in the order.
  // Seed 0: upload order = generation order (what shrinking heads for).
  let ordered = plan.shuffleSeed === 0 ? [...events] : seededShuffle(events, plan.shuffleSeed);
  for (const dup of plan.dups) {
    if (ordered.length === 0) break;
    const original = ordered[dup.pick % ordered.length];
    const copy: RawEvent = { ...original };
    if (dup.mutate === 'ts') copy.ts = Math.max(0, (original.ts as number) + dup.shiftHours * HOUR);
    if (dup.mutate === 'tokens' && original.type === 'llm.call') copy.input_tokens = 777_777;
    if (dup.mutate === 'tokens' && original.type === 'test.result') copy.failed = 0;
    if (dup.mutate === 'run' && original.run !== undefined) copy.run = original.run === 'r1' ? 'r2' : 'r1';
    if (dup.mutate === 'branch' && original.type.startsWith('change.')) copy.branch = 'relink';
    ordered.splice(dup.position % (ordered.length + 1), 0, copy);
  }
  if (plan.rfc3339Every > 0) ordered = ordered.map((e, i) => (i % plan.rfc3339Every === 0 ? { ...e, ts: withOffset(e.ts as number) } : e));

  // Split into uploads at evenly spread points.
  const uploads: RawEvent[][] = [];
  const size = Math.ceil(ordered.length / plan.uploads) || 1;
  for (let i = 0; i < ordered.length; i += size) uploads.push(ordered.slice(i, i + size));

  const teams: TeamSpec[] = TEAMS.map((slug, i) => ({ slug, thresholds: plan.thresholds[i] }));
  const asked =
    plan.teamsAsked === 'first' ? [teams[0]] : plan.teamsAsked === 'second' ? [teams[1]] : plan.teamsAsked === 'both' ? teams : [teams[1], teams[0]];
  const question = (q: QuestionPlan): Asked => {
    const from = at(q.window.fromDay, q.window.fromHour);
    const to = from + q.window.days * DAY + q.window.extraHours * HOUR;
    const asOf =
      q.asOf === 'after-all'
        ? at(100)
        : 'event' in q.asOf
          ? (events.length === 0 ? at(50) : (events[q.asOf.event % events.length].ts as number) + q.asOf.shift)
          : at(q.asOf.day, q.asOf.hour) + q.asOf.minute * 60_000;
    return { window: { from, to, asOf }, ...(q.filters && { filters: q.filters }) };
  };
  const [first, ...more] = plan.questions.map(question);
  return {
    teams: asked,
    uploads,
    ...first,
    more,
    // Thresholds of both teams are stored even when one is asked for.
    allTeams: teams,
  };
}

type Asked = Pick<Dataset, 'window' | 'filters'>;

/**
 * A dataset with its teams' stored thresholds (`allTeams`: every team that has events), and
 * `more` questions (other windows, asOf, filters) to ask of the same database.
 */
export type GeneratedDataset = Dataset & { allTeams: TeamSpec[]; more: Asked[] };

/** The dataset once per question: its own, then each of `more`. */
export function questionsOf(d: GeneratedDataset): GeneratedDataset[] {
  return [d, ...d.more.map((q) => ({ ...d, window: q.window, filters: q.filters, more: [] }))];
}

export const datasetArb: fc.Arbitrary<GeneratedDataset> = planArb.map(expand);

/** The dataset as text a person can read: the question, then each upload as NDJSON. */
export function describeDataset(d: Dataset): string {
  const iso = (t: number) => new Date(t).toISOString();
  const lines = [
    `teams asked: ${d.teams.map((t) => `${t.slug} ${JSON.stringify(t.thresholds)}`).join(', ')}`,
    `window: [${iso(d.window.from)}, ${iso(d.window.to)})  asOf: ${iso(d.window.asOf)}`,
    `filters: ${JSON.stringify(d.filters ?? {})}`,
  ];
  const all = (d as Partial<GeneratedDataset>).allTeams;
  if (all) lines.push(`stored thresholds: ${all.map((t) => `${t.slug} ${JSON.stringify(t.thresholds)}`).join(', ')}`);
  d.uploads.forEach((u, i) => {
    lines.push(`upload ${i + 1}:`);
    for (const e of u) lines.push(JSON.stringify(e));
  });
  return lines.join('\n');
}
