/**
 * Ingestion on SQLite: one IMMEDIATE transaction per upload on the ingest worker's connection (or
 * the CLI's), each row through a prepared statement. better-sqlite3 is synchronous and a row costs
 * a few microseconds, so batching rows into larger statements would gain nothing here.
 */
import type Database from 'better-sqlite3';
import type { SqliteConnection } from '@/db/client';
import { canonicalJson } from '@/lib/events/canonical';
import type { EntityDeltas } from '@/lib/ingest/deltas';
import type { OpenTransaction, Sql } from './connection';
import type { IngestStore, TeamEvent, UploadCounts, UploadRecord } from './ingest-store';
import {
  CHANGE_EVENTS, CHANGES, DAILY_EVENTS, DAILY_USAGE, DEFECT_LINKS, DEFECTS, fieldOf, onConflict, RUN_USAGE, RUNS,
  type UpsertSpec,
} from './ingest-upserts';

type Statement = Database.Statement<unknown[]>;

/** A statement taking a delta's fields as named parameters. */
function prepareUpsert(client: SqliteConnection, spec: UpsertSpec): Statement {
  return client.prepare(
    `INSERT INTO ${spec.table} (${spec.columns.join(', ')})
     VALUES (${spec.columns.map((c) => '@' + fieldOf(c)).join(', ')}) ${onConflict(spec, 'sqlite')}`,
  );
}

export class SqliteIngestStore implements IngestStore {
  private readonly insertEvent: Statement;
  private readonly upserts: Statement[];
  private transaction: OpenTransaction | null = null;
  uploadId = 0;

  constructor(
    readonly sql: Sql,
    private readonly client: SqliteConnection,
  ) {
    this.insertEvent = client.prepare(
      `INSERT INTO events (team_id, id, type, ts, run, upload_id, payload, model,
         input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, failed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, id) DO NOTHING`,
    );
    this.upserts = [RUNS, CHANGES, CHANGE_EVENTS, DEFECTS, DEFECT_LINKS, DAILY_EVENTS, DAILY_USAGE, RUN_USAGE].map((s) => prepareUpsert(client, s));
  }

  async begin(upload: UploadRecord, bytes: number, now: number): Promise<number> {
    this.transaction = await this.sql.begin();
    const info = this.client
      .prepare(
        `INSERT INTO uploads (team_id, source, agent, filename, format, bytes, accepted, duplicates, rejected, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?)`,
      )
      .run(upload.teamId, upload.source, upload.agent, upload.filename, upload.format, bytes, now);
    this.uploadId = Number(info.lastInsertRowid);
    return this.uploadId;
  }

  async addEvents(batch: readonly TeamEvent[]): Promise<boolean[]> {
    const stored = new Array<boolean>(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const { teamId, event: e } = batch[i];
      const llm = e.type === 'llm.call';
      stored[i] =
        this.insertEvent.run(
          teamId, e.id, e.type, e.ts, e.run ?? null, this.uploadId, canonicalJson(e), e.model ?? null,
          llm ? e.input_tokens ?? 0 : null,
          llm ? e.output_tokens ?? 0 : null,
          llm ? e.cache_read_tokens ?? 0 : null,
          llm ? e.cache_write_tokens ?? 0 : null,
          llm ? e.cost_usd ?? null : null,
          e.type === 'test.result' ? e.failed ?? 0 : null,
        ).changes === 1;
    }
    return stored;
  }

  async applyDeltas(d: EntityDeltas): Promise<void> {
    const [runs, changes, changeEvents, defects, defectLinks, dailyEvents, dailyUsage, runUsage] = this.upserts;
    for (const r of d.runs.values()) runs.run(r);
    for (const c of d.changes.values()) changes.run(c);
    for (const e of d.changeEvents) changeEvents.run(e);
    for (const x of d.defects.values()) defects.run(x);
    for (const l of d.defectLinks) defectLinks.run(l);
    for (const x of d.dailyEvents.values()) dailyEvents.run(x);
    for (const u of d.dailyUsage.values()) dailyUsage.run(u);
    for (const u of d.runUsage.values()) runUsage.run(u);
    d.clear();
  }

  async commit(counts: UploadCounts, bytes: number, agent: string | null = null): Promise<void> {
    this.client
      .prepare('UPDATE uploads SET accepted = ?, duplicates = ?, rejected = ?, bytes = ?, agent = coalesce(?, agent) WHERE id = ?')
      .run(counts.accepted, counts.duplicates, counts.rejected, bytes, agent, this.uploadId);
    const t = this.transaction;
    this.transaction = null;
    await t?.commit();
  }

  async rollback(): Promise<void> {
    const t = this.transaction;
    this.transaction = null;
    await t?.rollback();
  }
}
