/**
 * The write side of ingestion: one upload is one IMMEDIATE transaction (all or nothing, and
 * a crash mid-way leaves nothing), events go in one at a time through a prepared statement,
 * and the entity and rollup deltas folded in lib/ingest are merged with upserts whose rules
 * match EntityDeltas (earliest wins, sums add).
 *
 * Runs only in the ingest worker and the CLI, never on a request thread.
 */
import type { SqliteConnection } from '@/db/client';
import { canonicalJson } from '@/lib/events/canonical';
import type { LoopEvent } from '@/lib/events/types';
import type { EntityDeltas } from '@/lib/ingest/deltas';

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

export interface UploadRecord {
  teamId: number | null;
  source: string;
  agent: string | null;
  filename: string | null;
  format: string;
}

export class IngestTransaction {
  private readonly insertEvent;
  private readonly upsertRun;
  private readonly upsertChange;
  private readonly insertChangeEvent;
  private readonly upsertDefect;
  private readonly insertDefectLink;
  private readonly upsertDailyEvents;
  private readonly upsertDailyUsage;
  private readonly upsertRunUsage;
  private open = false;
  uploadId = 0;

  constructor(private readonly db: SqliteConnection) {
    this.insertEvent = db.prepare(
      `INSERT INTO events (team_id, id, type, ts, run, upload_id, payload, model,
         input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, failed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, id) DO NOTHING`,
    );
    this.upsertRun = db.prepare(`
      INSERT INTO runs (team_id, run, started_at, started_event, agent, model, repo, branch, task, ended_at, ended_event, status,
        first_event_at, last_event_at, iterations, llm_calls, input_tokens, output_tokens,
        cache_read_tokens, cache_write_tokens, tool_calls, messages, test_results)
      VALUES (@teamId, @run, @startedAt, @startedEvent, @agent, @model, @repo, @branch, @task, @endedAt, @endedEvent, @status,
        @firstEventAt, @lastEventAt, @iterations, @llmCalls, @inputTokens, @outputTokens,
        @cacheReadTokens, @cacheWriteTokens, @toolCalls, @messages, @testResults)
      ON CONFLICT (team_id, run) DO UPDATE SET
        ${takeIfBefore('runs', 'started_at', 'started_event', ['agent', 'model', 'repo', 'branch', 'task', 'started_event', 'started_at'])},
        ${takeIfBefore('runs', 'ended_at', 'ended_event', ['status', 'ended_event', 'ended_at'])},
        first_event_at = MIN(runs.first_event_at, excluded.first_event_at),
        last_event_at = MAX(runs.last_event_at, excluded.last_event_at),
        iterations = runs.iterations + excluded.iterations,
        llm_calls = runs.llm_calls + excluded.llm_calls,
        input_tokens = runs.input_tokens + excluded.input_tokens,
        output_tokens = runs.output_tokens + excluded.output_tokens,
        cache_read_tokens = runs.cache_read_tokens + excluded.cache_read_tokens,
        cache_write_tokens = runs.cache_write_tokens + excluded.cache_write_tokens,
        tool_calls = runs.tool_calls + excluded.tool_calls,
        messages = runs.messages + excluded.messages,
        test_results = runs.test_results + excluded.test_results`);
    const minOf = (col: string) =>
      `${col} = CASE WHEN ${earlierSql(`excluded.${col}`, `changes.${col}`)} THEN excluded.${col} ELSE changes.${col} END`;
    this.upsertChange = db.prepare(`
      INSERT INTO changes (team_id, change, first_event_at, opened_at, merged_at, closed_at, run, run_at, run_event,
        repo, repo_at, repo_event, branch, branch_at, branch_event, title, additions, deletions)
      VALUES (@teamId, @change, @firstEventAt, @openedAt, @mergedAt, @closedAt, @run, @runAt, @runEvent,
        @repo, @repoAt, @repoEvent, @branch, @branchAt, @branchEvent, @title, @additions, @deletions)
      ON CONFLICT (team_id, change) DO UPDATE SET
        first_event_at = MIN(changes.first_event_at, excluded.first_event_at),
        ${minOf('opened_at')}, ${minOf('merged_at')}, ${minOf('closed_at')},
        ${takeIfBefore('changes', 'run_at', 'run_event', ['run', 'run_event', 'run_at'])},
        ${takeIfBefore('changes', 'repo_at', 'repo_event', ['repo', 'repo_event', 'repo_at'])},
        ${takeIfBefore('changes', 'branch_at', 'branch_event', ['branch', 'branch_event', 'branch_at'])},
        title = COALESCE(excluded.title, changes.title),
        additions = COALESCE(excluded.additions, changes.additions),
        deletions = COALESCE(excluded.deletions, changes.deletions)`);
    this.insertChangeEvent = db.prepare(
      `INSERT INTO change_events (team_id, change, kind, ts, event_id, lines, by)
       VALUES (@teamId, @change, @kind, @ts, @eventId, @lines, @by)`,
    );
    this.upsertDefect = db.prepare(`
      INSERT INTO defects (team_id, defect, opened_at, opened_event, severity, fixed_at, fixed_event, fix_change, fix_withdrawn)
      VALUES (@teamId, @defect, @openedAt, @openedEvent, @severity, @fixedAt, @fixedEvent, @fixChange, @fixWithdrawn)
      ON CONFLICT (team_id, defect) DO UPDATE SET
        ${takeIfBefore('defects', 'opened_at', 'opened_event', ['severity', 'opened_event', 'opened_at'])},
        ${takeIfBefore('defects', 'fixed_at', 'fixed_event', ['fix_change', 'fix_withdrawn', 'fixed_event', 'fixed_at'])}`);
    this.insertDefectLink = db.prepare(
      `INSERT INTO defect_links (team_id, defect, change, ts) VALUES (@teamId, @defect, @change, @ts)`,
    );
    this.upsertDailyEvents = db.prepare(`
      INSERT INTO daily_events (team_id, day, type, count) VALUES (@teamId, @day, @type, @count)
      ON CONFLICT (team_id, day, type) DO UPDATE SET count = daily_events.count + excluded.count`);
    const usageCols = [
      'calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens',
      'explicit_cost_usd', 'costless_calls', 'costless_input_tokens', 'costless_output_tokens',
      'costless_cache_read_tokens', 'costless_cache_write_tokens',
    ];
    const camel = (c: string) => c.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
    const upsertUsage = (table: string, key: string) => `
      INSERT INTO ${table} (team_id, ${key}, model, ${usageCols.join(', ')})
      VALUES (@teamId, @${key}, @model, ${usageCols.map((c) => '@' + camel(c)).join(', ')})
      ON CONFLICT (team_id, ${key}, model) DO UPDATE SET
        ${usageCols.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(',\n        ')}`;
    this.upsertDailyUsage = db.prepare(upsertUsage('daily_llm_usage', 'day'));
    this.upsertRunUsage = db.prepare(upsertUsage('run_llm_usage', 'run'));
  }

