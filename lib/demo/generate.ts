/**
 * Deterministic demo and benchmark event generators, producing events-v1 wire objects
 * (docs/events.md): `ts` as an RFC 3339 UTC string, `team` set.
 *
 * - `generateDemoEvents`: a few teams with distinct stories (healthy, burning tokens, chatty,
 *   stalling and diverging), tuned so that every flag of kpis-v1.md trips on some of them at the
 *   default thresholds while most runs stay unflagged. Same options → identical output.
 * - `generateBenchEvents`: exactly `count` events in a flat-memory stream for load tests.
 *
 * Randomness comes only from the seeded `Rng` (./random.ts); never Math.random.
 */
import type { LoopEvent, RunStatus } from '../events/types';
import { Rng, mixSeed } from './random';

/** One event as sent on the wire: like `LoopEvent` but `ts` is an RFC 3339 string and `team` is set. */
export type WireEvent = Omit<LoopEvent, 'ts' | 'team'> & { ts: string; team: string };

/** The kinds of loop run the demo mixes. */
export type RunKind = 'converge' | 'fail' | 'burn' | 'stall' | 'chatter';

export type Agent = 'claude-code' | 'codex' | 'custom-bot';

export interface DemoOutcomes {
  /** Probability a converging run's change is closed without merging. */
  closed: number;
  /** Probability a merged change gets a `change.modified` within 7 days. */
  modified: number;
  /** Probability a merged change is reverted within 7 days. */
  reverted: number;
  /** Probability a merged change is named in a `defect.opened` within 14 days. */
  defect: number;
  /** Probability such a defect is fixed (eventually; fixes after asOf are not emitted). */
  defectFixed: number;
}

export interface DemoProfile {
  /** One line: what this team's data is meant to show. */
  story: string;
  /** Runs started per weekday (weekends get a quarter of it). */
  runsPerDay: number;
  /** Runs/day multiplier reached at asOf, growing linearly over the last 10 weeks (default 1). */
  runsTrend?: number;
  /** Share of each run kind (normalised). */
  mix: Record<RunKind, number>;
  /** Share of each run kind at asOf, interpolated linearly from `mix` over the last 10 weeks. */
  mixEnd?: Record<RunKind, number>;
  /** Multiplier on tokens per LLM call. */
  tokenScale: number;
  /** Tokens-per-call multiplier reached at asOf, growing exponentially over the last 10 weeks (default 1). */
  tokenGrowth?: number;
  /** Size of this team's `burn` runs (extra tokens per call, and turns when < 1); default 1. */
  burnScale?: number;
  /** Probability that an ordinary run is a multi-agent one (emits a few `message` events). */
  multiAgent: number;
  repos: string[];
  agents: [Agent, number][];
  /** [branch slug, task text] */
  tasks: [string, string][];
  outcomes: DemoOutcomes;
}

export interface DemoTeam {
  slug: string;
  name: string;
  profile: DemoProfile;
}

const mix = (converge: number, fail: number, burn: number, stall: number, chatter: number): Record<RunKind, number> => ({
  converge,
  fail,
  burn,
  stall,
  chatter,
});

