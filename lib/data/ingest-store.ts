/**
 * The write side of ingestion: one upload is one transaction (all or nothing, and a crash mid-way
 * leaves nothing). Events go in as validated, duplicates by (team, id) are skipped, and the entity
 * and rollup deltas folded in lib/ingest are merged with upserts whose rules match EntityDeltas
 * (earliest wins, sums add: ingest-upserts.ts).
 *
 * Each backend stores in its own way behind UploadTransaction (ingest-upload.ts): SQLite one
 * prepared statement per row on the ingest worker's connection (ingest-store-sqlite.ts),
 * PostgreSQL whole batches per statement on a connection of its own (ingest-store-postgres.ts).
 */
import { sqliteClient, type Sql } from './connection';
import { PostgresIngestStore } from './ingest-store-postgres';
import { SqliteIngestStore } from './ingest-store-sqlite';
import type { UploadTransaction } from './ingest-upload';

export type { TeamEvent, UploadCounts, UploadRecord } from './ingest-upload';
export type IngestStore = UploadTransaction;

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
