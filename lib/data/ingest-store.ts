/**
 * The write side of ingestion: one upload is one transaction (all or nothing, and a crash mid-way
 * leaves nothing). Events go in as validated, duplicates by (team, id) are skipped, and the entity
 * and rollup deltas folded in lib/ingest are merged with upserts whose rules match EntityDeltas
 * (earliest wins, sums add: ingest-upserts.ts).
 *
 * Each backend stores in its own way, behind this one interface: SQLite one prepared statement
 * per row on the ingest worker's connection (ingest-store-sqlite.ts), PostgreSQL whole batches per
 * statement on a connection of its own (ingest-store-postgres.ts).
 */
import type { LoopEvent } from '@/lib/events/types';
import type { EntityDeltas } from '@/lib/ingest/deltas';
import { sqliteClient, type Sql } from './connection';
import { PostgresIngestStore } from './ingest-store-postgres';
import { SqliteIngestStore } from './ingest-store-sqlite';

export interface UploadRecord {
  teamId: number | null;
  source: string;
  agent: string | null;
  filename: string | null;
  format: string;
}

export interface UploadCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** A validated event and the team it goes to. */
export interface TeamEvent {
  teamId: number;
  event: LoopEvent;
}

export interface IngestStore {
  /** The upload's row id, once begun. */
  readonly uploadId: number;
  /** The connection the upload's transaction runs on: lookups and records made inside it. */
  readonly sql: Sql;
  /** Starts the upload's transaction and records the upload; returns its id. */
  begin(upload: UploadRecord, bytes: number, now: number): Promise<number>;
  /**
   * Stores the events (their canonical JSON, and the figures the KPIs read in typed columns);
   * for each, whether it was stored (false: its team already had an event with this id, or an
   * earlier one of the same batch had it).
   */
  addEvents(batch: readonly TeamEvent[]): Promise<boolean[]>;
  /** Merges the folded deltas into the entity tables and rollups, and clears them. */
  applyDeltas(deltas: EntityDeltas): Promise<void>;
  /** `agent`: the agent the upload came from, when its format tells (OTLP exports). */
  commit(counts: UploadCounts, bytes: number, agent?: string | null): Promise<void>;
  /** Rolls back if begun; safe to call twice. */
  rollback(): Promise<void>;
}

/** A store for one upload on `db`'s backend. */
export function openIngestStore(db: Sql): IngestStore {
  const client = sqliteClient(db);
  return client ? new SqliteIngestStore(db, client) : new PostgresIngestStore(db);
}

/** Team ids by slug, for events that name their team. */
export async function teamIdsBySlug(db: Sql): Promise<Map<string, number>> {
  const rows = await db.all<{ id: number; slug: string }>('SELECT id, slug FROM teams');
  return new Map(rows.map((r) => [r.slug, r.id]));
}
