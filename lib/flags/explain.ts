/**
 * Why a run is or is not flagged: each run rule of kpis-v1.md held against one run, with the
 * numbers it looked at. Uses the very checks computeFlags uses, so the drill-down can never
 * disagree with the flag list.
 */
import { runAsOf } from '../kpi/runs';
import { inWindow } from '../kpi/time';
import type { KpiWindow, RunRow } from '../kpi/types';
import { describeFlag, formatInt, formatPercent } from './describe';
import { burnBasis, checkBurn, checkChatter, checkStalled, type BurnBasis, type RunFlag } from './flags';
import type { FlagThresholds } from './thresholds';

export interface RuleExplanation {
  kind: RunFlag['kind'];
  tripped: boolean;
  sentence: string;
}

export type RunFlagExplanation =
  | { status: 'no-events' }
  | { status: 'outside-window'; lastEventAt: number }
  | { status: 'converged'; convergedAt: number }
  | { status: 'checked'; rules: RuleExplanation[] };

/**
 * `runs` must hold the run itself and, unless `basis` is given, the team's runs the burn median
 * needs (flag input); `basis` is burnBasis of those runs, when the caller has it already.
 */
export function explainRunFlags(
  runs: readonly RunRow[],
  runId: string,
  w: KpiWindow,
  thresholds: FlagThresholds,
  basis: BurnBasis = burnBasis(runs, w, thresholds),
): RunFlagExplanation {
  const row = runs.find((r) => r.run === runId);
  const r = row ? runAsOf(row, w.asOf) : null;
  if (!r) return { status: 'no-events' };
  if (!inWindow(r.lastEventAt, w)) return { status: 'outside-window', lastEventAt: r.lastEventAt };
  if (r.convergedAt !== null) return { status: 'converged', convergedAt: r.convergedAt };

  const burn = checkBurn(r, basis, w.asOf, thresholds);
  const burnSentence = burn.tripped
    ? describeFlag({ kind: 'burn_without_outcome', run: runId, evidence: burn.evidence })
    : burn.evidence.tokens < burn.evidence.threshold
      ? `${formatInt(burn.evidence.tokens)} tokens, under the threshold of ${formatInt(burn.evidence.threshold)}`
      : `${formatInt(burn.evidence.tokens)} tokens, over the threshold of ${formatInt(burn.evidence.threshold)}, but the run is not over: no run.ended and last event ${formatInt(burn.evidence.idleHours)} h ago (limit ${formatInt(thresholds.burnIdleHours)} h)`;

  const stalled = checkStalled(r, thresholds);
  const iterations = r.iterations;
  const stalledSentence = stalled
    ? stalled.tripped
      ? describeFlag({ kind: 'stalled', run: runId, evidence: stalled.evidence })
      : `A new best in the last ${formatInt(stalled.evidence.windowIterations)} iterations: ${formatInt(stalled.evidence.bestFailedSince ?? 0)} failures, down from ${formatInt(stalled.evidence.bestFailedBefore)}`
    : iterations < thresholds.stalledMinIterations
      ? `${formatInt(iterations)} iterations; the rule needs at least ${formatInt(thresholds.stalledMinIterations)}`
      : `No test result before its ${formatInt(thresholds.stalledWindowIterations)}th-from-last iteration, so there is no best to beat`;

  const chatter = checkChatter(r, thresholds);
  const e = chatter.evidence;
  const chatterSentence = chatter.tripped
    ? describeFlag({ kind: 'chatter', run: runId, evidence: e })
    : `${formatInt(e.messages)} agent messages against ${formatInt(e.toolCalls)} tool calls (${formatPercent(e.messageShare)} messages; trips at ${formatInt(e.minMessages)}+ messages and ${formatPercent(e.minMessageShare)}${e.linkedChanges > 0 ? ', with no linked change' : ''})`;

  return {
    status: 'checked',
    rules: [
      { kind: 'burn_without_outcome', tripped: burn.tripped, sentence: burnSentence },
      { kind: 'stalled', tripped: stalled?.tripped ?? false, sentence: stalledSentence },
      { kind: 'chatter', tripped: chatter.tripped, sentence: chatterSentence },
    ],
  };
}

