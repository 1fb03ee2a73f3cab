/**
 * The PostgreSQL twin of db/schema.ts: the same tables, columns and indexes through drizzle's
 * pg-core (db/schema.test.ts holds the two to each other), so one SQL text in lib/data reads
 * both. Every integer is a bigint (epoch milliseconds, token sums), flags are 0 / 1 as in SQLite,
 * and the comments on each table are db/schema.ts's. Migrations: db/migrations-pg
 * (`npm run db:generate`).
 */
import { bigint, customType, doublePrecision, index, pgTable, primaryKey, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Text that compares byte by byte, as SQLite's does, whatever the database's default collation:
 * ids then order the same on both backends (ties settle by the smallest id, lists sort alike).
 */
const text = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});


export const teams = pgTable('teams', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    /** SHA-256 of the token, hex. The token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    /** First characters of the token, enough to recognise it in a list. */
    prefix: text('prefix').notNull(),
    /** Comma-separated: `ingest`, `read`. */
    scopes: text('scopes').notNull(),
    name: text('name'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    lastUsedAt: bigint('last_used_at', { mode: 'number' }),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
  },
  (t) => [index('api_tokens_team').on(t.teamId)],
);

/** One upload (API request, upload page, CLI import, demo): what came in and what became of it. */
export const uploads = pgTable(
  'uploads',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    /** The team the request fixed, if any. */
    teamId: bigint('team_id', { mode: 'number' }).references(() => teams.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    /**
     * The agent the upload came from, when the request or its format tells: a hook's, an OTLP
     * export's (`claude-code`, `codex`, `gemini-cli`, or the exporting service's name); null otherwise.
     */
    agent: text('agent'),
    filename: text('filename'),
    format: text('format').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    accepted: bigint('accepted', { mode: 'number' }).notNull(),
    duplicates: bigint('duplicates', { mode: 'number' }).notNull(),
    rejected: bigint('rejected', { mode: 'number' }).notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('uploads_team').on(t.teamId, t.createdAt), index('uploads_team_agent').on(t.teamId, t.agent, t.createdAt)],
);

export const events = pgTable(
  'events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    type: text('type').notNull(),
    ts: bigint('ts', { mode: 'number' }).notNull(),
    run: text('run'),
    uploadId: bigint('upload_id', { mode: 'number' }),
    /**
     * The event as validated, as JSON (lib/events/canonical.ts): what is read back is exactly what
     * was checked. The figures the KPIs read are also in the typed columns below, so no query
     * parses this text.
     */
    payload: text('payload').notNull(),
    /** `model` of the event (llm.call: required). */
    model: text('model'),
    /** llm.call usage (absent cache counts stored as 0) and its own `cost_usd` (null when absent). */
    inputTokens: bigint('input_tokens', { mode: 'number' }),
    outputTokens: bigint('output_tokens', { mode: 'number' }),
    cacheReadTokens: bigint('cache_read_tokens', { mode: 'number' }),
    cacheWriteTokens: bigint('cache_write_tokens', { mode: 'number' }),
    costUsd: doublePrecision('cost_usd'),
    /** test.result `failed`. */
    failed: bigint('failed', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('events_team_id').on(t.teamId, t.id),
    index('events_team_run_ts').on(t.teamId, t.run, t.ts),
    /** Raw `llm.call` usage of partial days (lib/data/kpis.ts). */
    index('events_team_type_ts').on(t.teamId, t.type, t.ts),
  ],
);

/** One row per run: events-v1 Linking plus the counters the KPIs and flags read. */
export const runs = pgTable(
  'runs',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    run: text('run').notNull(),
    /**
     * Earliest `run.started` (at the same millisecond: the smallest id; `started_event`);
     * agent, model, repo, branch and task come from that event.
     */
    startedAt: bigint('started_at', { mode: 'number' }),
    startedEvent: text('started_event'),
    agent: text('agent'),
    model: text('model'),
    repo: text('repo'),
    branch: text('branch'),
    task: text('task'),
    /** Earliest `run.ended` (ties: smallest id), and its status. */
    endedAt: bigint('ended_at', { mode: 'number' }),
    endedEvent: text('ended_event'),
    status: text('status'),
    firstEventAt: bigint('first_event_at', { mode: 'number' }).notNull(),
    lastEventAt: bigint('last_event_at', { mode: 'number' }).notNull(),
    iterations: bigint('iterations', { mode: 'number' }).notNull().default(0),
    llmCalls: bigint('llm_calls', { mode: 'number' }).notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    cacheReadTokens: bigint('cache_read_tokens', { mode: 'number' }).notNull().default(0),
    cacheWriteTokens: bigint('cache_write_tokens', { mode: 'number' }).notNull().default(0),
    toolCalls: bigint('tool_calls', { mode: 'number' }).notNull().default(0),
    messages: bigint('messages', { mode: 'number' }).notNull().default(0),
    testResults: bigint('test_results', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.run] }),
    index('runs_team_last').on(t.teamId, t.lastEventAt),
    index('runs_team_ended').on(t.teamId, t.endedAt),
    index('runs_team_repo_branch_started').on(t.teamId, t.repo, t.branch, t.startedAt),
  ],
);

