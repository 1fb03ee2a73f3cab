/**
 * The demo's events: a few teams with distinct stories (lib/demo/teams.ts), as events-v1 wire
 * objects (lib/demo/wire.ts). Same options → identical output.
 *
 * Randomness comes only from the seeded `Rng` (./random.ts); never Math.random.
 */
import type { RunStatus } from '../events/types';
import { isoUtc } from '../events/iso';
import { Rng, mixSeed } from './random';
import { DEMO_TEAMS, mix, type Agent, type DemoProfile, type DemoTeam, type RunKind } from './teams';
import { DAY, HOUR, MINUTE, SECOND, WEEK, toMs, type WireEvent, type WireFields } from './wire';

/** Trends (runsTrend, mixEnd, tokenGrowth) unfold over this many weeks before asOf. */
const TREND_WEEKS = 10;

const MODELS: Record<Agent, [string, number][]> = {
  'claude-code': [
    ['claude-sonnet-4-5', 0.6],
    ['claude-opus-4-1', 0.25],
    ['claude-haiku-4-5', 0.15],
  ],
  codex: [
    ['gpt-5-codex', 0.65],
    ['gpt-5', 0.35],
  ],
  'custom-bot': [
    ['gemini-2.5-pro', 0.4],
    ['deepseek-chat', 0.3],
    ['gpt-5-mini', 0.3],
  ],
};

/** Context window in tokens; contexts are compacted when they reach it. */
function contextWindow(model: string): number {
  if (model.startsWith('gemini')) return 1_000_000;
  if (model.startsWith('gpt-5')) return 400_000;
  if (model.startsWith('deepseek')) return 128_000;
  return 200_000;
}

/** Dated snapshot ids some clients report instead of the alias (exercises prefix pricing). */
const DATED: Record<string, string> = {
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
};

/** Rough USD per million tokens [input, output, cacheRead, cacheWrite], only for the few calls that carry cost_usd. */
const ROUGH_PRICES: Record<string, [number, number, number, number]> = {
  'claude-sonnet-4-5': [3, 15, 0.3, 3.75],
  'claude-opus-4-1': [15, 75, 1.5, 18.75],
  'claude-haiku-4-5': [1, 5, 0.1, 1.25],
  'gpt-5': [1.25, 10, 0.125, 0],
  'gpt-5-codex': [1.25, 10, 0.125, 0],
  'gpt-5-mini': [0.25, 2, 0.025, 0],
  'gemini-2.5-pro': [1.25, 10, 0.31, 0],
  'deepseek-chat': [0.56, 1.68, 0.07, 0],
};

interface ToolSpec {
  name: string;
  weight: number;
  medianMs: number;
  okRate: number;
}

const TOOLS: Record<Agent, ToolSpec[]> = {
  'claude-code': [
    { name: 'Read', weight: 0.28, medianMs: 40, okRate: 0.98 },
    { name: 'Edit', weight: 0.18, medianMs: 90, okRate: 0.95 },
    { name: 'Grep', weight: 0.14, medianMs: 120, okRate: 0.99 },
    { name: 'Bash', weight: 0.2, medianMs: 4000, okRate: 0.8 },
    { name: 'Glob', weight: 0.06, medianMs: 30, okRate: 0.99 },
    { name: 'Write', weight: 0.06, medianMs: 60, okRate: 0.97 },
    { name: 'TodoWrite', weight: 0.05, medianMs: 15, okRate: 1 },
    { name: 'WebFetch', weight: 0.03, medianMs: 1500, okRate: 0.9 },
  ],
  codex: [
    { name: 'shell', weight: 0.55, medianMs: 2500, okRate: 0.82 },
    { name: 'apply_patch', weight: 0.35, medianMs: 120, okRate: 0.93 },
    { name: 'update_plan', weight: 0.1, medianMs: 10, okRate: 1 },
  ],
  'custom-bot': [
    { name: 'read_file', weight: 0.3, medianMs: 50, okRate: 0.98 },
    { name: 'search_code', weight: 0.25, medianMs: 300, okRate: 0.97 },
    { name: 'edit_file', weight: 0.25, medianMs: 100, okRate: 0.94 },
    { name: 'run_tests', weight: 0.2, medianMs: 20000, okRate: 0.85 },
  ],
};
const TOOL_WEIGHTS: Record<Agent, [ToolSpec, number][]> = {
  'claude-code': TOOLS['claude-code'].map((t) => [t, t.weight]),
  codex: TOOLS.codex.map((t) => [t, t.weight]),
  'custom-bot': TOOLS['custom-bot'].map((t) => [t, t.weight]),
};