  /** Starts the upload's transaction and records the upload; returns its id. */
  begin(upload: UploadRecord, bytes: number, now: number): number {
    this.db.exec('BEGIN IMMEDIATE');
    this.open = true;
    const info = this.db
      .prepare(
        `INSERT INTO uploads (team_id, source, agent, filename, format, bytes, accepted, duplicates, rejected, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?)`,
      )
      .run(upload.teamId, upload.source, upload.agent, upload.filename, upload.format, bytes, now);
    this.uploadId = Number(info.lastInsertRowid);
    return this.uploadId;
  }

  /**
   * Stores one validated event (its canonical JSON, and the figures the KPIs read in typed
   * columns); false when the team already has an event with this id.
   */
  addEvent(teamId: number, e: LoopEvent): boolean {
    const llm = e.type === 'llm.call';
    return (
      this.insertEvent.run(
        teamId, e.id, e.type, e.ts, e.run ?? null, this.uploadId, canonicalJson(e), e.model ?? null,
        llm ? e.input_tokens ?? 0 : null,
        llm ? e.output_tokens ?? 0 : null,
        llm ? e.cache_read_tokens ?? 0 : null,
        llm ? e.cache_write_tokens ?? 0 : null,
        llm ? e.cost_usd ?? null : null,
        e.type === 'test.result' ? e.failed ?? 0 : null,
      ).changes === 1
    );
  }

  applyDeltas(d: EntityDeltas): void {
    for (const r of d.runs.values()) this.upsertRun.run(r);
    for (const c of d.changes.values()) this.upsertChange.run(c);
    for (const e of d.changeEvents) this.insertChangeEvent.run(e);
    for (const x of d.defects.values()) this.upsertDefect.run(x);
    for (const l of d.defectLinks) this.insertDefectLink.run(l);
    for (const x of d.dailyEvents.values()) this.upsertDailyEvents.run(x);
    for (const u of d.dailyUsage.values()) this.upsertDailyUsage.run(u);
    for (const u of d.runUsage.values()) this.upsertRunUsage.run(u);
    d.clear();
  }

  /** `agent`: the agent the upload came from, when its format tells (OTLP exports). */
  commit(counts: { accepted: number; duplicates: number; rejected: number }, bytes: number, agent: string | null = null): void {
    this.db
      .prepare('UPDATE uploads SET accepted = ?, duplicates = ?, rejected = ?, bytes = ?, agent = coalesce(?, agent) WHERE id = ?')
      .run(counts.accepted, counts.duplicates, counts.rejected, bytes, agent, this.uploadId);
    this.db.exec('COMMIT');
    this.open = false;
  }

  rollback(): void {
    if (this.open && this.db.inTransaction) this.db.exec('ROLLBACK');
    this.open = false;
  }
}

/** Team ids by slug, for events that name their team. */
export function teamIdsBySlug(db: SqliteConnection): Map<string, number> {
  const rows = db.prepare('SELECT id, slug FROM teams').all() as { id: number; slug: string }[];
  return new Map(rows.map((r) => [r.slug, r.id]));
}