/**
 * One row per change. Each of run, repo and branch is taken from the earliest event that
 * carries it (at the same millisecond: the smallest id), so the `*At` and `*Event` columns beside
 * it remember that event's time and id for later merges. Rows stored before the ids were kept
 * have null ids: a tie with them keeps what is stored.
 */
export const changes = pgTable(
  'changes',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    change: text('change').notNull(),
    firstEventAt: bigint('first_event_at', { mode: 'number' }).notNull(),
    openedAt: bigint('opened_at', { mode: 'number' }),
    mergedAt: bigint('merged_at', { mode: 'number' }),
    closedAt: bigint('closed_at', { mode: 'number' }),
    run: text('run'),
    runAt: bigint('run_at', { mode: 'number' }),
    runEvent: text('run_event'),
    repo: text('repo'),
    repoAt: bigint('repo_at', { mode: 'number' }),
    repoEvent: text('repo_event'),
    branch: text('branch'),
    branchAt: bigint('branch_at', { mode: 'number' }),
    branchEvent: text('branch_event'),
    title: text('title'),
    additions: bigint('additions', { mode: 'number' }),
    deletions: bigint('deletions', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.change] }),
    index('changes_team_merged').on(t.teamId, t.mergedAt),
    index('changes_team_run').on(t.teamId, t.run),
    index('changes_team_repo_branch').on(t.teamId, t.repo, t.branch),
  ],
);

/** Every `change.*` event, reduced to what survival and defect rate read. */
export const changeEvents = pgTable(
  'change_events',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    change: text('change').notNull(),
    /** `opened`, `merged`, `closed`, `reverted`, `modified`. */
    kind: text('kind').notNull(),
    ts: bigint('ts', { mode: 'number' }).notNull(),
    eventId: text('event_id').notNull(),
    /** `lines` of change.modified, `by` of change.reverted. */
    lines: bigint('lines', { mode: 'number' }),
    by: text('by'),
  },
  (t) => [index('change_events_team_change').on(t.teamId, t.change, t.ts)],
);

export const defects = pgTable(
  'defects',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    defect: text('defect').notNull(),
    /** Earliest `defect.opened` (ties: smallest id), and its severity. */
    openedAt: bigint('opened_at', { mode: 'number' }),
    openedEvent: text('opened_event'),
    severity: text('severity'),
    /** Earliest `defect.fixed` (ties: smallest id), the fixing change it names, and 1 when it withdrew the defect (`withdrawn`) rather than fixed it. */
    fixedAt: bigint('fixed_at', { mode: 'number' }),
    fixedEvent: text('fixed_event'),
    fixChange: text('fix_change'),
    fixWithdrawn: bigint('fix_withdrawn', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.defect] }),
    index('defects_team_opened').on(t.teamId, t.openedAt),
  ],
);

/** One row per (defect.opened event, change it names): "named in a defect.opened" at `ts`. */
export const defectLinks = pgTable(
  'defect_links',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    defect: text('defect').notNull(),
    change: text('change').notNull(),
    ts: bigint('ts', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('defect_links_team_change').on(t.teamId, t.change, t.ts),
    /** The changes a defect names: the agent / model / repo filters of lib/data/kpis.ts. */
    index('defect_links_team_defect').on(t.teamId, t.defect),
  ],
);

/** Events stored per team, day and type. */
export const dailyEvents = pgTable(
  'daily_events',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    day: bigint('day', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.day, t.type] })],
);

/**
 * `llm.call` usage per team, day and model. Calls that carry `cost_usd` add it to
 * `explicit_cost_usd`; the tokens of the others are kept apart (`costless_*`) so that
 * their cost follows the price table in force when it is read, not the one at ingest.
 */
export const dailyLlmUsage = pgTable(
  'daily_llm_usage',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    day: bigint('day', { mode: 'number' }).notNull(),
    model: text('model').notNull(),
    calls: bigint('calls', { mode: 'number' }).notNull(),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull(),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull(),
    cacheReadTokens: bigint('cache_read_tokens', { mode: 'number' }).notNull(),
    cacheWriteTokens: bigint('cache_write_tokens', { mode: 'number' }).notNull(),
    explicitCostUsd: doublePrecision('explicit_cost_usd').notNull(),
    costlessCalls: bigint('costless_calls', { mode: 'number' }).notNull(),
    costlessInputTokens: bigint('costless_input_tokens', { mode: 'number' }).notNull(),
    costlessOutputTokens: bigint('costless_output_tokens', { mode: 'number' }).notNull(),
    costlessCacheReadTokens: bigint('costless_cache_read_tokens', { mode: 'number' }).notNull(),
    costlessCacheWriteTokens: bigint('costless_cache_write_tokens', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.day, t.model] })],
);

