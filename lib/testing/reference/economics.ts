/**
 * economics-v1.md written again from its text, over the reference's own view of the events at
 * asOf (scope.ts, linking.ts, pricing.ts): GET /api/v1/compare and GET /api/v1/whatif. Test
 * support only; it shares no code with lib/economics, lib/kpi or lib/data.
 */
import type { Ev } from './events';
import { nearestRank } from './exact';
import { callsIn, referenceKpis, sumCost, sumTokens } from './kpis';
import { converged, type Run } from './linking';
import { callTokens, ratesOf } from './pricing';
import { runMatches, type Scope } from './scope';
import { DAY, inRange } from './time';
import type { Tokens } from './types';

export interface RefCompareGroup {
  key: string;
  runs: number;
  converged: number;
  convergenceRate: number | null;
  convergenceCi95: [number, number] | null;
  tokens: Tokens;
  costUsd: number;
  mergedChanges: number;
  weekSurvival: { rate: number | null; survived: number; eligible: number };
  costPerSurvivingChange: number | null;
  medianTokensPerConvergedRun: number | null;
}

export type RefScenario =
  | { kind: 'price'; inputPerM: number; outputPerM: number; cacheReadPerM: number; cacheWritePerM: number }
  | { kind: 'model'; model: string }
  | { kind: 'selfhosted'; gpuHourUsd: number; gpus: number; prefillTokensPerSecond: number; decodeTokensPerSecond: number; utilization: number };

interface RefCosts {
  costUsd: number;
  costPerMergedChange: number | null;
  costPerSurvivingChange: number | null;
}

export interface RefWhatIf {
  scenario: RefScenario;
  baseline: RefCosts;
  whatIf: RefCosts;
  savingUsd: number;
}

const Z = 1.959964;

/** "the Wilson score interval `[low, high]` of `convergenceRate` at z = 1.959964; `null` when `runs` = 0". */
function wilson(k: number, n: number): [number, number] | null {
  if (n === 0) return null;
  const p = k / n;
  const root = Z * Math.sqrt(p * (1 - p) / n + (Z * Z) / (4 * n * n));
  const mid = p + (Z * Z) / (2 * n);
  const scale = 1 + (Z * Z) / n;
  // The interval lies in [0, 1]; only rounding could take an end outside.
  return [Math.max(0, (mid - root) / scale), Math.min(1, (mid + root) / scale)];
}

const llmCallsOf = (r: Run): Ev[] => r.own.filter((e) => e.type === 'llm.call');

/**
 * "the `model` of its `llm.call` events with the largest sum of `total` tokens (ties: the
 * smallest model id); a run with no `llm.call` → `"none"`".
 */
function mainModelOf(r: Run): string {
  const sums: Record<string, number> = {};
  for (const e of llmCallsOf(r)) sums[e.model as string] = (sums[e.model as string] ?? 0) + callTokens(e).total;
  const ids = Object.keys(sums).sort((a, b) => (sums[b] - sums[a]) || (a < b ? -1 : a > b ? 1 : 0));
  return ids.length === 0 ? 'none' : ids[0];
}

