/**
 * The write side of ingestion: one upload is one IMMEDIATE transaction (all or nothing, and
 * a crash mid-way leaves nothing), events go in one at a time through a prepared statement,
 * and the entity and rollup deltas folded in lib/ingest are merged with upserts whose rules
 * match EntityDeltas (earliest wins, sums add).
 *
 * Runs only in the ingest worker and the CLI, never on a request thread.
 */
import type { SqliteConnection } from '@/db/client';
import type { EntityDeltas } from '@/lib/ingest/deltas';

/** `x < y` where NULL is "never": the SQL twin of `earlier()` in deltas.ts. */
const earlierSql = (x: string, y: string) => `(${x} IS NOT NULL AND (${y} IS NULL OR ${x} < ${y}))`;
const pickEarliest = (at: string, col: string) =>
  `${col} = CASE WHEN ${earlierSql(`excluded.${at}`, `runs.${at}`)} THEN excluded.${col} ELSE runs.${col} END`;

export interface UploadRecord {
  teamId: number | null;
  source: string;
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
  private open = false;
  uploadId = 0;

  constructor(private readonly db: SqliteConnection) {
    this.insertEvent = db.prepare(
      `INSERT INTO events (team_id, id, type, ts, run, upload_id, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, id) DO NOTHING`,
    );
    this.upsertRun = db.prepare(`
      INSERT INTO runs (team_id, run, started_at, agent, model, repo, branch, task, ended_at, status,
        first_event_at, last_event_at, iterations, llm_calls, input_tokens, output_tokens,
        cache_read_tokens, cache_write_tokens, tool_calls, messages, test_results)
      VALUES (@teamId, @run, @startedAt, @agent, @model, @repo, @branch, @task, @endedAt, @status,
        @firstEventAt, @lastEventAt, @iterations, @llmCalls, @inputTokens, @outputTokens,
        @cacheReadTokens, @cacheWriteTokens, @toolCalls, @messages, @testResults)
      ON CONFLICT (team_id, run) DO UPDATE SET
        ${['agent', 'model', 'repo', 'branch', 'task'].map((c) => pickEarliest('started_at', c)).join(',\n        ')},
        started_at = CASE WHEN ${earlierSql('excluded.started_at', 'runs.started_at')} THEN excluded.started_at ELSE runs.started_at END,
        status = CASE WHEN ${earlierSql('excluded.ended_at', 'runs.ended_at')} THEN excluded.status ELSE runs.status END,
        ended_at = CASE WHEN ${earlierSql('excluded.ended_at', 'runs.ended_at')} THEN excluded.ended_at ELSE runs.ended_at END,
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
    const earliestOf = (value: string, at: string) =>
      `${value} = CASE WHEN ${earlierSql(`excluded.${at}`, `changes.${at}`)} THEN excluded.${value} ELSE changes.${value} END,
       ${at} = CASE WHEN ${earlierSql(`excluded.${at}`, `changes.${at}`)} THEN excluded.${at} ELSE changes.${at} END`;
    const minOf = (col: string) =>
      `${col} = CASE WHEN ${earlierSql(`excluded.${col}`, `changes.${col}`)} THEN excluded.${col} ELSE changes.${col} END`;
    this.upsertChange = db.prepare(`
      INSERT INTO changes (team_id, change, first_event_at, opened_at, merged_at, closed_at, run, run_at,
        repo, repo_at, branch, branch_at, title, additions, deletions)
      VALUES (@teamId, @change, @firstEventAt, @openedAt, @mergedAt, @closedAt, @run, @runAt,
        @repo, @repoAt, @branch, @branchAt, @title, @additions, @deletions)
      ON CONFLICT (team_id, change) DO UPDATE SET
        first_event_at = MIN(changes.first_event_at, excluded.first_event_at),
        ${minOf('opened_at')}, ${minOf('merged_at')}, ${minOf('closed_at')},
        ${earliestOf('run', 'run_at')},
        ${earliestOf('repo', 'repo_at')},
        ${earliestOf('branch', 'branch_at')},
        title = COALESCE(excluded.title, changes.title),
        additions = COALESCE(excluded.additions, changes.additions),
        deletions = COALESCE(excluded.deletions, changes.deletions)`);
    this.insertChangeEvent = db.prepare(
      `INSERT INTO change_events (team_id, change, kind, ts, event_id, lines, by)
       VALUES (@teamId, @change, @kind, @ts, @eventId, @lines, @by)`,
    );
    this.upsertDefect = db.prepare(`
      INSERT INTO defects (team_id, defect, opened_at, severity, fixed_at, fix_change)
      VALUES (@teamId, @defect, @openedAt, @severity, @fixedAt, @fixChange)
      ON CONFLICT (team_id, defect) DO UPDATE SET
        severity = CASE WHEN ${earlierSql('excluded.opened_at', 'defects.opened_at')} THEN excluded.severity ELSE defects.severity END,
        opened_at = CASE WHEN ${earlierSql('excluded.opened_at', 'defects.opened_at')} THEN excluded.opened_at ELSE defects.opened_at END,
        fix_change = CASE WHEN ${earlierSql('excluded.fixed_at', 'defects.fixed_at')} THEN excluded.fix_change ELSE defects.fix_change END,
        fixed_at = CASE WHEN ${earlierSql('excluded.fixed_at', 'defects.fixed_at')} THEN excluded.fixed_at ELSE defects.fixed_at END`);
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
    this.upsertDailyUsage = db.prepare(`
      INSERT INTO daily_llm_usage (team_id, day, model, ${usageCols.join(', ')})
      VALUES (@teamId, @day, @model, ${usageCols.map((c) => '@' + camel(c)).join(', ')})
      ON CONFLICT (team_id, day, model) DO UPDATE SET
        ${usageCols.map((c) => `${c} = daily_llm_usage.${c} + excluded.${c}`).join(',\n        ')}`);
  }

  /** Starts the upload's transaction and records the upload; returns its id. */
  begin(upload: UploadRecord, bytes: number, now: number): number {
    this.db.exec('BEGIN IMMEDIATE');
    this.open = true;
    const info = this.db
      .prepare(
        `INSERT INTO uploads (team_id, source, filename, format, bytes, accepted, duplicates, rejected, created_at)
         VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)`,
      )
      .run(upload.teamId, upload.source, upload.filename, upload.format, bytes, now);
    this.uploadId = Number(info.lastInsertRowid);
    return this.uploadId;
  }

  /** Stores one event; false when the team already has an event with this id. */
  addEvent(teamId: number, id: string, type: string, ts: number, run: string | null, payload: string): boolean {
    return this.insertEvent.run(teamId, id, type, ts, run, this.uploadId, payload).changes === 1;
  }

  applyDeltas(d: EntityDeltas): void {
    for (const r of d.runs.values()) this.upsertRun.run(r);
    for (const c of d.changes.values()) this.upsertChange.run(c);
    for (const e of d.changeEvents) this.insertChangeEvent.run(e);
    for (const x of d.defects.values()) this.upsertDefect.run(x);
    for (const l of d.defectLinks) this.insertDefectLink.run(l);
    for (const x of d.dailyEvents.values()) this.upsertDailyEvents.run(x);
    for (const u of d.dailyUsage.values()) this.upsertDailyUsage.run(u);
    d.clear();
  }

  /** `agent`: the agent the upload came from, when its format tells (OTLP exports). */
  commit(counts: { accepted: number; duplicates: number; rejected: number }, bytes: number, agent: string | null = null): void {
    this.db
      .prepare('UPDATE uploads SET accepted = ?, duplicates = ?, rejected = ?, bytes = ?, agent = ? WHERE id = ?')
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