/**
 * `llm.call` usage per team, run and model, as daily_llm_usage keeps it per day: a run's tokens
 * and cost (priced when read) without reading its events.
 */
export const runLlmUsage = pgTable(
  'run_llm_usage',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    run: text('run').notNull(),
    model: text('model').notNull(),
    calls: bigint('calls', { mode: 'number' }).notNull(),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull(),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull(),
    cacheReadTokens: bigint('cache_read_tokens', { mode: 'number' }).notNull(),
    cacheWriteTokens: bigint('cache_write_tokens', { mode: 'number' }).notNull(),
    explicitCostUsd: doublePrecision('explicit_cost_usd').notNull(),
    costlessCalls: bigint('costless_calls', { mode: 'number' }).notNull(),
    costlessInputTokens: bigint('costless_input_tokens', { mode: 'number' }).notNull(),
    costlessOutputTokens: bigint('costless_output_tokens', { mode: 'number' }).notNull(),
    costlessCacheReadTokens: bigint('costless_cache_read_tokens', { mode: 'number' }).notNull(),
    costlessCacheWriteTokens: bigint('costless_cache_write_tokens', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.run, t.model] })],
);

/**
 * Per-team settings. `flag_thresholds` is a JSON object with any subset of the keys of
 * `FlagThresholds` (lib/flags/thresholds.ts); absent keys, or no row, take the defaults of
 * kpis-v1.md (resolveThresholds).
 */
export const teamSettings = pgTable('team_settings', {
  teamId: bigint('team_id', { mode: 'number' })
    .primaryKey()
    .references(() => teams.id, { onDelete: 'cascade' }),
  flagThresholds: text('flag_thresholds'),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/** Accounts. `role` is `admin` (every team, manages the installation) or `member`. */
export const users = pgTable('users', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  /** Lower-cased, trimmed. */
  email: text('email').notNull().unique(),
  /** `scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>` (lib/auth/passwords.ts). */
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['admin', 'member'] }).notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

/** Which teams a member sees (admins see every team, with or without rows here). */
export const teamMembers = pgTable(
  'team_members',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user').on(t.userId)],
);

/** Browser sessions. Only the SHA-256 of the 256-bit session id (the cookie's value) is stored. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_expires').on(t.expiresAt)],
);

/**
 * Failed sign-ins per throttling key (`email:<email>` and `ip:<ip>:<email>`): the count of
 * failures in a row and, once over the limit, until when that key is locked.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: bigint('failures', { mode: 'number' }).notNull(),
  lastFailureAt: bigint('last_failure_at', { mode: 'number' }).notNull(),
  lockedUntil: bigint('locked_until', { mode: 'number' }),
});

/**
 * Request limits shared by several instances on one PostgreSQL database (lib/data/request-limits.ts):
 * a token bucket per key (an API token, a client address guessing share links): `tokens` left at
 * `updated_at`. A single SQLite instance keeps them in memory instead, so this table stays empty there.
 */
export const requestLimits = pgTable('request_limits', {
  key: text('key').primaryKey(),
  tokens: doublePrecision('tokens'),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/** One-time links that let the first visitor of an empty installation make the admin. */
export const setupTokens = pgTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  usedAt: bigint('used_at', { mode: 'number' }),
});

/**
 * Shareable report links. The token (256 bits, base64url) is shown once; only its SHA-256 is
 * stored. `team_id` is the team whose dashboard was shared (listing, cascade); `team_ids` every
 * team of the report (JSON array of ids). `view` is the dashboard's query (range, filters),
 * `snapshot` the frozen report of a `snapshot` link (dropped on revoke and once expired).
 */
export const shareLinks = pgTable(
  'share_links',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    tokenHash: text('token_hash').notNull().unique(),
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    teamIds: text('team_ids').notNull(),
    view: text('view').notNull(),
    mode: text('mode', { enum: ['snapshot', 'live'] }).notNull(),
    snapshot: text('snapshot'),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
    lastViewedAt: bigint('last_viewed_at', { mode: 'number' }),
  },
  (t) => [index('share_links_team').on(t.teamId, t.createdAt)],
);

/**
 * Per-team settings of the importers, apart from `team_settings`:
 * - `github_webhook_secret`: the shared secret of the team's GitHub webhook. It is stored as
 *   given (not hashed) because verifying `X-Hub-Signature-256` means computing an HMAC with it;
 *   whoever can read the database file can forge webhook deliveries for the team.
 * - `bug_label`: the issue label that makes a GitHub issue a defect (null: `bug`).
 * - `repo_map`: JSON array of `{path, repo}`: where agents run → `owner/name`
 *   (lib/importers/repo-map.ts).
 */
