/**
 * kpis-v1 "Flags: busy but not converging", over a Scope (scope.ts) and the window [from, to).
 *
 * "Run-level flags are computed for the runs whose last event falls in the window, and a run has
 * none once a linked change is merged (at or before `asOf`)." Each run is held against ITS OWN
 * team's thresholds; the burn median is over the converged runs of all the teams asked for; the
 * team flag `divergence` uses the first team's thresholds.
 */
import type { Ev } from './events';
import { atLeastShareOf, atLeastTimes, decimalFraction, grewByAtLeast, nearestRank } from './exact';
import { converged, type Run } from './linking';
import { callTokens } from './pricing';
import { callsIn, mergedIn } from './kpis';
import { runMatches, type Scope, type TeamView } from './scope';
import { HOUR, inRange, isoDate, isoInstant, mondayOf, WEEK } from './time';
import type { RefFlag } from './types';

const ownOf = (r: Run, type: string): Ev[] => r.own.filter((e) => e.type === type);

/** "A run's tokens are the sum of `total` over its `llm.call` events (all of them, whatever their ts)." */
export const runTokens = (r: Run) => ownOf(r, 'llm.call').reduce((sum, e) => sum + callTokens(e).total, 0);

/** The matching runs of every team, each with its team. */
function matchingRuns(s: Scope): { team: TeamView; run: Run }[] {
  return s.teams.flatMap((team) => [...team.state.runs.values()].filter((r) => runMatches(r, s.filters)).map((run) => ({ team, run })));
}

/** idle > hours, exactly (hours may be a decimal setting). */
function idleOver(idleMs: number, hours: number): boolean {
  const { num, den } = decimalFraction(hours);
  return BigInt(idleMs) * den > num * BigInt(HOUR);
}

export function referenceFlags(s: Scope, from: number, to: number): RefFlag[] {
  const asOf = s.asOf;
  const runs = matchingRuns(s);
  // "the median tokens of the team's converged runs that ended in the window".
  const convergedTokens = runs.filter(({ run }) => run.end && inRange(run.end.ts, from, to) && converged(run)).map(({ run }) => runTokens(run));
  const flags: RefFlag[] = [];
  for (const { team, run } of runs) {
    if (!inRange(run.lastEventAt, from, to) || converged(run)) continue;
    const th = team.thresholds;
    const id = team.prefix + run.run;

    // burn_without_outcome: "the run is over (it has a `run.ended`, or its last event is over 24 h
    // before `asOf`), and its tokens ≥ max(200,000, 3 × the median tokens of the team's converged
    // runs that ended in the window; that median is used only when there are at least 5 such runs)".
    const tokens = runTokens(run);
    const median = convergedTokens.length >= th.burnMinConvergedRuns ? nearestRank(convergedTokens, 0.5) : null;
    const idleMs = asOf - run.lastEventAt;
    const over = run.end !== null || idleOver(idleMs, th.burnIdleHours);
    const reaches = tokens >= th.burnMinTokens && (median === null || atLeastTimes(tokens, th.burnMedianMultiplier, median));
    if (over && reaches) {
      flags.push({
        kind: 'burn_without_outcome',
        run: id,
        evidence: {
          tokens,
          threshold: median === null ? th.burnMinTokens : Math.max(th.burnMinTokens, th.burnMedianMultiplier * median),
          minTokens: th.burnMinTokens,
          multiplier: th.burnMedianMultiplier,
          medianConvergedTokens: median,
          convergedRuns: convergedTokens.length,
          minConvergedRuns: th.burnMinConvergedRuns,
          ended: run.end !== null,
          lastEventAt: isoInstant(run.lastEventAt),
          idleHours: idleMs / HOUR,
          maxIdleHours: th.burnIdleHours,
        },
      });
    }

    // stalled: "the run has ≥ 8 `iteration` events, and its `test.result` events since its
    // 5th-from-last iteration began show no `failed` count lower than the lowest one before that
    // point (no new best in its last 5 iterations); a run with no `test.result` before that point
    // is not flagged by this rule". Iterations in time order; "since" includes that instant.
    const iterations = ownOf(run, 'iteration').map((e) => e.ts).sort((a, b) => a - b);
    const w = th.stalledWindowIterations;
    if (iterations.length >= th.stalledMinIterations && iterations.length >= w && w >= 1) {
      const point = iterations[iterations.length - w];
      const tests = ownOf(run, 'test.result');
      const before = tests.filter((e) => e.ts < point).map((e) => e.failed as number);
      const since = tests.filter((e) => e.ts >= point).map((e) => e.failed as number);
      if (before.length > 0) {
        const bestBefore = Math.min(...before);
        const bestSince = since.length > 0 ? Math.min(...since) : null;
        if (bestSince === null || !(bestSince < bestBefore)) {
          flags.push({
            kind: 'stalled',
            run: id,
            evidence: {
              iterations: iterations.length,
              minIterations: th.stalledMinIterations,
              windowIterations: w,
              since: isoInstant(point),
              testsBefore: before.length,
              testsSince: since.length,
              bestFailedBefore: bestBefore,
              bestFailedSince: bestSince,
            },
          });
        }
      }
    }

    // chatter: "the run has ≥ 20 `message` events, `message` events are ≥ 70 % of its `message` +
    // `tool.call` events, and no change is linked to it".
    const messages = ownOf(run, 'message').length;
    const toolCalls = ownOf(run, 'tool.call').length;
    const total = messages + toolCalls;
    if (messages >= th.chatterMinMessages && total > 0 && atLeastShareOf(messages, th.chatterMinMessageShare, total) && run.changes.length === 0) {
      flags.push({
        kind: 'chatter',
        run: id,
        evidence: {
          messages,
          toolCalls,
          messageShare: messages / total,
          minMessages: th.chatterMinMessages,
          minMessageShare: th.chatterMinMessageShare,
          linkedChanges: run.changes.length,
        },
      });
    }
  }
  // Listed by run id, then in the order of the spec's table (the order is not part of the contract).
  const order = ['burn_without_outcome', 'stalled', 'chatter'];
  const key = (f: RefFlag) => ('run' in f ? f.run : '');
  flags.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : order.indexOf(a.kind) - order.indexOf(b.kind)));
  const d = divergence(s);
  return d ? [...flags, d] : flags;
}