export const DEMO_TEAMS: DemoTeam[] = [
  {
    slug: 'payments',
    name: 'Payments',
    profile: {
      story: 'Healthy: short loops that converge, changes that survive, few defects.',
      runsPerDay: 3,
      runsTrend: 1.1,
      mix: mix(0.74, 0.2, 0.01, 0.03, 0.02),
      tokenScale: 1,
      burnScale: 0.5,
      multiAgent: 0.05,
      repos: ['acme/payments-api', 'acme/ledger', 'acme/billing-web'],
      agents: [
        ['claude-code', 0.7],
        ['codex', 0.3],
      ],
      tasks: [
        ['refund-idempotency', 'Add idempotency keys to the refund endpoint'],
        ['currency-rounding', 'Fix rounding of JPY amounts in currency conversion'],
        ['ledger-reconcile', 'Reconcile ledger entries nightly and report drift'],
        ['webhook-retries', 'Retry failed payment webhooks with exponential backoff'],
        ['invoice-pdf', 'Render invoice PDFs with the new tax breakdown'],
        ['3ds-timeout', 'Handle 3-D Secure challenge timeouts gracefully'],
        ['payout-batching', 'Batch payouts per merchant to cut fees'],
        ['vat-ids', 'Validate EU VAT ids at checkout'],
      ],
      outcomes: { closed: 0.05, modified: 0.08, reverted: 0.01, defect: 0.04, defectFixed: 0.9 },
    },
  },
  {
    slug: 'platform',
    name: 'Platform',
    profile: {
      story: 'Burning tokens: long runs with huge contexts and few merges.',
      runsPerDay: 2.2,
      mix: mix(0.36, 0.2, 0.36, 0.06, 0.02),
      tokenScale: 1.4,
      multiAgent: 0.1,
      repos: ['acme/platform', 'acme/infra', 'acme/ci-tools'],
      agents: [
        ['claude-code', 0.5],
        ['codex', 0.3],
        ['custom-bot', 0.2],
      ],
      tasks: [
        ['k8s-upgrade', 'Upgrade the cluster manifests to Kubernetes 1.33'],
        ['flaky-ci', 'Find and fix the flaky integration tests in CI'],
        ['terraform-drift', 'Resolve Terraform drift in the staging account'],
        ['build-cache', 'Make the monorepo build cache hermetic'],
        ['log-pipeline', 'Migrate the log pipeline to OpenTelemetry'],
        ['secrets-rotation', 'Automate rotation of database credentials'],
        ['bazel-migration', 'Migrate ci-tools from Make to Bazel'],
        ['cost-alerts', 'Alert on cloud spend anomalies per service'],
      ],
      outcomes: { closed: 0.12, modified: 0.2, reverted: 0.06, defect: 0.12, defectFixed: 0.75 },
    },
  },
  {
    slug: 'mobile',
    name: 'Mobile',
    profile: {
      story: 'Chatty multi-agent setup: planner, coder and reviewer talk a lot and often ship nothing.',
      runsPerDay: 3.2,
      mix: mix(0.42, 0.15, 0.02, 0.04, 0.37),
      tokenScale: 0.9,
      burnScale: 0.5,
      multiAgent: 0.75,
      repos: ['acme/mobile-app', 'acme/design-system'],
      agents: [
        ['custom-bot', 0.6],
        ['claude-code', 0.4],
      ],
      tasks: [
        ['dark-mode', 'Support dark mode on the settings screens'],
        ['offline-cart', 'Keep the cart usable offline and sync on reconnect'],
        ['push-deeplinks', 'Open the right screen from push notification deep links'],
        ['a11y-labels', 'Add accessibility labels to all icon buttons'],
        ['crash-ios17', 'Fix the launch crash on iOS 17 devices'],
        ['image-cache', 'Cap the image cache size on low-memory Android phones'],
        ['onboarding-v2', 'Build the new three-step onboarding flow'],
      ],
      outcomes: { closed: 0.1, modified: 0.15, reverted: 0.04, defect: 0.1, defectFixed: 0.8 },
    },
  },
  {
    slug: 'search',
    name: 'Search',
    profile: {
      story: 'Stalling and diverging: loops stop improving, tokens climb week over week while merges fall.',
      runsPerDay: 3,
      mix: mix(0.58, 0.2, 0.02, 0.18, 0.02),
      mixEnd: mix(0.18, 0.2, 0.04, 0.56, 0.02),
      tokenScale: 1,
      tokenGrowth: 3.5,
      multiAgent: 0.1,
      repos: ['acme/search', 'acme/indexer', 'acme/ranking'],
      agents: [
        ['codex', 0.6],
        ['claude-code', 0.2],
        ['custom-bot', 0.2],
      ],
      tasks: [
        ['typo-tolerance', 'Improve typo tolerance for short queries'],
        ['synonyms', 'Load synonyms from the catalog team feed'],
        ['ranking-freshness', 'Boost fresh listings in the ranking model'],
        ['index-sharding', 'Reshard the product index without downtime'],
        ['facet-counts', 'Fix wrong facet counts after filtering'],
        ['query-latency', 'Bring p99 query latency under 150 ms'],
        ['autocomplete', 'Personalise autocomplete suggestions'],
      ],
      outcomes: { closed: 0.1, modified: 0.18, reverted: 0.05, defect: 0.12, defectFixed: 0.75 },
    },
  },
  {
    slug: 'growth',
    name: 'Growth',
    profile: {
      story: 'Small and mixed: a handful of runs a day, some good, some not.',
      runsPerDay: 1.2,
      runsTrend: 1.3,
      mix: mix(0.56, 0.3, 0.02, 0.05, 0.07),
      tokenScale: 0.8,
      burnScale: 0.5,
      multiAgent: 0.25,
      repos: ['acme/web', 'acme/experiments'],
      agents: [
        ['claude-code', 0.5],
        ['codex', 0.25],
        ['custom-bot', 0.25],
      ],
      tasks: [
        ['signup-ab', 'Set up the A/B test for the shorter signup form'],
        ['referral-credits', 'Grant referral credits after the first purchase'],
        ['landing-seo', 'Fix SEO metadata on the landing pages'],
        ['email-digest', 'Send the weekly digest email in the user timezone'],
        ['utm-tracking', 'Persist UTM parameters through checkout'],
      ],
      outcomes: { closed: 0.1, modified: 0.2, reverted: 0.05, defect: 0.1, defectFixed: 0.8 },
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Shared helpers

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** Trends (runsTrend, mixEnd, tokenGrowth) unfold over this many weeks before asOf. */
const TREND_WEEKS = 10;

function toMs(t: Date | number): number {
  const ms = typeof t === 'number' ? t : t.getTime();
  if (!Number.isFinite(ms)) throw new Error('asOf must be a valid date or epoch milliseconds');
  return Math.floor(ms);
}

let isoDay = Number.NaN;
let isoPrefix = '';
const pad2 = (n: number): string => (n < 10 ? '0' + n : '' + n);
const pad3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);

/** Epoch ms → `YYYY-MM-DDTHH:MM:SS.mmmZ`, fast for mostly-ordered input. */
export function isoUtc(ms: number): string {
  const day = Math.floor(ms / DAY);
  if (day !== isoDay) {
    isoDay = day;
    isoPrefix = new Date(day * DAY).toISOString().slice(0, 11);
  }
  let r = ms - day * DAY;
  const h = Math.floor(r / HOUR);
  r -= h * HOUR;
  const m = Math.floor(r / MINUTE);
  r -= m * MINUTE;
  const s = Math.floor(r / SECOND);
  r -= s * SECOND;
  return isoPrefix + pad2(h) + ':' + pad2(m) + ':' + pad2(s) + '.' + pad3(r) + 'Z';
}

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

// ---------------------------------------------------------------------------------------------
// Demo generator

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

type Fields = Omit<WireEvent, 'id' | 'type' | 'ts' | 'team'>;

function emit(st: TeamState, run: RunCursor, ms: number, type: WireEvent['type'], fields: Fields): void {
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
    const fields: Fields = {
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
        const fields: Fields = { run: runId, tool: spec.name, ok, duration_ms: duration };
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
      const fields: Fields = { run: runId, passed: testsTotal - f, failed: f };
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
    const fields: Fields = explicitRun ? { run: runId, repo, branch } : { repo, branch };
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
  const mergeFields: Fields = explicitRun
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

// ---------------------------------------------------------------------------------------------
// Benchmark generator

export interface BenchOptions {
  /** Exactly this many events are generated. */
  count: number;
  seed?: number;
  /** A single team slug for all events (overrides `teams`). */
  team?: string;
  /** Events are spread over the 13 weeks before asOf (default: now). */
  asOf?: Date | number;
  /** Number of teams `bench-1` … `bench-N` (default 1). */
  teams?: number;
}

const BENCH_AGENTS: [string, string][] = [
  ['claude-code', 'claude-sonnet-4-5'],
  ['claude-code', 'claude-opus-4-1'],
  ['codex', 'gpt-5-codex'],
  ['codex', 'gpt-5'],
  ['custom-bot', 'gemini-2.5-pro'],
  ['custom-bot', 'deepseek-chat'],
];
const BENCH_TOOLS = ['Read', 'Edit', 'Bash', 'Grep', 'shell', 'apply_patch'];
const BENCH_STATUSES: RunStatus[] = ['succeeded', 'succeeded', 'failed', 'abandoned', 'cancelled'];
const BENCH_SEVERITIES = ['low', 'medium', 'medium', 'high', 'critical'];

/**
 * Exactly `count` events over 13 weeks before asOf, about 20 % of them `llm.call`, streamed with
 * flat memory (one run's events buffered at a time). Ids are `<team>-b<index>`.
 */
export function* generateBenchEvents(options: BenchOptions): Generator<WireEvent> {
  const count = Math.max(0, Math.floor(options.count));
  const rng = new Rng(mixSeed(options.seed ?? 1, 'bench'));
  const asOf = toMs(options.asOf ?? Date.now());
  const span = 13 * WEEK;
  const start = asOf - span;
  const nTeams = Math.max(1, Math.floor(options.teams ?? 1));
  const teams = options.team ? [options.team] : Array.from({ length: nTeams }, (_, i) => `bench-${i + 1}`);

  let emitted = 0;
  let pushed = 0;
  let pushedLlm = 0;
  let runIdx = 0;
  let prNo = 0;
  let defectNo = 0;
  const buf: WireEvent[] = [];
  let team = teams[0];

  const push = (type: WireEvent['type'], ms: number, fields: Fields): void => {
    const ev = { id: `${team}-b${pushed}`, type, ts: isoUtc(Math.min(asOf, Math.floor(ms))), team, ...fields } as WireEvent;
    buf.push(ev);
    pushed++;
    if (type === 'llm.call') pushedLlm++;
  };

  while (emitted < count) {
    team = teams[runIdx % teams.length];
    const run = `${team}-run-${runIdx}`;
    const [agent, model] = BENCH_AGENTS[rng.int(0, BENCH_AGENTS.length - 1)];
    const repo = `acme/bench-${runIdx % 16}`;
    const branch = `agent/bench-${runIdx}`;
    let t = start + (emitted / count) * (span - 2 * DAY) + rng.int(0, HOUR);
    const multi = rng.chance(0.2);
    const k = rng.int(2, 8);

    push('run.started', t, { run, agent, model, repo, branch, task: `Bench task ${runIdx}` });
    let context = rng.int(5000, 20000);
    const failed0 = rng.int(1, 20);
    for (let i = 1; i <= k; i++) {
      t += rng.int(1000, 5000);
      push('iteration', t, { run, n: i });
      const calls = pushedLlm + 1 < 0.2 * (pushed + 5) ? 2 : 1;
      for (let c = 0; c < calls; c++) {
        t += rng.int(2000, 20000);
        const input = rng.int(200, 6000);
        const output = rng.int(100, 3000);
        context += input + output;
        push('llm.call', t, {
          run,
          model,
          input_tokens: input,
          output_tokens: output,
          cache_read_tokens: context,
          cache_write_tokens: rng.int(0, 4000),
        });
      }
      t += rng.int(50, 5000);
      push('tool.call', t, { run, tool: BENCH_TOOLS[rng.int(0, BENCH_TOOLS.length - 1)], ok: rng.chance(0.9), duration_ms: rng.int(5, 20000) });
      t += rng.int(50, 5000);
      if (multi && rng.chance(0.6)) {
        push('message', t, { run, from: 'planner', to: 'coder', tokens: rng.int(20, 2000) });
      } else {
        push('tool.call', t, { run, tool: BENCH_TOOLS[rng.int(0, BENCH_TOOLS.length - 1)], ok: rng.chance(0.9), duration_ms: rng.int(5, 20000) });
      }
      if (rng.chance(0.9)) {
        t += rng.int(1000, 30000);
        const failed = Math.max(0, Math.round(failed0 * (1 - i / k)));
        push('test.result', t, { run, passed: 100 - Math.min(100, failed), failed: Math.min(100, failed) });
      }
    }
    t += rng.int(1000, 60000);
    const status = BENCH_STATUSES[rng.int(0, BENCH_STATUSES.length - 1)];
    if (status === 'succeeded') {
      const change = `${repo}#${++prNo}`;
      push('change.opened', t - 500, { run, repo, branch, change, title: `Bench change ${prNo}`, additions: rng.int(1, 500), deletions: rng.int(0, 200) });
      push('run.ended', t, { run, status });
      const mergedAt = t + rng.int(10 * MINUTE, 30 * HOUR);
      if (rng.chance(0.9)) {
        push('change.merged', mergedAt, { change });
        if (rng.chance(0.1)) push('change.modified', mergedAt + rng.int(HOUR, 7 * DAY), { change, lines: rng.int(1, 80) });
        if (rng.chance(0.03)) push('change.reverted', mergedAt + rng.int(HOUR, 5 * DAY), { change, by: `${repo}#r${prNo}` });
        if (rng.chance(0.06)) {
          const defect = `BENCH-${++defectNo}`;
          const openedAt = mergedAt + rng.int(HOUR, 13 * DAY);
          push('defect.opened', openedAt, { defect, changes: [change], severity: BENCH_SEVERITIES[rng.int(0, 4)] });
          if (rng.chance(0.8)) push('defect.fixed', openedAt + rng.int(HOUR, 5 * DAY), { defect, change: `${repo}#f${defectNo}` });
        }
      } else {
        push('change.closed', mergedAt, { change });
      }
    } else {
      push('run.ended', t, { run, status });
    }
    runIdx++;

    for (let i = 0; i < buf.length && emitted < count; i++) {
      emitted++;
      yield buf[i];
    }
    buf.length = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Serialisation

/** NDJSON lines, each ending with "\n". */
export function* toNdjsonLines(events: Iterable<WireEvent>): Generator<string> {
  for (const e of events) yield JSON.stringify(e) + '\n';
}

/** The CSV columns the demo's events use (attrs keys flattened with `.`). */
export const DEMO_CSV_COLUMNS: string[] = [
  'id',
  'type',
  'ts',
  'team',
  'run',
  'agent',
  'model',
  'repo',
  'branch',
  'task',
  'status',
  'n',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cost_usd',
  'tool',
  'ok',
  'duration_ms',
  'passed',
  'failed',
  'skipped',
  'from',
  'to',
  'tokens',
  'change',
  'title',
  'additions',
  'deletions',
  'by',
  'lines',
  'defect',
  'changes',
  'severity',
  'attrs.trigger',
  'attrs.ticket',
  'attrs.exit_code',
  'attrs.stop_reason',
  'attrs.draft',
];

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s: string;
  if (Array.isArray(v)) s = v.map((x) => String(x)).join(';');
  else if (typeof v === 'number') {
    s = Number.isInteger(v) || Math.abs(v) >= 1e-6 ? String(v) : v.toFixed(20).replace(/0+$/, '');
  } else s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/**
 * CSV with a header row (first string). Nested `attrs` keys become `attrs.<key>` columns; an
 * event with a field or attrs key outside `columns` is an error, never silently dropped.
 */
export function* toCsv(events: Iterable<WireEvent>, columns: string[] = DEMO_CSV_COLUMNS): Generator<string> {
  const known = new Set(columns);
  yield columns.map(csvCell).join(',') + '\n';
  for (const e of events) {
    const rec = e as unknown as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      if (key === 'attrs') {
        const attrs = rec.attrs as Record<string, unknown>;
        for (const a of Object.keys(attrs)) {
          if (!known.has(`attrs.${a}`)) throw new Error(`toCsv: no column for attrs.${a} (event ${e.id})`);
        }
      } else if (!known.has(key)) {
        throw new Error(`toCsv: no column for ${key} (event ${e.id})`);
      }
    }
    const cells = columns.map((c) =>
      c.startsWith('attrs.') ? csvCell((rec.attrs as Record<string, unknown> | undefined)?.[c.slice(6)]) : csvCell(rec[c]),
    );
    yield cells.join(',') + '\n';
  }
}
