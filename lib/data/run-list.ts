/**
 * The runs table and scatter of a dashboard, built from run records and their linked changes
 * (read by lib/data/runs.ts on its own, or by the dashboard loader alongside the figures, so the
 * runs are read once per page). Pure: no I/O.
 */
import type { FlagKind } from '@/lib/flags/flags';
import type { LinkedChange } from '@/lib/kpi/types';
import type { RunQuery } from './run-query';
import type { RunState } from './rows/runs';

/** A run of the runs table as seen at asOf: its state, its links and its flags. */
export interface RunListItem extends RunState {
  /** How many changes are linked to it at asOf. */
  linkedChanges: number;
  /** Earliest merge among its linked changes, at or before asOf. */
  mergedAt: number | null;
  flags: FlagKind[];
}

/** A run as a point of the dashboard's scatter (every filtered run, not just one page). */
export interface RunPoint {
  run: string;
  tokens: number;
  iterations: number;
  outcome: 'merged' | 'no-merge' | 'running';
  flagged: boolean;
}

export interface RunList {
  rows: RunListItem[];
  /** Every flagged run and an even sample of the rest, at most MAX_RUN_POINTS. */
  points: RunPoint[];
  /** How many runs the points stand for. */
  pointsOf: number;
  total: number;
  page: number;
  pageCount: number;
  facets: { agents: string[]; models: string[]; repos: string[] };
}

/** Points past this make the page heavy without making the scatter more readable. */
export const MAX_RUN_POINTS = 500;

export function buildRunList(
  records: readonly RunState[],
  links: ReadonlyMap<string, readonly LinkedChange[]>,
  flagsByRun: ReadonlyMap<string, FlagKind[]>,
  query: RunQuery,
  asOf: number,
): RunList {
  const facets = runFacets(records);
  const flaggedOnly = query.flagged;
  const matching = records.filter(
    (r) =>
      (!query.status || r.status === query.status) &&
      (!query.agent || r.agent === query.agent) &&
      (!query.model || r.model === query.model) &&
      (!query.repo || r.repo === query.repo) &&
      (flaggedOnly === undefined || flagsByRun.has(r.run) === flaggedOnly),
  );
  const sort = query.sort ?? 'lastEventAt';
  const dir = (query.desc ?? sort !== 'run') ? -1 : 1;
  const key = (r: RunState) => (sort === 'tokens' ? r.tokens.total : r[sort]) ?? -Infinity;
  matching.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : a.run < b.run ? -1 : 1) * dir;
  });
  // Full items only for the page shown and the scatter's points, not for every run.
  const item = (r: RunState): RunListItem => {
    const linked = links.get(r.run) ?? [];
    return { ...r, linkedChanges: linked.length, mergedAt: firstMergeAt(linked, asOf), flags: flagsByRun.get(r.run) ?? [] };
  };
  const pageSize = Math.min(Math.max(query.pageSize ?? 25, 1), 200);
  const pageCount = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(Math.max(query.page ?? 1, 1), pageCount);
  return {
    rows: matching.slice((page - 1) * pageSize, page * pageSize).map(item),
    points: runPoints(matching, (r) => flagsByRun.has(r.run)).map((r) => toPoint(item(r))),
    pointsOf: matching.length,
    total: matching.length,
    page,
    pageCount,
    facets,
  };
}

/** The agents, models and repositories of these runs, each sorted: what the filters offer. */
export function runFacets(records: readonly RunState[]): RunList['facets'] {
  const facet = (key: 'agent' | 'model' | 'repo') =>
    [...new Set(records.map((r) => r[key]).filter((v): v is string => v !== null))].sort();
  return { agents: facet('agent'), models: facet('model'), repos: facet('repo') };
}

function toPoint(r: RunListItem): RunPoint {
  return {
    run: r.run,
    tokens: r.tokens.total,
    iterations: r.iterations,
    outcome: r.mergedAt !== null ? 'merged' : r.status === 'running' ? 'running' : 'no-merge',
    flagged: r.flags.length > 0,
  };
}

/** Every flagged run, then an even stride through the others, up to MAX_RUN_POINTS in all. */
function runPoints(rows: readonly RunState[], flagged: (r: RunState) => boolean): RunState[] {
  const marked = rows.filter(flagged).slice(0, MAX_RUN_POINTS);
  const others = rows.filter((r) => !flagged(r));
  const room = MAX_RUN_POINTS - marked.length;
  const step = others.length > room ? others.length / Math.max(room, 1) : 1;
  const sampled: RunState[] = [];
  for (let i = 0; room > 0 && i < others.length && sampled.length < room; i += step) sampled.push(others[Math.floor(i)]);
  return [...marked, ...sampled];
}

/** The earliest merge at or before asOf among a run's linked changes: when it converged. */
export function firstMergeAt(linked: readonly LinkedChange[], asOf: number): number | null {
  let mergedAt: number | null = null;
  for (const c of linked) if (c.mergedAt !== null && c.mergedAt <= asOf && (mergedAt === null || c.mergedAt < mergedAt)) mergedAt = c.mergedAt;
  return mergedAt;
}
