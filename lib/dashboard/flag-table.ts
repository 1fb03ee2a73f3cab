/**
 * The flags page's table: each open flag with its team, when it happened and what its run cost,
 * sorted and cut into pages. Pure (lib/data/flag-rows.ts reads the rows).
 */
import { FLAG_KINDS } from '@/lib/flags/kinds';
import type { Flag } from '@/lib/flags/flags';

export interface FlagRow {
  team: { slug: string; name: string };
  flag: Flag;
  /** The run's id as stored; null for a team flag (divergence). */
  run: string | null;
  /** The run's last event at asOf; for a team flag, the end of the weeks it compared. */
  at: number;
  /** The run's tokens and cost (all its llm.call events up to asOf); null for a team flag. */
  tokens: number | null;
  costUsd: number | null;
}

export const FLAG_SORT_KEYS = ['time', 'cost', 'kind'] as const;
export type FlagSortKey = (typeof FLAG_SORT_KEYS)[number];

export const FLAGS_PAGE_SIZE = 25;

const kindRank = (f: Flag) => FLAG_KINDS.indexOf(f.kind);

/**
 * Sorted copy: by time or cost (a team flag has no cost: always last), or by kind in the order
 * the pages list kinds; ties newest first, then by team and run.
 */
export function sortFlagRows(rows: readonly FlagRow[], key: FlagSortKey, desc: boolean): FlagRow[] {
  const dir = desc ? -1 : 1;
  const tie = (a: FlagRow, b: FlagRow) => b.at - a.at || a.team.slug.localeCompare(b.team.slug) || (a.run ?? '').localeCompare(b.run ?? '');
  return [...rows].sort((a, b) => {
    if (key === 'cost') {
      if (a.costUsd === null || b.costUsd === null) return a.costUsd === b.costUsd ? tie(a, b) : a.costUsd === null ? 1 : -1;
      return (a.costUsd - b.costUsd) * dir || tie(a, b);
    }
    if (key === 'kind') return (kindRank(a.flag) - kindRank(b.flag)) * dir || tie(a, b);
    return (a.at - b.at) * dir || tie(a, b);
  });
}

export interface FlagPage {
  rows: FlagRow[];
  page: number;
  pageCount: number;
  total: number;
}

/** Page `page` (1-based, clamped to the pages there are). */
export function flagPage(rows: readonly FlagRow[], page: number, size = FLAGS_PAGE_SIZE): FlagPage {
  const pageCount = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(Math.max(Number.isSafeInteger(page) ? page : 1, 1), pageCount);
  return { rows: rows.slice((p - 1) * size, p * size), page: p, pageCount, total: rows.length };
}
