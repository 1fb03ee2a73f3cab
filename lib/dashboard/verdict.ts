/**
 * The overview's one-line verdict per team: does it ship, ship at a high price, burn tokens
 * without outcome, or is there too little to say? Pure: it reads each team's kpis-v1 figures for
 * the range (lib/kpi) and compares the teams shown with one another. The rule is documented in
 * docs/dashboards.md ("The verdict") and written under the overview's chart (VERDICT_RULE_LINES).
 *
 * A team is placed by its output — merged changes per week that survive their first week,
 * `mergedPerWeek × weekSurvival.rate` — against its `costPerSurvivingChange`. Teams are compared
 * with the median of the teams shown, because what a surviving change should cost depends on
 * the organisation, its models and its work.
 */
import type { Kpis } from '@/lib/kpi/types';
import { formatUsd } from '@/lib/format';

export type Verdict = 'burning' | 'costly' | 'ships' | 'too-little-data';

/** Worst first: the order the overview lists verdicts in. */
export const VERDICT_ORDER: readonly Verdict[] = ['burning', 'costly', 'ships', 'too-little-data'];

export const VERDICT_LABELS: Record<Verdict, string> = {
  burning: 'burning without outcome',
  costly: 'costly',
  ships: 'ships',
  'too-little-data': 'too little data',
};

/** The rule's thresholds. */
export const VERDICT_THRESHOLDS = {
  /** Changes old enough to judge survival (eligible) below which a team is not placed. */
  minEligible: 5,
  /** A cost per surviving change above this many times the median is costly. */
  costlyFactor: 1.5,
  /** Fewer placed teams than this give no median to compare with. */
  minTeamsToCompare: 3,
} as const;

/** Where a team stands: the chart's coordinates and bubble size. */
export interface TeamPosition {
  /** Merged changes per week × week-survival rate; null when no merged change is old enough to judge. */
  survivingPerWeek: number | null;
  costPerSurvivingChange: number | null;
  tokens: number;
  costUsd: number;
}

export function teamPosition(k: Kpis): TeamPosition {
  const rate = k.weekSurvival.rate;
  return {
    survivingPerWeek: k.mergedPerWeek === null || rate === null ? null : k.mergedPerWeek * rate,
    costPerSurvivingChange: k.costPerSurvivingChange,
    tokens: k.tokens.total,
    costUsd: k.costUsd,
  };
}

/** The medians the teams are held against; nulls when too few teams are placed. */
export interface VerdictReference {
  /** How many teams were placed (enough data, a cost per surviving change). */
  placed: number;
  outputMedian: number | null;
  costMedian: number | null;
  /** costlyFactor × costMedian. */
  costlyAbove: number | null;
}

export interface TeamVerdict {
  verdict: Verdict;
  /** Why, in a short sentence with the team's numbers. */
  reason: string;
  position: TeamPosition;
}

/** Lower median (nearest rank, as kpis-v1 percentiles): a value one of the teams really has. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.5 * sorted.length) - 1];
}

/** Enough judged changes and a cost per surviving change: the team can be placed on the chart. */
function placeable(k: Kpis): boolean {
  return k.weekSurvival.eligible >= VERDICT_THRESHOLDS.minEligible && k.costPerSurvivingChange !== null && k.mergedPerWeek !== null;
}

/** The team's position when it can be placed on the chart, else null. */
export function placedPosition(k: Kpis): TeamPosition | null {
  return placeable(k) ? teamPosition(k) : null;
}

export function verdictReference(teams: readonly Kpis[]): VerdictReference {
  const placed = teams.filter(placeable);
  if (placed.length < VERDICT_THRESHOLDS.minTeamsToCompare) return { placed: placed.length, outputMedian: null, costMedian: null, costlyAbove: null };
  const outputMedian = median(placed.map((k) => teamPosition(k).survivingPerWeek!));
  const costMedian = median(placed.map((k) => k.costPerSurvivingChange!));
  return { placed: placed.length, outputMedian, costMedian, costlyAbove: costMedian === null ? null : costMedian * VERDICT_THRESHOLDS.costlyFactor };
}

