/**
 * kpis-v1 "Outcomes", "Cost", "Loops" and "Weekly figures", over a Scope (scope.ts): every figure
 * for the window [from, to) as seen at the scope's asOf.
 */
import type { Ev } from './events';
import { nearestRank, kaplanMeierMedian } from './exact';
import { converged, type Change } from './linking';
import { callCost, callTokens } from './pricing';
import { callMatches, changeMatches, defectMatches, runMatches, type Scope, type TeamView } from './scope';
import { DAY, HOUR, inRange, isoDate, mondayOf, WEEK } from './time';
import type { RefKpis, RefWeek, Tokens } from './types';

/** "a ratio whose denominator is 0 is `null`, never 0". */
const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** The matching changes of every team whose merge falls in [from, to). */
export function mergedIn(s: Scope, from: number, to: number): { team: TeamView; change: Change; mergedAt: number }[] {
  const out: { team: TeamView; change: Change; mergedAt: number }[] = [];
  for (const team of s.teams) {
    for (const c of team.state.changes.values()) {
      if (c.merge && inRange(c.merge.ts, from, to) && changeMatches(team, c, s.filters)) out.push({ team, change: c, mergedAt: c.merge.ts });
    }
  }
  return out;
}

/** The matching `llm.call` events of every team with ts in [from, to). */
export function callsIn(s: Scope, from: number, to: number): Ev[] {
  return s.teams.flatMap((t) => t.state.llmCalls.filter((e) => inRange(e.ts, from, to) && callMatches(t, e, s.filters)));
}

export function sumTokens(calls: readonly Ev[]): Tokens {
  const out: Tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 };
  for (const e of calls) {
    const t = callTokens(e);
    out.input += t.input;
    out.output += t.output;
    out.cacheRead += t.cacheRead;
    out.cacheWrite += t.cacheWrite;
    out.total += t.total;
  }
  return out;
}

export function sumCost(calls: readonly Ev[]): { costUsd: number; unpricedCalls: number } {
  let costUsd = 0;
  let unpricedCalls = 0;
  for (const e of calls) {
    const c = callCost(e);
    costUsd += c.usd;
    if (!c.priced) unpricedCalls++;
  }
  return { costUsd, unpricedCalls };
}

/** ts of the change's events of `type` in (merged, merged + days]. */
const touchedWithin = (c: Change, types: readonly string[], mergedAt: number, days: number) =>
  c.events.some((e) => types.includes(e.type) && e.ts > mergedAt && e.ts <= mergedAt + days * DAY);

export function referenceKpis(s: Scope, from: number, to: number): RefKpis {
  const asOf = s.asOf;
  const merged = mergedIn(s, from, to);
  const mergedChanges = merged.length;

  // weekSurvival: "of the changes merged in the window whose merge is at least 7 days before
  // `asOf` (`eligible`), the share with no `change.modified` and no `change.reverted` in the 7
  // days after the merge, `(merged, merged + 7d]` (`survived`). `pending` = merged in the window
  // but not yet eligible".
  const weekEligible = merged.filter((m) => asOf - m.mergedAt >= 7 * DAY);
  const survived = weekEligible.filter((m) => !touchedWithin(m.change, ['change.modified', 'change.reverted'], m.mergedAt, 7)).length;
  const weekRate = ratio(survived, weekEligible.length);

  // defectRate: "of the changes merged in the window whose merge is at least 14 days before
  // `asOf` (`eligible`), the share that *failed*: reverted, or named in a `defect.opened`, in the
  // 14 days after the merge". Every defect.opened of the change's team naming it counts.
  const defectEligible = merged.filter((m) => asOf - m.mergedAt >= 14 * DAY);
  const failed = defectEligible.filter(
    (m) =>
      touchedWithin(m.change, ['change.reverted'], m.mergedAt, 14) ||
      m.team.state.defectOpenings.some(
        (d) => ((d.changes as string[] | undefined) ?? []).includes(m.change.change) && d.ts > m.mergedAt && d.ts <= m.mergedAt + 14 * DAY,
      ),
  ).length;

  // timeToFix: "over the defects opened in the window: `fixed` (a `defect.fixed` at or before
  // `asOf`), `open` (the rest)".
  const fixedMs: number[] = [];
  const openMs: number[] = [];
  for (const team of s.teams) {
    for (const d of team.state.defects.values()) {
      if (!d.opened || !inRange(d.opened.ts, from, to) || !defectMatches(team, d, s.filters)) continue;
      if (d.fixed) fixedMs.push(d.fixed.ts - d.opened.ts);
      else openMs.push(asOf - d.opened.ts);
    }
  }
  const hours = (ms: number | null) => (ms === null ? null : ms / HOUR);
  const km = kaplanMeierMedian(fixedMs, openMs);

  const calls = callsIn(s, from, to);
  const { costUsd, unpricedCalls } = sumCost(calls);

  // runs: "runs with a `run.ended` in the window"; converged: "of those, runs with a linked change
  // merged at or before `asOf`".
  let ended = 0;
  let convergedRuns = 0;
  for (const team of s.teams) {
    for (const r of team.state.runs.values()) {
      if (!r.end || !inRange(r.end.ts, from, to) || !runMatches(r, s.filters)) continue;
      ended++;
      if (converged(r)) convergedRuns++;
    }
  }

  const days = (to - from) / DAY;
  return {
    mergedChanges,
    // "`mergedChanges` ÷ window length in weeks (days ÷ 7)".
    mergedPerWeek: ratio(mergedChanges, days / 7),
    weekSurvival: { rate: weekRate, survived, eligible: weekEligible.length, pending: mergedChanges - weekEligible.length },
    defectRate: {
      rate: ratio(failed, defectEligible.length),
      failed,
      eligible: defectEligible.length,
      pending: mergedChanges - defectEligible.length,
    },
    timeToFix: {
      opened: fixedMs.length + openMs.length,
      fixed: fixedMs.length,
      open: openMs.length,
      p50Hours: hours(nearestRank(fixedMs, 0.5)),
      p90Hours: hours(nearestRank(fixedMs, 0.9)),
      kmP50Hours: hours(km),
    },
    tokens: sumTokens(calls),
    costUsd,
    unpricedCalls,
    costPerMergedChange: ratio(costUsd, mergedChanges),
    // "`costUsd` ÷ (`mergedChanges` × `weekSurvival.rate`)": null while the rate is null.
    costPerSurvivingChange: weekRate === null ? null : ratio(costUsd, mergedChanges * weekRate),
    runs: { ended, converged: convergedRuns, convergenceRate: ratio(convergedRuns, ended) },
  };
}

/**
 * "For each ISO week that overlaps `[from, to)`, oldest first and empty weeks included, the
 * figures of the window `[max(from, week start), min(to, week end))` at the same `asOf`".
 */
export function referenceWeekly(s: Scope, from: number, to: number): RefWeek[] {
  const weeks: RefWeek[] = [];
  for (let start = mondayOf(from); start < to; start += WEEK) {
    weeks.push({ week: isoDate(start), ...referenceKpis(s, Math.max(from, start), Math.min(to, start + WEEK)) });
  }
  return weeks;
}
