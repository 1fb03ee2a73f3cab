/** One human sentence per flag, for the UI. */
import type { Flag } from './flags';

/** `412000` → `412,000` (rounded to an integer). */
export function formatInt(n: number): string {
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 && Math.round(Math.abs(n)) !== 0 ? `-${s}` : s;
}

/** `0.7` → `70%`, `0.8333` → `83.3%`. */
export function formatPercent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** `1 fixed defect`, `3 fixed defects`: a count with the word that agrees with it. */
export const plural = (n: number, one: string, many: string) => `${formatInt(n)} ${n === 1 ? one : many}`;

export function describeFlag(flag: Flag): string {
  switch (flag.kind) {
    case 'burn_without_outcome': {
      const e = flag.evidence;
      const basis =
        e.medianConvergedTokens !== null && e.threshold > e.minTokens
          ? `threshold ${formatInt(e.threshold)}: ${formatInt(e.multiplier)} × the median ${formatInt(e.medianConvergedTokens)} of ${plural(e.convergedRuns, 'converged run', 'converged runs')}`
          : `threshold ${formatInt(e.threshold)}`;
      return `Burned ${formatInt(e.tokens)} tokens with no merged change (${basis})`;
    }
    case 'stalled': {
      const e = flag.evidence;
      const head = `No new best test result in the last ${formatInt(e.windowIterations)} of ${formatInt(e.iterations)} iterations`;
      return e.bestFailedSince === null
        ? `${head} (no test result since; best before: ${plural(e.bestFailedBefore, 'failure', 'failures')})`
        : `${head} (fewest failures ${formatInt(e.bestFailedSince)} since, ${formatInt(e.bestFailedBefore)} before)`;
    }
    case 'chatter': {
      const e = flag.evidence;
      return `${plural(e.messages, 'agent message', 'agent messages')} against ${plural(e.toolCalls, 'tool call', 'tool calls')} (${formatPercent(e.messageShare)} messages, threshold ${formatPercent(e.minMessageShare)}) and no linked change`;
    }
    case 'divergence': {
      const e = flag.evidence;
      return `Tokens grew ${formatPercent(e.tokenGrowth)} (${formatInt(e.earlierTokens)} → ${formatInt(e.laterTokens)}) over the last ${plural(e.weeks, 'week', 'weeks')} while merged changes did not grow (${formatInt(e.earlierMergedChanges)} → ${formatInt(e.laterMergedChanges)}; threshold ${formatPercent(e.minGrowth)})`;
    }
  }
}
