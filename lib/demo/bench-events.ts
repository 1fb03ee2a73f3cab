/**
 * Benchmark events: exactly `count` events-v1 wire objects in a flat-memory stream, for load
 * tests and `npm run bench`. Randomness comes only from the seeded `Rng` (./random.ts).
 */
import type { RunStatus } from '../events/types';
import { isoUtc } from '../events/iso';
import { Rng, mixSeed } from './random';
import { DAY, HOUR, MINUTE, WEEK, toMs, type WireEvent, type WireFields } from './wire';

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

  const push = (type: WireEvent['type'], ms: number, fields: WireFields): void => {
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