const ROLES = ['planner', 'coder', 'reviewer', 'tester'];
const SEVERITIES: [string, number][] = [
  ['low', 0.35],
  ['medium', 0.4],
  ['high', 0.2],
  ['critical', 0.05],
];
const TRIGGERS = ['issue', 'slack', 'schedule', 'cli', 'review-comment'];
const STOP_REASONS = ['end_turn', 'tool_use', 'max_tokens'];
const RUN_KINDS: RunKind[] = ['converge', 'fail', 'burn', 'stall', 'chatter'];

function defectPrefix(slug: string): string {
  const letters = slug.replace(/[^a-z]/g, '').slice(0, 3).toUpperCase();
  return letters || 'BUG';
}

interface Pending {
  ms: number;
  seq: number;
  ev: WireEvent;
}

interface TeamState {
  team: DemoTeam;
  rng: Rng;
  asOf: number;
  windowStart: number;
  out: Pending[];
  seq: number;
  prNumbers: Map<string, number>;
  defects: number;
  tickets: number;
  /** Recently merged changes [id, mergeMs], for defects that name two changes. */
  recentMerged: [string, number][];
}

interface RunCursor {
  idx: number;
  k: number;
}


function emit(st: TeamState, run: RunCursor, ms: number, type: WireEvent['type'], fields: WireFields): void {
  // The id is consumed even when the event is dropped, so ids stay stable.
  const id = `${st.team.slug}-${run.idx}-${run.k++}`;
  const t = Math.floor(ms);
  if (t > st.asOf) return; // has not happened yet at asOf
  const ev = { id, type, ts: '', team: st.team.slug, ...fields } as WireEvent;
  st.out.push({ ms: t, seq: st.seq++, ev });
}

function nextPr(st: TeamState, repo: string): string {
  let n = st.prNumbers.get(repo);
  if (n === undefined) n = 100 + (mixSeed(st.team.slug, repo) % 900);
  n += 1 + (st.rng.chance(0.3) ? st.rng.int(1, 3) : 0); // humans open PRs too
  st.prNumbers.set(repo, n);
  return `${repo}#${n}`;
}

/** Progress of the story at time ms: 0 at TREND_WEEKS before asOf (or earlier), 1 at asOf. */
function progress(st: TeamState, ms: number): number {
  const p = 1 - (st.asOf - ms) / (TREND_WEEKS * WEEK);
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

function mixAt(profile: DemoProfile, p: number): Record<RunKind, number> {
  const out = { ...profile.mix };
  const end = profile.mixEnd;
  let total = 0;
  for (const k of RUN_KINDS) {
    if (end) out[k] = profile.mix[k] + (end[k] - profile.mix[k]) * p;
    total += out[k];
  }
  for (const k of RUN_KINDS) out[k] = total > 0 ? out[k] / total : 0;
  return out;
}

interface RunPlan {
  kind: RunKind;
  start: number;
  /** Still going at asOf: no run.ended, no change. */
  inProgress?: boolean;
  iterations?: number;
}

function failedSeries(rng: Rng, kind: RunKind, k: number, f0: number): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  if (kind === 'stall') {
    const plateau = Math.max(1, Math.round(f0 * rng.float(0.25, 0.6)));
    for (let i = 0; i < k; i++) {
      if (i === 0) out.push(f0);
      else if (i === 1) out.push(Math.max(plateau, Math.round((f0 + plateau) / 2)));
      else if (i === 2) out.push(plateau);
      else out.push(plateau + rng.int(0, 3)); // never a new best after the drop
    }
    return out;
  }
  for (let i = 0; i < k; i++) {
    const frac = (i + 1) / k;
    let f: number;
    if (kind === 'converge') {
      f = i === k - 1 ? 0 : Math.max(1, Math.round(f0 * Math.pow(1 - frac, 1.3) + rng.normal(0, 0.8)));
    } else if (kind === 'burn') {
      f = Math.max(0, Math.round(f0 * (1 - 0.6 * frac)) + rng.int(0, 2));
    } else {
      f = Math.max(1, Math.round(f0 * (1 - 0.5 * frac) + rng.normal(0, 2)));
    }
    out.push(f);
  }
  return out;
}

