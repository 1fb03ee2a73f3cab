import { RUN_STATUSES } from '@/lib/events/types';

/** What the runs table can be asked for: shared by the URL parser and lib/data/runs.ts. */
export const RUN_SORT_KEYS = ['lastEventAt', 'startedAt', 'tokens', 'iterations', 'messages', 'toolCalls', 'run'] as const;
export type RunSortKey = (typeof RUN_SORT_KEYS)[number];
export const RUN_STATUS_FILTERS = ['running', ...RUN_STATUSES] as const;
export type RunStatusFilter = (typeof RUN_STATUS_FILTERS)[number];

export interface RunQuery {
  status?: RunStatusFilter;
  agent?: string;
  model?: string;
  repo?: string;
  /** true: only flagged runs; false: only unflagged. */
  flagged?: boolean;
  sort?: RunSortKey;
  desc?: boolean;
  page?: number;
  pageSize?: number;
}