/**
 * divergence: "over the 4 whole weeks before `asOf`'s week against the 4 weeks before those: the
 * earlier tokens were > 0, tokens grew by ≥ 50 %, and merged changes did not grow. It is judged at
 * `asOf` whatever the window". Tokens and merges as filtered (docs/kpis.md "Filters").
 */
export function divergence(s: Scope): RefFlag | null {
  const th = s.teams[0].thresholds;
  const n = th.divergenceWeeks;
  if (!(n >= 1)) return null;
  const laterTo = mondayOf(s.asOf);
  const laterFrom = laterTo - n * WEEK;
  const earlierFrom = laterFrom - n * WEEK;
  const tokensIn = (a: number, b: number) => callsIn(s, a, b).reduce((sum, e) => sum + callTokens(e).total, 0);
  const earlierTokens = tokensIn(earlierFrom, laterFrom);
  const laterTokens = tokensIn(laterFrom, laterTo);
  const earlierMerged = mergedIn(s, earlierFrom, laterFrom).length;
  const laterMerged = mergedIn(s, laterFrom, laterTo).length;
  if (!(earlierTokens > 0) || !grewByAtLeast(laterTokens, th.divergenceMinGrowth, earlierTokens) || laterMerged > earlierMerged) return null;
  return {
    kind: 'divergence',
    team: s.label,
    evidence: {
      weeks: n,
      earlierFrom: isoDate(earlierFrom),
      laterFrom: isoDate(laterFrom),
      laterTo: isoDate(laterTo),
      earlierTokens,
      laterTokens,
      tokenGrowth: (laterTokens - earlierTokens) / earlierTokens,
      minGrowth: th.divergenceMinGrowth,
      earlierMergedChanges: earlierMerged,
      laterMergedChanges: laterMerged,
    },
  };
}
