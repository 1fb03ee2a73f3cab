/**
 * The flag thresholds as form fields: a label and the accepted range of each (the team
 * settings page), and the check of a submitted form.
 */
import { DEFAULT_FLAG_THRESHOLDS, type FlagThresholds } from './thresholds';

export interface ThresholdField {
  key: keyof FlagThresholds;
  label: string;
  min: number;
  max: number;
  integer: boolean;
}

export const THRESHOLD_FIELDS: readonly ThresholdField[] = [
  { key: 'burnMinTokens', label: 'Burn without outcome: minimum tokens', min: 0, max: 1e12, integer: true },
  { key: 'burnMedianMultiplier', label: 'Burn without outcome: multiple of the converged median', min: 0.1, max: 1000, integer: false },
  { key: 'burnMinConvergedRuns', label: 'Burn without outcome: converged runs before the median counts', min: 1, max: 100_000, integer: true },
  { key: 'burnIdleHours', label: 'Burn without outcome: idle hours before an unended run is over', min: 1, max: 8760, integer: false },
  { key: 'stalledMinIterations', label: 'Stalled: minimum iterations', min: 1, max: 1_000_000, integer: true },
  { key: 'stalledWindowIterations', label: 'Stalled: last iterations that must show a new best', min: 1, max: 100_000, integer: true },
  { key: 'chatterMinMessages', label: 'Chatter: minimum messages', min: 1, max: 1_000_000, integer: true },
  { key: 'chatterMinMessageShare', label: 'Chatter: minimum share of messages (0–1)', min: 0, max: 1, integer: false },
  { key: 'divergenceMinGrowth', label: 'Divergence: minimum token growth (0.5 = 50 %)', min: 0, max: 100, integer: false },
  { key: 'divergenceWeeks', label: 'Divergence: weeks in each compared period', min: 1, max: 26, integer: true },
];

export type ThresholdChanges = { [K in keyof FlagThresholds]?: number | null };

/**
 * Reads submitted values: an empty field means "back to the default" (null); anything else must
 * be a number in the field's range. Answers the changes, or the problems by field.
 */
export function parseThresholdForm(
  values: Partial<Record<keyof FlagThresholds, string>>,
): { ok: true; changes: ThresholdChanges } | { ok: false; problems: Partial<Record<keyof FlagThresholds, string>> } {
  const changes: ThresholdChanges = {};
  const problems: Partial<Record<keyof FlagThresholds, string>> = {};
  for (const f of THRESHOLD_FIELDS) {
    const raw = values[f.key]?.trim() ?? '';
    if (raw === '') {
      changes[f.key] = null;
      continue;
    }
    const n = Number(raw);
    if (!Number.isFinite(n) || n < f.min || n > f.max) problems[f.key] = `must be a number from ${f.min} to ${f.max}`;
    else if (f.integer && !Number.isInteger(n)) problems[f.key] = 'must be a whole number';
    else changes[f.key] = n === DEFAULT_FLAG_THRESHOLDS[f.key] ? null : n;
  }
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, changes };
}
