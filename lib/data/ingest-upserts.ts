/**
 * The merge rules of the entity tables and rollups, as the ON CONFLICT clauses both backends run:
 * the SQL twins of EntityDeltas' rules (lib/ingest/deltas.ts), so folding a batch in memory and
 * merging it here gives the same rows as one event at a time, in any order.
 */
import type { Dialect } from './connection';
import { greatest, least } from './dialect';

/**
 * SQL twin of `before()` in deltas.ts: the incoming event (`excluded.<at>`, `excluded.<id>`) comes
 * before the stored one: earlier, or at the same millisecond with the smaller id.
 */
const beforeSql = (table: string, at: string, id: string) =>
  `(excluded.${at} IS NOT NULL AND (${table}.${at} IS NULL OR excluded.${at} < ${table}.${at}
    OR (excluded.${at} = ${table}.${at} AND excluded.${id} < ${table}.${id})))`;
/** `col` takes the incoming value when its event comes before the stored one. */
const takeIfBefore = (table: string, at: string, id: string, cols: readonly string[]) =>
  cols.map((c) => `${c} = CASE WHEN ${beforeSql(table, at, id)} THEN excluded.${c} ELSE ${table}.${c} END`).join(',\n        ');
/** `x < y` where NULL is "never": the SQL twin of `earlier()` in deltas.ts. */
const earlierSql = (x: string, y: string) => `(${x} IS NOT NULL AND (${y} IS NULL OR ${x} < ${y}))`;
const sumOf = (table: string, cols: readonly string[]) => cols.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(',\n        ');

export interface UpsertSpec {
  table: string;
  /** Columns in the order rows give them (the delta's fields, snake_cased). */
  columns: readonly string[];
  /** The conflict target, or null for a plain insert. */
  key: readonly string[] | null;
  /** The SET list of ON CONFLICT DO UPDATE. */
  merge: (d: Dialect) => string;
}

const RUN_COUNTERS = [
  'iterations', 'llm_calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens',
  'tool_calls', 'messages', 'test_results',
];

export const RUNS: UpsertSpec = {
  table: 'runs',
  columns: [
    'team_id', 'run', 'started_at', 'started_event', 'agent', 'model', 'repo', 'branch', 'task', 'ended_at', 'ended_event', 'status',
    'first_event_at', 'last_event_at', ...RUN_COUNTERS,
  ],
  key: ['team_id', 'run'],
  merge: (d) => `
        ${takeIfBefore('runs', 'started_at', 'started_event', ['agent', 'model', 'repo', 'branch', 'task', 'started_event', 'started_at'])},
        ${takeIfBefore('runs', 'ended_at', 'ended_event', ['status', 'ended_event', 'ended_at'])},
        first_event_at = ${least(d, 'runs.first_event_at', 'excluded.first_event_at')},
        last_event_at = ${greatest(d, 'runs.last_event_at', 'excluded.last_event_at')},
        ${sumOf('runs', RUN_COUNTERS)}`,
};

const minOf = (col: string) => `${col} = CASE WHEN ${earlierSql(`excluded.${col}`, `changes.${col}`)} THEN excluded.${col} ELSE changes.${col} END`;

export const CHANGES: UpsertSpec = {
  table: 'changes',
  columns: [
    'team_id', 'change', 'first_event_at', 'opened_at', 'merged_at', 'closed_at', 'run', 'run_at', 'run_event',
    'repo', 'repo_at', 'repo_event', 'branch', 'branch_at', 'branch_event', 'title', 'additions', 'deletions',
  ],
  key: ['team_id', 'change'],
  merge: (d) => `
        first_event_at = ${least(d, 'changes.first_event_at', 'excluded.first_event_at')},
        ${minOf('opened_at')}, ${minOf('merged_at')}, ${minOf('closed_at')},
        ${takeIfBefore('changes', 'run_at', 'run_event', ['run', 'run_event', 'run_at'])},
        ${takeIfBefore('changes', 'repo_at', 'repo_event', ['repo', 'repo_event', 'repo_at'])},
        ${takeIfBefore('changes', 'branch_at', 'branch_event', ['branch', 'branch_event', 'branch_at'])},
        title = COALESCE(excluded.title, changes.title),
        additions = COALESCE(excluded.additions, changes.additions),
        deletions = COALESCE(excluded.deletions, changes.deletions)`,
};

export const CHANGE_EVENTS: UpsertSpec = {
  table: 'change_events',
  columns: ['team_id', 'change', 'kind', 'ts', 'event_id', 'lines', 'by'],
  key: null,
  merge: () => '',
};

export const DEFECTS: UpsertSpec = {
  table: 'defects',
  columns: ['team_id', 'defect', 'opened_at', 'opened_event', 'severity', 'fixed_at', 'fixed_event', 'fix_change', 'fix_withdrawn'],
  key: ['team_id', 'defect'],
  merge: () => `
        ${takeIfBefore('defects', 'opened_at', 'opened_event', ['severity', 'opened_event', 'opened_at'])},
        ${takeIfBefore('defects', 'fixed_at', 'fixed_event', ['fix_change', 'fix_withdrawn', 'fixed_event', 'fixed_at'])}`,
};

export const DEFECT_LINKS: UpsertSpec = {
  table: 'defect_links',
  columns: ['team_id', 'defect', 'change', 'ts'],
  key: null,
  merge: () => '',
};

export const DAILY_EVENTS: UpsertSpec = {
  table: 'daily_events',
  columns: ['team_id', 'day', 'type', 'count'],
  key: ['team_id', 'day', 'type'],
  merge: () => 'count = daily_events.count + excluded.count',
};

const USAGE_SUMS = [
  'calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens',
  'explicit_cost_usd', 'costless_calls', 'costless_input_tokens', 'costless_output_tokens',
  'costless_cache_read_tokens', 'costless_cache_write_tokens',
];

const usage = (table: string, by: string): UpsertSpec => ({
  table,
  columns: ['team_id', by, 'model', ...USAGE_SUMS],
  key: ['team_id', by, 'model'],
  merge: () => sumOf(table, USAGE_SUMS),
});

export const DAILY_USAGE = usage('daily_llm_usage', 'day');
export const RUN_USAGE = usage('run_llm_usage', 'run');

/** The ON CONFLICT clause of a spec (empty for plain inserts). */
export function onConflict(spec: UpsertSpec, d: Dialect): string {
  return spec.key ? `ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${spec.merge(d)}` : '';
}

/** The camelCase field of a delta that fills `column`. */
export function fieldOf(column: string): string {
  return column.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
}
