/**
 * An independent reference implementation of kpis-v1.md (and api-v1's /runs) over RAW events:
 * test support, simple and slow on purpose, sharing no code with lib/kpi, lib/flags or lib/data.
 * Its only import from the app is the DATA of the shipped price table (lib/pricing/prices.ts).
 */
import { referenceFlags } from './flags';
import { referenceKpis, referenceWeekly } from './kpis';
import { referenceRuns } from './runs';
import { scopeOf } from './scope';
import type { Dataset, RefFlag, RefKpis, RefRun, RefWeek } from './types';

export * from './types';

export interface ReferenceAnswers {
  kpis: { team: string } & RefKpis;
  weekly: { weeks: RefWeek[] };
  flags: { flags: RefFlag[] };
  runs: { runs: RefRun[] };
}

/** Every answer for the dataset's question. */
export function referenceAnswers(d: Dataset): ReferenceAnswers {
  const s = scopeOf(d.uploads, d);
  const { from, to } = d.window;
  return {
    kpis: { team: s.label, ...referenceKpis(s, from, to) },
    weekly: { weeks: referenceWeekly(s, from, to) },
    flags: { flags: referenceFlags(s, from, to) },
    runs: { runs: referenceRuns(s, from, to) },
  };
}
