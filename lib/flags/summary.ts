/** Flags counted as a manager reads them: runs flagged, not flags (a run may trip several rules). */
import type { Flag } from './flags';

export interface FlagSummary {
  /** Distinct runs with at least one flag. */
  runsFlagged: number;
  /** Run flags in all. */
  runFlags: number;
  /** Team flags (divergence). */
  teamFlags: number;
}

export function summariseFlags(flags: readonly Flag[]): FlagSummary {
  const runs = new Set<string>();
  let runFlags = 0;
  for (const f of flags) {
    if ('run' in f) {
      runs.add(f.run);
      runFlags++;
    }
  }
  return { runsFlagged: runs.size, runFlags, teamFlags: flags.length - runFlags };
}
