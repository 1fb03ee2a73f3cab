/**
 * One upload's transaction, as both ingest stores keep it (lib/data/ingest-store.ts): the upload's
 * row made when it begins and its counts written when it commits, all inside one transaction on
 * the store's connection. Each store adds how it writes events and deltas.
 */
import type { LoopEvent } from '@/lib/events/types';
import type { EntityDeltas } from '@/lib/ingest/deltas';
import type { OpenTransaction, Sql } from './connection';

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

export abstract class UploadTransaction {
  private transaction: OpenTransaction | null = null;
  /** The upload's row id, once begun. */
  uploadId = 0;

  constructor(private readonly db: Sql) {}

  /** The connection the upload's transaction runs on: lookups and records made inside it. */
  get sql(): Sql {
    return this.transaction?.sql ?? this.db;
  }

  /** Starts the upload's transaction and records the upload; returns its id. */
  async begin(upload: UploadRecord, bytes: number, now: number): Promise<number> {
    this.transaction = await this.db.begin();
    const row = await this.sql.get<{ id: number }>(
      `INSERT INTO uploads (team_id, source, agent, filename, format, bytes, accepted, duplicates, rejected, created_at)
       VALUES (@teamId, @source, @agent, @filename, @format, @bytes, 0, 0, 0, @now) RETURNING id`,
      { ...upload, bytes, now },
    );
    this.uploadId = Number(row!.id);
    return this.uploadId;
  }

  /**
   * Stores the events (their canonical JSON, and the figures the KPIs read in typed columns);
   * for each, whether it was stored (false: its team already had an event with this id, or an
   * earlier one of the same batch had it).
   */
  abstract addEvents(batch: readonly TeamEvent[]): Promise<boolean[]>;

  /** Merges the folded deltas into the entity tables and rollups, and clears them. */
  abstract applyDeltas(deltas: EntityDeltas): Promise<void>;

  /** `agent`: the agent the upload came from, when its format tells (OTLP exports). */
  async commit(counts: UploadCounts, bytes: number, agent: string | null = null): Promise<void> {
    await this.sql.run(
      `UPDATE uploads SET accepted = @accepted, duplicates = @duplicates, rejected = @rejected, bytes = @bytes,
         agent = coalesce(@agent, agent) WHERE id = @id`,
      { ...counts, bytes, agent, id: this.uploadId },
    );
    const t = this.transaction;
    this.transaction = null;
    await t?.commit();
  }

  /** Rolls back if begun; safe to call twice. */
  async rollback(): Promise<void> {
    const t = this.transaction;
    this.transaction = null;
    await t?.rollback();
  }
}