export function referenceCompare(s: Scope, from: number, to: number, by: 'agent' | 'model'): { by: string; groups: RefCompareGroup[] } {
  const asOf = s.asOf;
  // "The runs ended in the window (kpis-v1 `runs.ended`) are grouped".
  const groups = new Map<string, { team: string; run: Run }[]>();
  for (const team of s.teams) {
    for (const run of team.state.runs.values()) {
      if (!run.end || !inRange(run.end.ts, from, to) || !runMatches(run, s.filters)) continue;
      const key = by === 'agent' ? (run.agent ?? 'unknown') : mainModelOf(run);
      groups.set(key, [...(groups.get(key) ?? []), { team: team.prefix, run }]);
    }
  }
  const out: RefCompareGroup[] = [];
  for (const [key, members] of groups) {
    const runs = members.length;
    const convergedRuns = members.filter((m) => converged(m.run));
    const calls = members.flatMap((m) => llmCallsOf(m.run));
    const costUsd = sumCost(calls).costUsd;
    // "changes linked to the group's runs whose merge is at or before `asOf`" (the state is at asOf).
    const merges = new Map<string, { at: number; touched: number[] }>();
    for (const m of members) {
      for (const c of m.run.changes) {
        if (!c.merge) continue;
        const touched = c.events.filter((e) => e.type === 'change.modified' || e.type === 'change.reverted').map((e) => e.ts);
        merges.set(m.team + c.change, { at: c.merge.ts, touched });
      }
    }
    // kpis-v1's rule: eligible when merged ≥ 7 days before asOf; survived with no modification nor revert in (merged, merged + 7d].
    const eligible = [...merges.values()].filter((c) => asOf - c.at >= 7 * DAY);
    const survived = eligible.filter((c) => !c.touched.some((t) => t > c.at && t <= c.at + 7 * DAY)).length;
    const rate = eligible.length === 0 ? null : survived / eligible.length;
    const survivingDenominator = rate === null ? 0 : merges.size * rate;
    out.push({
      key,
      runs,
      converged: convergedRuns.length,
      convergenceRate: runs === 0 ? null : convergedRuns.length / runs,
      convergenceCi95: wilson(convergedRuns.length, runs),
      tokens: sumTokens(calls),
      costUsd,
      mergedChanges: merges.size,
      weekSurvival: { rate, survived, eligible: eligible.length },
      costPerSurvivingChange: survivingDenominator === 0 ? null : costUsd / survivingDenominator,
      medianTokensPerConvergedRun: nearestRank(convergedRuns.map((m) => sumTokens(llmCallsOf(m.run)).total), 0.5),
    });
  }
  // "largest `runs` first (ties by key)".
  out.sort((a, b) => b.runs - a.runs || (a.key < b.key ? -1 : 1));
  return { by, groups: out };
}

/** A call's cost under the scenario (its own cost_usd and the price table ignored); null: the model is not priced. */
function scenarioCallCost(scenario: RefScenario): ((e: Ev) => number) | null {
  if (scenario.kind === 'selfhosted') {
    const { gpuHourUsd, gpus, prefillTokensPerSecond, decodeTokensPerSecond, utilization } = scenario;
    return (e) => {
      const t = callTokens(e);
      const seconds = (t.input + t.cacheWrite) / prefillTokensPerSecond + t.output / decodeTokensPerSecond;
      return (seconds * gpus * gpuHourUsd) / 3600 / utilization;
    };
  }
  let rates = scenario.kind === 'price' ? scenario : null;
  if (scenario.kind === 'model') {
    const r = ratesOf(scenario.model);
    if (!r) return null;
    rates = { kind: 'price', inputPerM: r.input, outputPerM: r.output, cacheReadPerM: r.cacheRead, cacheWritePerM: r.cacheWrite };
  }
  const p = rates!;
  return (e) => {
    const t = callTokens(e);
    return (t.input * p.inputPerM + t.output * p.outputPerM + t.cacheRead * p.cacheReadPerM + t.cacheWrite * p.cacheWritePerM) / 1e6;
  };
}

/** GET /api/v1/whatif; null where the API answers 400 naming `model`. */
export function referenceWhatIf(s: Scope, from: number, to: number, scenario: RefScenario): RefWhatIf | null {
  const price = scenarioCallCost(scenario);
  if (!price) return null;
  const kpis = referenceKpis(s, from, to);
  let cost = 0;
  for (const e of callsIn(s, from, to)) cost += price(e);
  const rate = kpis.weekSurvival.rate;
  const surviving = rate === null || kpis.mergedChanges * rate === 0 ? null : cost / (kpis.mergedChanges * rate);
  return {
    scenario,
    baseline: { costUsd: kpis.costUsd, costPerMergedChange: kpis.costPerMergedChange, costPerSurvivingChange: kpis.costPerSurvivingChange },
    whatIf: { costUsd: cost, costPerMergedChange: kpis.mergedChanges === 0 ? null : cost / kpis.mergedChanges, costPerSurvivingChange: surviving },
    savingUsd: kpis.costUsd - cost,
  };
}
