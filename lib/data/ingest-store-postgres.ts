/**
 * Ingestion on PostgreSQL: one transaction per upload on a connection reserved for it, and rows
 * sent a whole batch per statement, so a round trip carries thousands of rows instead of one:
 * events as one array per column (unnest: the cheapest for PostgreSQL to read of the forms a
 * statement can take, measured against a JSON array), the entity and rollup deltas, a few
 * thousand rows per upload, as a JSON array expanded into the table's own row type.
 *
 * Rows are upserted in key order, so that two uploads merging into the same runs or rollups lock
 * them in the same order and wait for each other instead of deadlocking; two uploads sending the
 * same event ids in different orders can still deadlock on the events' unique index: PostgreSQL
 * then aborts one, and ingest runs it again (lib/ingest/ingest.ts).
 */
import { canonicalJson } from '@/lib/events/canonical';
import type { EntityDeltas } from '@/lib/ingest/deltas';
import { UploadTransaction, type TeamEvent } from './ingest-upload';
import {
  CHANGE_EVENTS, CHANGES, DAILY_EVENTS, DAILY_USAGE, DEFECT_LINKS, DEFECTS, fieldOf, onConflict, RUN_USAGE, RUNS,
  type UpsertSpec,
} from './ingest-upserts';

/** The events' columns and their types, in the order of the arrays sent. */
const EVENT_COLUMNS: readonly (readonly [string, string])[] = [
  ['team_id', 'bigint'], ['id', 'text'], ['type', 'text'], ['ts', 'bigint'], ['run', 'text'], ['upload_id', 'bigint'],
  ['payload', 'text'], ['model', 'text'], ['input_tokens', 'bigint'], ['output_tokens', 'bigint'],
  ['cache_read_tokens', 'bigint'], ['cache_write_tokens', 'bigint'], ['cost_usd', 'float8'], ['failed', 'bigint'],
];

/**
 * The payloads go as one text, joined by U+001E, which JSON text never holds unescaped: building
 * a text[] literal of thousands of JSON documents (each quote escaped) was the costliest work of
 * the whole ingest in node, and string_to_array is cheap for PostgreSQL.
 */
const PAYLOAD_SEPARATOR = '\u001e';
/**
 * The keys of the rows stored come back only when some event of the batch was not (a duplicate):
 * otherwise the count says all were, and thousands of keys are not sent back to be parsed.
 */
const INSERT_EVENTS = `WITH stored AS (
  INSERT INTO events (${EVENT_COLUMNS.map(([c]) => c).join(', ')})
  SELECT * FROM unnest(${EVENT_COLUMNS.map(([c, type]) => (c === 'payload' ? `string_to_array(@payload::text, E'\\x1e')` : `@${c}::${type}[]`)).join(', ')})
  ON CONFLICT (team_id, id) DO NOTHING RETURNING team_id, id)
SELECT count(*)::int AS n, CASE WHEN count(*) < @size::int THEN json_agg(json_build_array(team_id, id)) END AS keys FROM stored`;

/** `INSERT INTO table (columns) SELECT columns FROM <the JSON array @rows as rows of the table>`. */
function insertFromJson(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')})
    SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, @rows::json)`;
}

/** Delta objects as rows keyed by column name. */
function rowsOf(spec: UpsertSpec, deltas: Iterable<object>): Record<string, unknown>[] {
  const fields = spec.columns.map((c) => [c, fieldOf(c)] as const);
  const out: Record<string, unknown>[] = [];
  for (const d of deltas) {
    const row: Record<string, unknown> = {};
    for (const [column, field] of fields) row[column] = (d as Record<string, unknown>)[field];
    out.push(row);
  }
  return out;
}

/** Orders rows by their conflict key (see the module comment). */
function byKey(spec: UpsertSpec, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const key = spec.key;
  if (!key) return rows;
  return rows.sort((a, b) => {
    for (const k of key) {
      const x = a[k] as string | number;
      const y = b[k] as string | number;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

export class PostgresIngestStore extends UploadTransaction {
  async addEvents(batch: readonly TeamEvent[]): Promise<boolean[]> {
    if (batch.length === 0) return [];
    const columns: Record<string, unknown[]> = Object.fromEntries(EVENT_COLUMNS.map(([c]) => [c, new Array(batch.length)]));
    for (let i = 0; i < batch.length; i++) {
      const { teamId, event: e } = batch[i];
      const llm = e.type === 'llm.call';
      columns.team_id[i] = teamId;
      columns.id[i] = e.id;
      columns.type[i] = e.type;
      columns.ts[i] = e.ts;
      columns.run[i] = e.run ?? null;
      columns.upload_id[i] = this.uploadId;
      columns.payload[i] = canonicalJson(e);
      columns.model[i] = e.model ?? null;
      columns.input_tokens[i] = llm ? e.input_tokens ?? 0 : null;
      columns.output_tokens[i] = llm ? e.output_tokens ?? 0 : null;
      columns.cache_read_tokens[i] = llm ? e.cache_read_tokens ?? 0 : null;
      columns.cache_write_tokens[i] = llm ? e.cache_write_tokens ?? 0 : null;
      columns.cost_usd[i] = llm ? e.cost_usd ?? null : null;
      columns.failed[i] = e.type === 'test.result' ? e.failed ?? 0 : null;
    }
    const stored = (await this.sql.get<{ n: number; keys: [number, string][] | null }>(INSERT_EVENTS, {
      ...columns,
      payload: columns.payload.join(PAYLOAD_SEPARATOR),
      size: batch.length,
    }))!;
    if (stored.n === batch.length) return batch.map(() => true);
    if (stored.keys === null) return batch.map(() => false); // json_agg of no rows
    // Of two events of the batch with one id, the first is the one stored.
    const fresh = new Set(stored.keys.map(([teamId, id]) => `${teamId}\u0000${id}`));
    return batch.map(({ teamId, event }) => fresh.delete(`${teamId}\u0000${event.id}`));
  }

  async applyDeltas(d: EntityDeltas): Promise<void> {
    const parts: [UpsertSpec, Iterable<object>][] = [
      [RUNS, d.runs.values()],
      [CHANGES, d.changes.values()],
      [CHANGE_EVENTS, d.changeEvents],
      [DEFECTS, d.defects.values()],
      [DEFECT_LINKS, d.defectLinks],
      [DAILY_EVENTS, d.dailyEvents.values()],
      [DAILY_USAGE, d.dailyUsage.values()],
      [RUN_USAGE, d.runUsage.values()],
    ];
    for (const [spec, deltas] of parts) {
      const rows = byKey(spec, rowsOf(spec, deltas));
      if (rows.length === 0) continue;
      await this.sql.run(`${insertFromJson(spec.table, spec.columns)} ${onConflict(spec, 'postgres')}`, { rows });
    }
    d.clear();
  }
}
