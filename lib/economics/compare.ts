/**
 * GET /api/v1/compare (economics-v1 "Compare"): the runs ended in the window grouped by agent or
 * by main model, each group with its convergence (and Wilson interval), tokens, cost, merged
 * changes, their week survival, cost per surviving change and median tokens per converged run.
 */
import { costPerSurvivingChange, usageCostUsd } from '@/lib/kpi/cost';
import { weekSurvival } from '@/lib/kpi/outcomes';
import { nearestRankMedian } from '@/lib/kpi/stats';
import { inWindow } from '@/lib/kpi/time';
import type { KpiWindow, MergedChangeRow, PriceLookup, TokenTotals } from '@/lib/kpi/types';
import type { CompareAnswer, CompareBy, CompareGroup, CompareRunRow, RunModelUsage } from './types';
import { wilsonInterval } from './wilson';

/** The key of a run without an agent (`by=agent`) or without any llm.call (`by=model`). */
export const UNKNOWN_AGENT = 'unknown';
export const NO_MODEL = 'none';

const NO_TOKENS: TokenTotals = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 });

/** The four token kinds of usage rows added up, with their total. */
export function usageTokens(usage: readonly RunModelUsage[]): TokenTotals {
  const t = { ...NO_TOKENS };
  for (const u of usage) {
    t.input += u.inputTokens;
    t.output += u.outputTokens;
    t.cacheRead += u.cacheReadTokens;
    t.cacheWrite += u.cacheWriteTokens;
  }
  t.total = t.input + t.output + t.cacheRead + t.cacheWrite;
  return t;
}

/**
 * A run's main model: the model of its llm.call events with the largest sum of total tokens,
 * ties to the smallest model id; null for a run without any llm.call.
 */
export function mainModel(usage: readonly RunModelUsage[]): string | null {
  const totals = new Map<string, number>();
  for (const u of usage) {
    const tokens = u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
    totals.set(u.model, (totals.get(u.model) ?? 0) + tokens);
  }
  let best: string | null = null;
  let bestTokens = -Infinity;
  for (const [model, tokens] of totals) {
    if (tokens > bestTokens || (tokens === bestTokens && best !== null && model < best)) {
      best = model;
      bestTokens = tokens;
    }
  }
  return best;
}

/** The group key of a run. */
export function groupKey(run: CompareRunRow, by: CompareBy): string {
  return by === 'agent' ? (run.agent ?? UNKNOWN_AGENT) : (mainModel(run.usage) ?? NO_MODEL);
}

/** The runs whose earliest run.ended falls in the window (at asOf), one per run id. */
function runsEnded(runs: readonly CompareRunRow[], w: KpiWindow): CompareRunRow[] {
  const seen = new Set<string>();
  return runs.filter((r) => {
    if (seen.has(r.run) || r.endedAt === null || !inWindow(r.endedAt, w)) return false;
    seen.add(r.run);
    return true;
  });
}

/** The figures of one group's ended runs. */
function groupFigures(
  key: string,
  runs: readonly CompareRunRow[],
  timelines: ReadonlyMap<string, MergedChangeRow>,
  asOf: number,
  prices: PriceLookup,
): CompareGroup {
  // Summed in place: a window holds thousands of runs, and allocations per run add up.
  const tokens = { ...NO_TOKENS };
  let converged = 0;
  const convergedTokens: number[] = [];
  const changes = new Map<string, number>();
  for (const run of runs) {
    const own = usageTokens(run.usage);
    tokens.input += own.input;
    tokens.output += own.output;
    tokens.cacheRead += own.cacheRead;
    tokens.cacheWrite += own.cacheWrite;
    tokens.total += own.total;
    let merged = false;
    // Its linked changes that exist at asOf and are merged at or before it.
    for (const c of run.linkedChanges) {
      if (c.firstEventAt > asOf || c.mergedAt === null || c.mergedAt > asOf) continue;
      merged = true;
      changes.set(c.change, c.mergedAt);
    }
    if (merged) {
      converged++;
      convergedTokens.push(own.total);
    }
  }
  // Survival over the group's merged changes whatever the window: every merge up to asOf.
  const rows: MergedChangeRow[] = [...changes].map(([change, mergedAt]) => ({
    modifiedAt: [], revertedAt: [], defectNamedAt: [], ...timelines.get(change), change, mergedAt,
  }));
  const { rate, survived, eligible } = weekSurvival(rows, { from: -Infinity, to: Infinity, asOf });
  const costUsd = usageCostUsd(runs.flatMap((r) => r.usage), prices).costUsd;
  return {
    key,
    runs: runs.length,
    converged,
    convergenceRate: runs.length === 0 ? null : converged / runs.length,
    convergenceCi95: wilsonInterval(converged, runs.length),
    tokens,
    costUsd,
    mergedChanges: changes.size,
    weekSurvival: { rate, survived, eligible },
    costPerSurvivingChange: costPerSurvivingChange(costUsd, changes.size, rate),
    medianTokensPerConvergedRun: nearestRankMedian(convergedTokens),
  };
}

/**
 * The answer of GET /api/v1/compare: groups by `by`, largest `runs` first, ties by key.
 * `changes` gives the timelines (modifications, reverts) of the linked merged changes.
 */
export function compareGroups(
  runs: readonly CompareRunRow[],
  changes: readonly MergedChangeRow[],
  w: KpiWindow,
  by: CompareBy,
  prices: PriceLookup,
): CompareAnswer {
  const byKey = new Map<string, CompareRunRow[]>();
  for (const run of runsEnded(runs, w)) {
    const key = groupKey(run, by);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(run);
  }
  const timelines = new Map(changes.map((c) => [c.change, c]));
  const groups = [...byKey].map(([key, list]) => groupFigures(key, list, timelines, w.asOf, prices));
  groups.sort((a, b) => b.runs - a.runs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { by, groups };
}