function testChance(kind: RunKind, i: number, k: number): number {
  if (kind === 'stall') return 1;
  if (kind === 'chatter') return 0.3;
  if (kind === 'converge' && i === k - 1) return 1;
  return 0.85;
}

function genRun(st: TeamState, runIdx: number, plan: RunPlan): void {
  const { rng, team } = st;
  const prof = team.profile;
  const slug = team.slug;
  const cur: RunCursor = { idx: runIdx, k: 0 };
  const { kind } = plan;
  const p = progress(st, plan.start);

  const agent = rng.weighted(prof.agents);
  const model = rng.weighted(MODELS[agent]);
  const repo = rng.pick(prof.repos);
  const [taskSlug, task] = rng.pick(prof.tasks);
  const branch = `agent/${taskSlug}-${runIdx}`;
  const runId = `${slug}-run-${String(runIdx).padStart(4, '0')}`;
  const multiAgent = kind === 'chatter' || rng.chance(prof.multiAgent);

  const k =
    plan.iterations ??
    (kind === 'converge'
      ? rng.intNormal(5, 2, 2, 10)
      : kind === 'fail'
        ? rng.intNormal(4, 1.5, 1, 7)
        : kind === 'burn'
          ? Math.max(8, Math.round(rng.int(14, 32) * Math.min(1, prof.burnScale ?? 1)))
          : kind === 'stall'
            ? rng.int(8, 13)
            : rng.int(3, 7));

  // Token growth shows as bigger contexts and as more calls per turn (sub-agents, retries).
  const growth = Math.pow(prof.tokenGrowth ?? 1, p);
  const extraCalls = Math.sqrt(growth) - 1;
  const tokenMult = prof.tokenScale * growth * (kind === 'burn' ? 2.8 * (prof.burnScale ?? 1) : 1);
  const testsTotal = rng.int(40, 400);
  const f0 = Math.min(testsTotal, rng.int(4, 25));
  const burnWithoutTests = kind === 'burn' && rng.chance(0.5);
  const failed = failedSeries(rng, kind, k, f0);
  const skipped = rng.chance(0.3) ? rng.int(1, 12) : 0;

  // Chatter runs: lots of talk, few tool calls.
  let chatterMsgsLeft = kind === 'chatter' ? rng.int(22, 60) : 0;
  let chatterToolsLeft = kind === 'chatter' ? rng.int(0, Math.floor(chatterMsgsLeft * 0.35)) : 0;
  let otherMsgsLeft = multiAgent && kind !== 'chatter' ? rng.int(3, 15) : 0;

  let t = plan.start;
  const startAttrs: Record<string, unknown> | undefined = rng.chance(0.3)
    ? rng.chance(0.5)
      ? { trigger: rng.pick(TRIGGERS), ticket: `${defectPrefix(slug)}-${2000 + st.tickets++}` }
      : { trigger: rng.pick(TRIGGERS) }
    : undefined;
  emit(st, cur, t, 'run.started', {
    run: runId,
    agent,
    model,
    repo,
    branch,
    task,
    ...(startAttrs ? { attrs: startAttrs } : {}),
  });
  t += rng.int(2, 20) * SECOND;

  let context = rng.int(8000, 22000) * tokenMult;
  // Agents compact at ~190k tokens; a team whose usage grows lets contexts grow up to the model's window.
  const contextCap = Math.min(contextWindow(model) * 0.95, 190_000 * growth);
  const prices = ROUGH_PRICES[model];
  const isClaude = model.startsWith('claude');

  const llmCall = (at: number): void => {
    const callModel = isClaude && rng.chance(0.15) ? DATED[model] ?? model : model;
    const input = Math.round(rng.logNormal(1500, 0.7) * tokenMult);
    const output = Math.round(rng.logNormal(700, 0.7) * Math.sqrt(tokenMult));
    const cacheRead = Math.round(context * rng.float(0.85, 0.98));
    const cacheWrite = isClaude && rng.chance(0.6) ? Math.round(rng.logNormal(2500, 0.6) * tokenMult) : undefined;
    const withCost = prices !== undefined && rng.chance(model === 'deepseek-chat' ? 0.5 : 0.03);
    const fields: WireFields = {
      run: runId,
      model: callModel,
      input_tokens: input,
      output_tokens: output,
      cache_read_tokens: cacheRead,
    };
    if (cacheWrite !== undefined) fields.cache_write_tokens = cacheWrite;
    if (withCost && prices) {
      const usd =
        (input * prices[0] + output * prices[1] + cacheRead * prices[2] + (cacheWrite ?? 0) * prices[3]) / 1e6;
      fields.cost_usd = Math.round(usd * 1e6) / 1e6;
    }
    if (rng.chance(0.05)) fields.attrs = { stop_reason: rng.pick(STOP_REASONS) };
    emit(st, cur, at, 'llm.call', fields);
    context += input + output;
    if (context > contextCap) context = contextCap * rng.float(0.15, 0.3); // compaction
  };

  for (let i = 0; i < k; i++) {
    emit(st, cur, t, 'iteration', { run: runId, n: i + 1 });
    t += rng.int(1, 5) * SECOND;

    // Plan the iteration's actions: an LLM call first, then tools, more calls and messages mixed.
    const actions: ('llm' | 'tool' | 'msg')[] = [];
    const calls =
      1 +
      (rng.chance(0.4) ? 1 : 0) +
      (kind === 'burn' && rng.chance(0.5) ? 1 : 0) +
      Math.floor(extraCalls) +
      (rng.chance(extraCalls - Math.floor(extraCalls)) ? 1 : 0);
    for (let c = 1; c < calls; c++) actions.push('llm');
    let tools: number;
    let msgs: number;
    if (kind === 'chatter') {
      const left = k - i;
      msgs = i === k - 1 ? chatterMsgsLeft : Math.min(chatterMsgsLeft, Math.round(chatterMsgsLeft / left + rng.int(-2, 2)));
      tools = i === k - 1 ? chatterToolsLeft : Math.min(chatterToolsLeft, rng.int(0, Math.ceil(chatterToolsLeft / left) + 1));
      msgs = Math.max(0, msgs);
      chatterMsgsLeft -= msgs;
      chatterToolsLeft -= tools;
    } else {
      tools = kind === 'burn' ? rng.int(2, 7) : rng.int(1, 5);
      msgs = otherMsgsLeft > 0 ? Math.min(otherMsgsLeft, rng.int(0, 3)) : 0;
      otherMsgsLeft -= msgs;
    }
    for (let j = 0; j < tools; j++) actions.push('tool');
    for (let j = 0; j < msgs; j++) actions.push('msg');
    for (let j = actions.length - 1; j > 0; j--) {
      const r = rng.int(0, j);
      const tmp = actions[j];
      actions[j] = actions[r];
      actions[r] = tmp;
    }
    actions.unshift('llm');

    for (const a of actions) {
      if (a === 'llm') {
        llmCall(t);
        t += Math.round(rng.logNormal(8000, 0.6));
      } else if (a === 'tool') {
        const spec = rng.weighted(TOOL_WEIGHTS[agent]);
        const ok = rng.chance(spec.okRate);
        const duration = Math.max(1, Math.round(rng.logNormal(spec.medianMs, 0.8)));
        const fields: WireFields = { run: runId, tool: spec.name, ok, duration_ms: duration };
        if ((spec.name === 'Bash' || spec.name === 'shell') && rng.chance(0.25)) fields.attrs = { exit_code: ok ? 0 : rng.pick([1, 2, 127]) };
        emit(st, cur, t, 'tool.call', fields);
        t += duration + rng.int(200, 3000);
        context += rng.int(300, 5000) * tokenMult;
      } else {
        const from = rng.pick(ROLES);
        let to = rng.pick(ROLES);
        if (to === from) to = ROLES[(ROLES.indexOf(from) + 1) % ROLES.length];
        emit(st, cur, t, 'message', { run: runId, from, to, tokens: Math.round(rng.logNormal(300, 0.8)) });
        t += rng.int(1, 12) * SECOND;
      }
    }

    const f = failed[i];
    if (!burnWithoutTests && f !== undefined && rng.chance(testChance(kind, i, k))) {
      t += rng.int(1, 4) * SECOND;
      const fields: WireFields = { run: runId, passed: testsTotal - f, failed: f };
      if (skipped > 0) fields.skipped = skipped;
      emit(st, cur, t, 'test.result', fields);
    }
    t += rng.int(20, 90) * SECOND; // the agent thinks / waits between turns
  }

  if (plan.inProgress) return;

  // Does this run open a change?
  const opensChange =
    kind === 'converge' ||
    (kind === 'fail' && rng.chance(0.15)) ||
    (kind === 'burn' && rng.chance(0.2)) ||
    (kind === 'stall' && rng.chance(0.1));
  let openedAt = 0;
  let changeId = '';
  let explicitRun = false;
  if (opensChange) {
    openedAt = t - rng.int(5, 40) * SECOND;
    changeId = nextPr(st, repo);
    explicitRun = rng.chance(0.6);
    const additions = Math.max(1, Math.round(rng.logNormal(60, 1)));
    const fields: WireFields = explicitRun ? { run: runId, repo, branch } : { repo, branch };
    Object.assign(fields, {
      change: changeId,
      title: task,
      additions,
      deletions: Math.round(additions * rng.float(0, 0.8)),
    });
    if (rng.chance(0.2)) fields.attrs = { draft: rng.chance(0.3) };
    emit(st, cur, openedAt, 'change.opened', fields);
  }

  const status: RunStatus | null =
    kind === 'converge'
      ? 'succeeded'
      : kind === 'fail'
        ? rng.weighted<RunStatus>([
            ['failed', 0.6],
            ['abandoned', 0.2],
            ['cancelled', 0.2],
          ])
        : kind === 'burn'
          ? rng.weighted<RunStatus | null>([
              ['failed', 0.4],
              ['abandoned', 0.35],
              ['cancelled', 0.1],
              [null, 0.15], // the agent died without a run.ended
            ])
          : kind === 'stall'
            ? rng.weighted<RunStatus>([
                ['failed', 0.5],
                ['abandoned', 0.3],
                ['cancelled', 0.1],
                ['succeeded', 0.1],
              ])
            : rng.weighted<RunStatus>([
                ['abandoned', 0.4],
                ['failed', 0.3],
                ['succeeded', 0.3],
              ]);
  if (status) emit(st, cur, t, 'run.ended', { run: runId, status });

  if (!opensChange) return;
  const out = prof.outcomes;
  const merges = kind === 'converge' && !rng.chance(out.closed);
  if (!merges) {
    // Closed without merging (or, for some non-converging runs, left open).
    if (kind === 'converge' || rng.chance(0.7)) {
      emit(st, cur, openedAt + Math.round(rng.logNormal(6 * HOUR, 1)), 'change.closed', { change: changeId });
    }
    return;
  }
  const mergedAt = openedAt + Math.min(5 * DAY, Math.max(10 * MINUTE, Math.round(rng.logNormal(5 * HOUR, 1))));
  const mergeFields: WireFields = explicitRun
    ? rng.chance(0.5)
      ? { run: runId, change: changeId }
      : { change: changeId }
    : { repo, branch, change: changeId };
  emit(st, cur, mergedAt, 'change.merged', mergeFields);

  if (rng.chance(out.modified)) {
    emit(st, cur, mergedAt + rng.float(2 * HOUR, 6.9 * DAY), 'change.modified', {
      change: changeId,
      lines: Math.max(1, Math.round(rng.logNormal(12, 1))),
    });
  }
  if (rng.chance(0.12)) {
    // A later touch, outside the survival week.
    emit(st, cur, mergedAt + rng.float(8 * DAY, 30 * DAY), 'change.modified', {
      change: changeId,
      lines: Math.max(1, Math.round(rng.logNormal(8, 1))),
    });
  }
  if (rng.chance(out.reverted)) {
    emit(st, cur, mergedAt + rng.float(1 * HOUR, 5 * DAY), 'change.reverted', {
      change: changeId,
      by: nextPr(st, repo),
    });
  }
  if (rng.chance(out.defect)) {
    const openedDefectAt = mergedAt + rng.float(6 * HOUR, 13.5 * DAY);
    const changes = [changeId];
    if (rng.chance(0.2)) {
      const other = st.recentMerged.find(([id, at]) => id !== changeId && at < openedDefectAt && rng.chance(0.5));
      if (other) changes.push(other[0]);
    }
    const defect = `${defectPrefix(slug)}-${101 + st.defects++}`;
    emit(st, cur, openedDefectAt, 'defect.opened', {
      defect,
      changes,
      severity: rng.weighted(SEVERITIES),
    });
    if (rng.chance(out.defectFixed)) {
      const fixAt = openedDefectAt + Math.min(20 * DAY, Math.max(20 * MINUTE, Math.round(rng.logNormal(18 * HOUR, 1.1))));
      emit(st, cur, fixAt, 'defect.fixed', { defect, change: nextPr(st, repo) });
    }
  } else if (rng.chance(0.03)) {
    // A defect nobody traced back to a change.
    const defect = `${defectPrefix(slug)}-${101 + st.defects++}`;
    emit(st, cur, mergedAt + rng.float(1 * DAY, 10 * DAY), 'defect.opened', {
      defect,
      severity: rng.weighted(SEVERITIES),
    });
  }
  st.recentMerged.unshift([changeId, mergedAt]);
  if (st.recentMerged.length > 8) st.recentMerged.pop();
}