export const teamImportSettings = pgTable('team_import_settings', {
  teamId: bigint('team_id', { mode: 'number' })
    .primaryKey()
    .references(() => teams.id, { onDelete: 'cascade' }),
  githubWebhookSecret: text('github_webhook_secret'),
  bugLabel: text('bug_label'),
  repoMap: text('repo_map'),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/**
 * Webhook deliveries already processed (`X-GitHub-Delivery`), written in the same transaction
 * as the events they brought, so a redelivery is processed once.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    deliveryId: text('delivery_id').notNull(),
    event: text('event').notNull(),
    uploadId: bigint('upload_id', { mode: 'number' }),
    receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.deliveryId] })],
);

/**
 * The files of a team's directory imports already read (`cli import <dir>` of Claude Code
 * transcripts, lib/importers/resume.ts): a file whose size, mtime and fingerprint (`hash`, of
 * its first 4 KiB and the 4 KiB before `read_to`) are unchanged is skipped; one that grew past
 * `read_to` (the end of its last whole line read, `lines` lines in) is read from there. Written in
 * the upload's transaction, so a rolled-back import marks nothing.
 */
export const importedFiles = pgTable(
  'imported_files',
  {
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    mtimeMs: bigint('mtime_ms', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    readTo: bigint('read_to', { mode: 'number' }).notNull(),
    lines: bigint('lines', { mode: 'number' }).notNull(),
    uploadId: bigint('upload_id', { mode: 'number' }),
    importedAt: bigint('imported_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.path] })],
);

/**
 * Where a team's alerts go (lib/alerts): an incoming-webhook URL that takes a JSON `text`
 * (Slack, Mattermost, Microsoft Teams workflows, Discord's Slack-compatible endpoint).
 * - `secret`: signs each delivery (`X-Loopscope-Signature-256`, HMAC-SHA256 of the body). Stored
 *   in clear, like the GitHub webhook secret, because computing the HMAC needs it.
 * - `kinds`: comma-separated flag kinds it wants; `digest`: whether it wants the weekly digest.
 * - `paused_at`: set while paused (nothing is evaluated for it or sent to it).
 */
export const alertDestinations = pgTable(
  'alert_destinations',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    teamId: bigint('team_id', { mode: 'number' })
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    secret: text('secret'),
    kinds: text('kinds').notNull(),
    digest: bigint('digest', { mode: 'number' }).notNull(),
    pausedAt: bigint('paused_at', { mode: 'number' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('alert_destinations_team').on(t.teamId)],
);

/**
 * The outbox: one row per alert a destination is to receive, made once (its id is stable: a hash
 * of destination, kind and run or week, so evaluating a flag again inserts nothing) and never
 * sent again once `delivered`. `body` is the exact JSON sent (and signed) on every attempt.
 *
 * `status`: `pending` (due at `next_attempt_at`), `sending` (claimed by `claimed_by` until
 * `claim_expires_at`: a sender that dies mid-request leaves it to be retried after that),
 * `delivered` (a 2xx answer), `failed` (given up: 24 h of failed attempts, or a failed test).
 * `last_answer` is what the receiver answered, or why there was no answer, for the settings page.
 */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: text('id').primaryKey(),
    destinationId: bigint('destination_id', { mode: 'number' })
      .notNull()
      .references(() => alertDestinations.id, { onDelete: 'cascade' }),
    /** A flag kind, `digest` or `test`. */
    kind: text('kind').notNull(),
    run: text('run'),
    /** Monday (`YYYY-MM-DD`) of the week a divergence alert or a digest is about. */
    week: text('week'),
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'sending', 'delivered', 'failed'] }).notNull(),
    attempts: bigint('attempts', { mode: 'number' }).notNull().default(0),
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull(),
    claimedBy: text('claimed_by'),
    claimExpiresAt: bigint('claim_expires_at', { mode: 'number' }),
    lastAttemptAt: bigint('last_attempt_at', { mode: 'number' }),
    lastHttpStatus: bigint('last_http_status', { mode: 'number' }),
    lastAnswer: text('last_answer'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    deliveredAt: bigint('delivered_at', { mode: 'number' }),
  },
  (t) => [
    index('alert_deliveries_due').on(t.status, t.nextAttemptAt),
    index('alert_deliveries_destination').on(t.destinationId, t.createdAt),
  ],
);

/**
 * Named leases, so that of several server instances on one database exactly one does a piece
 * of work at a time (the alert sender): taken or renewed with a conditional UPDATE, given up by
 * letting `expires_at` pass.
 */
export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
});
