/**
 * Shapes of the independent reference implementation of kpis-v1.md (test support only, never
 * imported by the app). The answer shapes mirror what the API serves (GET /api/v1/kpis,
 * /kpis/weekly, /flags, /runs), written out here so the reference shares no code with lib/kpi,
 * lib/flags or lib/data.
 */

/** An event as uploaded: events-v1 fields, `ts` as epoch ms or RFC 3339; it always names its team. */
export type RawEvent = Record<string, unknown> & { id: string; type: string; ts: number | string; team: string };

/** The flag thresholds of kpis-v1.md / docs/kpis.md, a team setting each. */
export interface Thresholds {
  burnMinTokens: number;
  burnMedianMultiplier: number;
  burnMinConvergedRuns: number;
  burnIdleHours: number;
  stalledMinIterations: number;
  stalledWindowIterations: number;
  chatterMinMessages: number;
  chatterMinMessageShare: number;
  divergenceMinGrowth: number;
  divergenceWeeks: number;
}

/** docs/kpis.md, "Flags", column "default thresholds". */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  burnMinTokens: 200_000,
  burnMedianMultiplier: 3,
  burnMinConvergedRuns: 5,
  burnIdleHours: 24,
  stalledMinIterations: 8,
  stalledWindowIterations: 5,
  chatterMinMessages: 20,
  chatterMinMessageShare: 0.7,
  divergenceMinGrowth: 0.5,
  divergenceWeeks: 4,
});

export interface TeamSpec {
  slug: string;
  /** The team's stored settings (absent keys take the defaults). */
  thresholds: Partial<Thresholds>;
}

/** `[from, to)` seen at `asOf`, epoch ms. */
export interface Window {
  from: number;
  to: number;
  asOf: number;
}

export interface Filters {
  agent?: string;
  model?: string;
  repo?: string;
}

/** What is asked: the teams (in order; several are summed as if one), the window, the filters. */
export interface Question {
  teams: readonly TeamSpec[];
  window: Window;
  filters?: Filters;
}

/** A dataset: the teams, and the events in the order they were uploaded (one list per upload). */
export interface Dataset extends Question {
  uploads: RawEvent[][];
}

// ---------------------------------------------------------------------------------------------
// Answers

export interface Tokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  total: number;
}

export interface RefKpis {
  mergedChanges: number;
  mergedPerWeek: number | null;
  weekSurvival: { rate: number | null; survived: number; eligible: number; pending: number };
  defectRate: { rate: number | null; failed: number; eligible: number; pending: number };
  timeToFix: {
    opened: number;
    fixed: number;
    open: number;
    p50Hours: number | null;
    p90Hours: number | null;
    kmP50Hours: number | null;
  };
  tokens: Tokens;
  costUsd: number;
  unpricedCalls: number;
  costPerMergedChange: number | null;
  costPerSurvivingChange: number | null;
  runs: { ended: number; converged: number; convergenceRate: number | null };
}

export interface RefWeek extends RefKpis {
  /** The week's Monday, YYYY-MM-DD. */
  week: string;
}

export type RefFlag =
  | { kind: 'burn_without_outcome'; run: string; evidence: Record<string, number | string | boolean | null> }
  | { kind: 'stalled'; run: string; evidence: Record<string, number | string | boolean | null> }
  | { kind: 'chatter'; run: string; evidence: Record<string, number | string | boolean | null> }
  | { kind: 'divergence'; team: string; evidence: Record<string, number | string | boolean | null> };

/** One entry of GET /api/v1/runs. */
export interface RefRun {
  run: string;
  agent: string | null;
  repo: string | null;
  branch: string | null;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  lastEventAt: string;
  iterations: number;
  tokens: Tokens;
  costUsd: number;
  changes: { change: string; mergedAt: string | null }[];
  converged: boolean;
  flags: string[];
}