function genTeam(team: DemoTeam, seed: number, asOf: number, weeks: number, seqBase: number): Pending[] {
  const st: TeamState = {
    team,
    rng: new Rng(mixSeed(seed, team.slug)),
    asOf,
    windowStart: asOf - weeks * WEEK,
    out: [],
    seq: seqBase,
    prNumbers: new Map(),
    defects: 0,
    tickets: 0,
    recentMerged: [],
  };
  const { rng } = st;
  const prof = team.profile;
  const credits: Record<RunKind, number> = mix(0, 0, 0, 0, 0);
  let runIdx = 0;
  let acc = rng.next();
  const firstDay = Math.floor(st.windowStart / DAY) * DAY;
  const earliest = st.windowStart + 30 * MINUTE;
  const latest = asOf - 45 * MINUTE;

  for (let day = firstDay; day <= asOf; day += DAY) {
    const dow = new Date(day).getUTCDay();
    const weekday = dow === 0 || dow === 6 ? 0.25 : 1;
    const p = progress(st, day + DAY / 2);
    acc += prof.runsPerDay * weekday * (1 + ((prof.runsTrend ?? 1) - 1) * p);
    const n = Math.floor(acc);
    acc -= n;
    const starts: number[] = [];
    for (let i = 0; i < n; i++) {
      const hour = rng.chance(0.1) ? rng.float(0, 24) : Math.min(23.99, Math.max(0, rng.normal(14, 3.5)));
      starts.push(day + Math.floor(hour * HOUR));
    }
    starts.sort((a, b) => a - b);
    for (const start of starts) {
      if (start < earliest || start > latest) continue;
      // Low-variance choice of the run kind: each kind earns credit by its share, the richest goes.
      const shares = mixAt(prof, progress(st, start));
      let best: RunKind = 'converge';
      let bestScore = -Infinity;
      for (const kind of RUN_KINDS) {
        credits[kind] += shares[kind];
        const score = credits[kind] + rng.next() * 0.6;
        if (shares[kind] > 0 && score > bestScore) {
          bestScore = score;
          best = kind;
        }
      }
      credits[best] -= 1;
      genRun(st, runIdx++, { kind: best, start });
    }
  }

  // A couple of runs still going at asOf.
  const live = rng.int(1, 2);
  for (let i = 0; i < live; i++) {
    const start = asOf - rng.int(3, 40) * MINUTE;
    if (start < earliest) continue;
    genRun(st, runIdx++, {
      kind: i === 0 ? 'converge' : 'fail',
      start,
      inProgress: true,
      iterations: rng.int(10, 20),
    });
  }
  return st.out;
}

export interface DemoOptions {
  /** The moment the demo is "now": every event has ts ≤ asOf. */
  asOf: Date | number;
  /** How many weeks of history before asOf (default 10). */
  weeks?: number;
  seed?: number;
  teams?: DemoTeam[];
}

/**
 * Demo events for all teams, ordered by ts. Deterministic in its options; every event lies in
 * `[asOf − weeks, asOf]`. About 30–60k events for the default teams and 10 weeks.
 */
export function* generateDemoEvents(options: DemoOptions): Generator<WireEvent> {
  const asOf = toMs(options.asOf);
  const weeks = options.weeks ?? 10;
  if (!(weeks > 0)) throw new Error('weeks must be positive');
  const seed = options.seed ?? 1;
  const teams = options.teams ?? DEMO_TEAMS;
  const all: Pending[] = [];
  for (const team of teams) {
    const events = genTeam(team, seed, asOf, weeks, all.length);
    for (const e of events) all.push(e);
  }
  all.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
  for (const { ms, ev } of all) {
    ev.ts = isoUtc(ms);
    yield ev;
  }
}
