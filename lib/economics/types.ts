/**
 * Input rows and answer shapes of economics-v1.md (../../../shared/spec/economics-v1.md): the
 * comparison of agents and models, and the what-if re-pricing of the loop.
 *
 * As with lib/kpi, the query layer may hand over a superset of rows (runs ended outside the
 * window, links that do not exist yet at asOf): the functions here apply the window and asOf
 * rules themselves.
 */
import type { LinkedChange, TokenTotals, UsageRow } from '@/lib/kpi/types';

/** A run's `llm.call` usage of one model, summed over its calls at asOf (whatever their ts). */
export type RunModelUsage = Omit<UsageRow, 'at'>;

/** A run as the comparison reads it, as seen at asOf. */
export interface CompareRunRow {
  /** Its id (with its team's prefix when several teams are summed). */
  run: string;
  /** The `agent` of its earliest `run.started` at asOf; null without one (or without the field). */
  agent: string | null;
  /** Its earliest `run.ended` at asOf; null without one. */
  endedAt: number | null;
  /** Its own `llm.call` usage per model (all of its calls up to asOf). */
  usage: readonly RunModelUsage[];
  /** Every change linked to it (events-v1 Linking, decided by the query layer). */
  linkedChanges: readonly LinkedChange[];
}

export const COMPARE_BY = ['agent', 'model'] as const;
export type CompareBy = (typeof COMPARE_BY)[number];

/** Week survival of a group's merged changes (kpis-v1's rule, without `pending`). */
export interface GroupWeekSurvival {
  rate: number | null;
  survived: number;
  eligible: number;
}

/** One group of GET /api/v1/compare. */
export interface CompareGroup {
  key: string;
  runs: number;
  converged: number;
  convergenceRate: number | null;
  /** Wilson score interval of convergenceRate at 95 %; null when runs = 0. */
  convergenceCi95: [low: number, high: number] | null;
  tokens: TokenTotals;
  costUsd: number;
  mergedChanges: number;
  weekSurvival: GroupWeekSurvival;
  costPerSurvivingChange: number | null;
  medianTokensPerConvergedRun: number | null;
}

/** GET /api/v1/compare. */
export interface CompareAnswer {
  by: CompareBy;
  groups: CompareGroup[];
}

/** USD per million tokens of the four kinds. */
export interface PerMillionRates {
  inputPerM: number;
  outputPerM: number;
  cacheReadPerM: number;
  cacheWritePerM: number;
}

export interface SelfHostedNode {
  gpuHourUsd: number;
  gpus: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  /** In (0, 1]: the share of the node's time spent serving. */
  utilization: number;
}

export const SCENARIO_KINDS = ['price', 'model', 'selfhosted'] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/** A what-if scenario with its parameters, as GET /api/v1/whatif echoes it. */
export type Scenario =
  | ({ kind: 'price' } & PerMillionRates)
  | { kind: 'model'; model: string }
  | ({ kind: 'selfhosted' } & SelfHostedNode);

/** Cost and its two ratios, today's or the scenario's. */
export interface CostFigures {
  costUsd: number;
  costPerMergedChange: number | null;
  costPerSurvivingChange: number | null;
}

/** GET /api/v1/whatif. */
export interface WhatIfAnswer {
  scenario: Scenario;
  baseline: CostFigures;
  whatIf: CostFigures;
  /** baseline − whatIf: negative when the scenario costs more. */
  savingUsd: number;
}