/** Whole dollars from $10; below, as the cards show money (so a tiny cost reads $0.0033, not $0.00). */
const usd = (v: number) => (v < 10 ? formatUsd(v) : `$${Math.round(v).toLocaleString('en-US')}`);
const perWeek = (v: number) => `${v.toFixed(1)}/week`;

/** One team's verdict against the reference of the teams shown. */
export function judgeTeam(k: Kpis, ref: VerdictReference): TeamVerdict {
  const position = teamPosition(k);
  const { minEligible, costlyFactor } = VERDICT_THRESHOLDS;
  const s = k.weekSurvival;
  const v = (verdict: Verdict, reason: string): TeamVerdict => ({ verdict, reason, position });
  if (k.tokens.total === 0 && k.mergedChanges === 0) return v('too-little-data', 'no tokens and no merged change in this range');
  if (k.mergedChanges === 0) return v('burning', `${usd(k.costUsd)} of tokens and no change merged`);
  if (s.eligible >= minEligible && s.survived === 0 && k.tokens.total > 0) {
    return v('burning', `none of the ${s.eligible} changes old enough to judge survived a week`);
  }
  if (!placeable(k)) {
    return v('too-little-data', `${s.eligible} of ${minEligible} changes needed are old enough (7 days) to judge survival`);
  }
  const cost = position.costPerSurvivingChange!;
  const output = position.survivingPerWeek!;
  if (ref.costlyAbove === null || ref.outputMedian === null || ref.costMedian === null) {
    return v('ships', `${perWeek(output)} surviving at ${usd(cost)} each; too few teams to compare with`);
  }
  const times = ref.costMedian > 0 ? `${(cost / ref.costMedian).toFixed(1)}× the median ${usd(ref.costMedian)}` : `above the median ${usd(0)}`;
  if (cost > ref.costlyAbove) {
    return output < ref.outputMedian
      ? v('burning', `${usd(cost)} per surviving change, ${times}, with output ${perWeek(output)} below the median ${perWeek(ref.outputMedian)}`)
      : v('costly', `${usd(cost)} per surviving change, ${times}, at output ${perWeek(output)}`);
  }
  return v('ships', `${perWeek(output)} surviving at ${usd(cost)} each, within ${costlyFactor}× the median ${usd(ref.costMedian)}`);
}

/** Every team's verdict, each held against the medians of all of them. */
export function judgeTeams(teams: readonly Kpis[]): { reference: VerdictReference; verdicts: TeamVerdict[] } {
  const reference = verdictReference(teams);
  return { reference, verdicts: teams.map((k) => judgeTeam(k, reference)) };
}

/** The rule in words, as the overview writes it under the chart. */
export const VERDICT_RULE_LINES: readonly string[] = [
  `Each team is placed by its merged changes per week that survived their first week (merged per week × week-survival) against its token cost per surviving change, once at least ${VERDICT_THRESHOLDS.minEligible} of its merged changes are 7 days old; the bubble's size is its tokens, and the thin line leads from where it stood in the previous period.`,
  `Burning without outcome: tokens spent and no change merged (or none survived), or a cost per surviving change over ${VERDICT_THRESHOLDS.costlyFactor}× the teams' median with output below the teams' median — the shaded corner.`,
  `Costly: a cost per surviving change over ${VERDICT_THRESHOLDS.costlyFactor}× the median at median output or more. Ships: the rest that can be placed. Too little data: fewer than ${VERDICT_THRESHOLDS.minEligible} merged changes old enough to judge.`,
  `The medians are of the teams shown, when at least ${VERDICT_THRESHOLDS.minTeamsToCompare} can be placed; with fewer, only the absolute parts apply.`,
];
