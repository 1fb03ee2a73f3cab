/**
 * The events-v1 wire format (../shared/spec/events-v1.md) as TypeScript types.
 * A `LoopEvent` is what validation hands to ingestion: every field checked, `ts` already
 * converted to epoch milliseconds (UTC), unknown top-level fields dropped.
 */

export const RUN_SCOPED_TYPES = [
  'run.started',
  'run.ended',
  'iteration',
  'llm.call',
  'tool.call',
  'test.result',
  'message',
] as const;

export const CHANGE_TYPES = [
  'change.opened',
  'change.merged',
  'change.closed',
  'change.reverted',
  'change.modified',
] as const;

export const DEFECT_TYPES = ['defect.opened', 'defect.fixed'] as const;

export const EVENT_TYPES = [...RUN_SCOPED_TYPES, ...CHANGE_TYPES, ...DEFECT_TYPES] as const;

export type RunScopedType = (typeof RUN_SCOPED_TYPES)[number];
export type ChangeType = (typeof CHANGE_TYPES)[number];
export type DefectType = (typeof DEFECT_TYPES)[number];
export type EventType = (typeof EVENT_TYPES)[number];

/** `finished`: the session ended with no verdict (an agent's own session end: hooks). */
export const RUN_STATUSES = ['succeeded', 'failed', 'abandoned', 'cancelled', 'finished'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Envelope fields every event may carry. */
export interface EventEnvelope {
  id: string;
  type: EventType;
  /** Epoch milliseconds, UTC. */
  ts: number;
  /** Team slug; absent when the request fixes the team. */
  team?: string;
  run?: string;
  agent?: string;
  model?: string;
  repo?: string;
  branch?: string;
  attrs?: Record<string, unknown>;
}

/**
 * One validated event. Type-specific fields are optional here; validation guarantees the
 * required ones for each type (see REQUIRED_FIELDS in validate.ts).
 */
export interface LoopEvent extends EventEnvelope {
  // run.started
  task?: string;
  // run.ended
  status?: RunStatus;
  // iteration
  n?: number;
  // llm.call
  input_tokens?: number;
  output_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  cost_usd?: number;
  // tool.call
  tool?: string;
  ok?: boolean;
  duration_ms?: number;
  // test.result
  passed?: number;
  failed?: number;
  skipped?: number;
  // message
  from?: string;
  to?: string;
  tokens?: number;
  // change.*
  change?: string;
  title?: string;
  additions?: number;
  deletions?: number;
  by?: string;
  lines?: number;
  // defect.*
  defect?: string;
  changes?: string[];
  severity?: string;
  /** defect.fixed: no longer a defect (not fixed): docs/events.md. */
  withdrawn?: boolean;
}

/** One problem found in an input, named by its place, field and reason. */
export interface Problem {
  /** Physical line, numbered from 1 (NDJSON, CSV; for a JSON array, the line its element starts on). */
  line: number;
  /** Index in a JSON array, from 0; only for JSON arrays. */
  index?: number;
  /** The field at fault, dotted for nested ones (`attrs`, `changes`); `""` for the whole event. */
  field: string;
  message: string;
  /** The file inside a multi-file upload (a directory or a zip) that the line belongs to. */
  file?: string;
}

export type InputFormat = 'ndjson' | 'json' | 'csv';
