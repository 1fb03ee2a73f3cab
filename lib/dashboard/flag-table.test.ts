import { describe, expect, it } from 'vitest';
import type { Flag } from '@/lib/flags/flags';
import { flagPage, sortFlagRows, type FlagRow } from './flag-table';

const team = { slug: 'acme', name: 'Acme' };
const row = (kind: Flag['kind'], run: string | null, at: number, costUsd: number | null): FlagRow => ({
  team,
  flag: (run ? { kind, run, evidence: {} } : { kind, evidence: {} }) as unknown as Flag,
  run,
  at,
  tokens: null,
  costUsd,
});
const rows = [row('stalled', 'r1', 10, 0.5), row('burn_without_outcome', 'r2', 30, 4), row('divergence', null, 20, null), row('chatter', 'r3', 40, 0.1)];
const runs = (list: FlagRow[]) => list.map((r) => r.run ?? 'team');

describe('sortFlagRows', () => {
  it('sorts by time, newest first or oldest first', () => {
    expect(runs(sortFlagRows(rows, 'time', true))).toEqual(['r3', 'r2', 'team', 'r1']);
    expect(runs(sortFlagRows(rows, 'time', false))).toEqual(['r1', 'team', 'r2', 'r3']);
  });

  it('sorts by cost with the team flag (no cost) last either way', () => {
    expect(runs(sortFlagRows(rows, 'cost', true))).toEqual(['r2', 'r1', 'r3', 'team']);
    expect(runs(sortFlagRows(rows, 'cost', false))).toEqual(['r3', 'r1', 'r2', 'team']);
  });

  it('sorts by kind in the order the pages list kinds', () => {
    expect(sortFlagRows(rows, 'kind', false).map((r) => r.flag.kind)).toEqual(['burn_without_outcome', 'stalled', 'chatter', 'divergence']);
  });
});

describe('flagPage', () => {
  it('cuts pages and clamps the page asked for', () => {
    expect(flagPage(rows, 2, 3)).toMatchObject({ page: 2, pageCount: 2, total: 4, rows: [rows[3]] });
    expect(flagPage(rows, 9, 3).page).toBe(2);
    expect(flagPage(rows, NaN, 3).page).toBe(1);
    expect(flagPage([], 1)).toMatchObject({ page: 1, pageCount: 1, total: 0 });
  });
});
