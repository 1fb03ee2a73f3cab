/**
 * The economics answers (economics-v1.md: GET /api/v1/compare and /api/v1/whatif, the dashboard's
 * Agents & models section and What if panel, share links and exports): the same row loaders as
 * the KPIs read the runs ended in the window (with their agent, usage per model and links) and
 * the window's outcomes and usage; lib/economics's pure functions compute every figure.
 */
import 'server-only';
import { breakEven, tokensPerMonth, type BreakEven } from '@/lib/economics/break-even';
import { compareGroups } from '@/lib/economics/compare';
import { COMPARE_BY, type CompareAnswer, type CompareBy, type CompareRunRow, type Scenario, type WhatIfAnswer } from '@/lib/economics/types';
import { whatIf } from '@/lib/economics/whatif';
import { DEFAULT_FLAG_THRESHOLDS } from '@/lib/flags/thresholds';
import { computeKpis } from '@/lib/kpi/compute';
import type { KpiWindow, Kpis, MergedChangeRow, PriceLookup, UsageRow } from '@/lib/kpi/types';
import type { Sql } from './connection';
import { scopeOf, type KpiQueryOptions } from './kpis';
import { priceTable } from './prices';
import type { KpiFilters } from './rows/filters';
import { append, outcomeIntervals } from './rows/intervals';
import { loadOutcomeRows } from './rows/load';
import { changeTimelines } from './rows/outcomes';
import { runRows, runUsage } from './rows/runs';
import type { TeamSource } from './team-scope';
import type { Viewer } from './viewer';

/** The rows of the comparison: the runs ended in the window, the timelines of their merged changes. */
async function compareRows(db: Sql, sources: readonly TeamSource[], w: KpiWindow, filters: KpiFilters | undefined) {
  const runs: CompareRunRow[] = [];
  const changes: MergedChangeRow[] = [];
  for (const src of sources) {
    // Window null: only the ended runs are read (no flags, hence no thresholds really needed).
    const read = await runRows(db, src, { asOf: w.asOf, window: null, kpiIntervals: outcomeIntervals([w], w.asOf), thresholds: DEFAULT_FLAG_THRESHOLDS, filters });
    const usage = await runUsage(db, src, read.ended, w.asOf);
    const merges = new Map<string, number>();
    for (const state of read.ended) {
      const links = read.links.get(state.run) ?? [];
      runs.push({ run: src.prefix + state.run, agent: state.agent, endedAt: state.endedAt, usage: usage.get(state.run) ?? [], linkedChanges: links });
      for (const c of links) if (c.mergedAt !== null && c.mergedAt <= w.asOf) merges.set(c.change.slice(src.prefix.length), c.mergedAt);
    }
    append(changes, await changeTimelines(db, src, merges));
  }
  return { runs, changes };
}

/** The window's ended runs grouped each way asked, from one read; null when a team is not visible. */
async function getGroupings<B extends CompareBy>(
  viewer: Viewer,
  teamSlugs: readonly string[],
  w: KpiWindow,
  ways: readonly B[],
  options: KpiQueryOptions,
): Promise<Record<B, CompareAnswer> | null> {
  const found = await scopeOf(viewer, teamSlugs, options);
  if (!found) return null;
  const { runs, changes } = await compareRows(found.db, found.scope.sources, w, options.filters);
  const prices = options.prices ?? priceTable();
  return Object.fromEntries(ways.map((by) => [by, compareGroups(runs, changes, w, by, prices)])) as Record<B, CompareAnswer>;
}

/** GET /api/v1/compare: the window's ended runs grouped by agent or main model; null when a team is not visible. */
export async function getCompare(
  viewer: Viewer,
  teamSlugs: readonly string[],
  w: KpiWindow,
  by: CompareBy,
  options: KpiQueryOptions = {},
): Promise<CompareAnswer | null> {
  return (await getGroupings(viewer, teamSlugs, w, [by], options))?.[by] ?? null;
}

/** The window's KPIs and its usage rows: today's cost, and what a scenario re-prices. */
export interface CostBasis {
  kpis: Kpis;
  usage: readonly UsageRow[];
}

/** The outcome and usage rows of the window, and kpis-v1's figures of them (runs aside: not needed here). */
async function costBasis(db: Sql, sources: readonly TeamSource[], w: KpiWindow, filters: KpiFilters | undefined, prices: PriceLookup): Promise<CostBasis> {
  const rows = await loadOutcomeRows(db, sources, w.asOf, [w], [], filters);
  return { kpis: computeKpis({ ...rows, runs: [] }, w, prices), usage: rows.usage };
}

export type WhatIfResult = { ok: true; answer: WhatIfAnswer; basis: CostBasis } | { ok: false; field: 'model'; error: string };

/**
 * GET /api/v1/whatif: the window's calls re-priced under the scenario beside today's cost; null
 * when a team is not visible, a `model` error when the scenario's model is not priced. `basis`
 * (the KPIs and usage) lets the panel add the break-even without reading again.
 */
export async function getWhatIf(
  viewer: Viewer,
  teamSlugs: readonly string[],
  w: KpiWindow,
  scenario: Scenario,
  options: KpiQueryOptions = {},
): Promise<WhatIfResult | null> {
  const found = await scopeOf(viewer, teamSlugs, options);
  if (!found) return null;
  const prices = options.prices ?? priceTable();
  const basis = await costBasis(found.db, found.scope.sources, w, options.filters, prices);
  const answer = whatIf(scenario, basis.kpis, basis.usage, w, prices);
  if (!answer) return { ok: false, field: 'model', error: `model ${JSON.stringify(scenario.kind === 'model' ? scenario.model : '')} is not in the price table` };
  return { ok: true, answer, basis };
}

/** The economics of a report (share links, exports): both groupings, and the scenario beside today with its break-even. */
export interface ReportEconomics {
  byAgent: CompareAnswer;
  byModel: CompareAnswer;
  /** Null when the scenario's model is no longer priced. */
  whatIf: WhatIfAnswer | null;
  /** For a self-hosted scenario (else null). */
  breakEven: BreakEven | null;
  /** The window's tokens as a monthly volume, beside the break-even. */
  tokensPerMonth: number | null;
}

/** The economics of the teams' window for a report; null when a team is not visible. */
export async function getReportEconomics(
  viewer: Viewer,
  teamSlugs: readonly string[],
  w: KpiWindow,
  scenario: Scenario,
  options: KpiQueryOptions = {},
): Promise<ReportEconomics | null> {
  const [groupings, result] = await Promise.all([getGroupings(viewer, teamSlugs, w, COMPARE_BY, options), getWhatIf(viewer, teamSlugs, w, scenario, options)]);
  if (!groupings || !result) return null;
  const { agent: byAgent, model: byModel } = groupings;
  const answer = result.ok ? result.answer : null;
  const tokens = result.ok ? result.basis.kpis.tokens.total : 0;
  return {
    byAgent,
    byModel,
    whatIf: answer,
    breakEven: answer?.scenario.kind === 'selfhosted' ? breakEven(answer.scenario, tokens, answer.baseline.costUsd, answer.whatIf.costUsd) : null,
    tokensPerMonth: result.ok ? tokensPerMonth(tokens, w) : null,
  };
}
