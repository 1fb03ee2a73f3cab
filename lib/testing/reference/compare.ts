/**
 * Differences between a served answer and the reference's, for the comparison tests: exact
 * everywhere, except numbers under a key starting with `cost` (floating sums the product may add
 * in another order), which may differ by a relative 1e-9.
 */

import { describeDataset } from './datasets';
import type { Dataset } from './types';

const COST_RELATIVE_TOLERANCE = 1e-9;

function closeEnough(a: number, e: number): boolean {
  if (a === e) return true;
  return Math.abs(a - e) <= COST_RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(e));
}

/** The differences, one line each (`$.path: served vs expected`); empty when they agree. */
export function differences(served: unknown, expected: unknown): string[] {
  const out: string[] = [];
  const walk = (a: unknown, e: unknown, path: string, key: string) => {
    if (typeof a === 'number' && typeof e === 'number' && /^cost/i.test(key)) {
      if (!closeEnough(a, e)) out.push(`${path}: served ${a}, expected ${e}`);
      return;
    }
    if (Array.isArray(a) && Array.isArray(e)) {
      if (a.length !== e.length) out.push(`${path}: served ${a.length} entries, expected ${e.length}`);
      for (let i = 0; i < Math.min(a.length, e.length); i++) walk(a[i], e[i], `${path}[${i}]`, key);
      return;
    }
    if (a && e && typeof a === 'object' && typeof e === 'object' && !Array.isArray(a) && !Array.isArray(e)) {
      const ra = a as Record<string, unknown>;
      const re = e as Record<string, unknown>;
      for (const k of [...new Set([...Object.keys(ra), ...Object.keys(re)])].sort()) {
        if (!(k in ra)) out.push(`${path}.${k}: missing, expected ${JSON.stringify(re[k])}`);
        else if (!(k in re)) out.push(`${path}.${k}: unexpected ${JSON.stringify(ra[k])}`);
        else walk(ra[k], re[k], `${path}.${k}`, k);
      }
      return;
    }
    if (!Object.is(a, e)) out.push(`${path}: served ${JSON.stringify(a)}, expected ${JSON.stringify(e)}`);
  };
  // Both as JSON, as the API hands them out (no undefined, no -0).
  walk(JSON.parse(JSON.stringify(served) ?? 'null'), JSON.parse(JSON.stringify(expected) ?? 'null'), '$', '');
  return out;
}

type AnyFlag = { kind: string; run?: string; team?: string; evidence: unknown };

/** Flags as a set: ordered by kind, then run (or team), so two lists compare by membership. */
export function flagSet<T extends AnyFlag>(flags: readonly T[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of flags) out[`${f.kind} ${f.run ?? `team:${f.team ?? ''}`}`] = f.evidence;
  return out;
}

/** What a failing comparison prints: the differences (the first 40), then the question and its dataset. */
export function failureReport(q: Dataset, diffs: readonly string[]): string {
  const more = diffs.length > 40 ? `\n  … and ${diffs.length - 40} more` : '';
  return `served ≠ reference:\n  ${diffs.slice(0, 40).join('\n  ')}${more}\n\n${describeDataset(q)}`;
}
