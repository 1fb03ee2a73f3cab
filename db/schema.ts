/**
 * The drizzle schema. Times are epoch milliseconds (UTC) in INTEGER columns; days are
 * epoch days (floor(ms / 86_400_000)) so rollups align with ISO weeks (Monday 00:00 UTC).
 *
 * `events` is the append-only record of what was sent. The other tables are maintained by
 * ingestion inside the same transaction as the events they summarise, so reads never re-scan
 * raw JSON: runs, changes and defects (the KPI entities), their timelines (change_events,
 * defect_links) and per-team per-day rollups.
 */
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

export const teams = sqliteTable('teams', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    /** SHA-256 of the token, hex. The token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    /** First characters of the token, enough to recognise it in a list. */
    prefix: text('prefix').notNull(),
    /** Comma-separated: `ingest`, `read`. */
    scopes: text('scopes').notNull(),
    name: text('name'),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_tokens_team').on(t.teamId)],
);

/** One upload (API request, upload page, CLI import, demo): what came in and what became of it. */
export const uploads = sqliteTable(
  'uploads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The team the request fixed, if any. */
    teamId: integer('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    /**
     * The agent the upload came from, when the request or its format tells: a hook's, an OTLP
     * export's (`claude-code`, `codex`, `gemini-cli`, or the exporting service's name); null otherwise.
     */
    agent: text('agent'),
    filename: text('filename'),
    format: text('format').notNull(),
    bytes: integer('bytes').notNull(),
    accepted: integer('accepted').notNull(),
    duplicates: integer('duplicates').notNull(),
    rejected: integer('rejected').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('uploads_team').on(t.teamId, t.createdAt), index('uploads_team_agent').on(t.teamId, t.agent, t.createdAt)],
);

export const events = sqliteTable(
  'events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: false }),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    type: text('type').notNull(),
    ts: integer('ts').notNull(),
    run: text('run'),
    uploadId: integer('upload_id'),
    /**
     * The event as validated, as JSON (lib/events/canonical.ts): what is read back is exactly what
     * was checked. The figures the KPIs read are also in the typed columns below, so no query
     * parses this text.
     */
    payload: text('payload').notNull(),
    /** `model` of the event (llm.call: required). */
    model: text('model'),
    /** llm.call usage (absent cache counts stored as 0) and its own `cost_usd` (null when absent). */
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    cacheReadTokens: integer('cache_read_tokens'),
    cacheWriteTokens: integer('cache_write_tokens'),
    costUsd: real('cost_usd'),
    /** test.result `failed`. */
    failed: integer('failed'),
  },
  (t) => [
    uniqueIndex('events_team_id').on(t.teamId, t.id),
    index('events_team_run_ts').on(t.teamId, t.run, t.ts),
    /** Raw `llm.call` usage of partial days (lib/data/kpis.ts). */
    index('events_team_type_ts').on(t.teamId, t.type, t.ts),
  ],
);

/** One row per run: events-v1 Linking plus the counters the KPIs and flags read. */
export const runs = sqliteTable(
  'runs',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    run: text('run').notNull(),
    /**
     * Earliest `run.started` (at the same millisecond: the smallest id; `started_event`);
     * agent, model, repo, branch and task come from that event.
     */
    startedAt: integer('started_at'),
    startedEvent: text('started_event'),
    agent: text('agent'),
    model: text('model'),
    repo: text('repo'),
    branch: text('branch'),
    task: text('task'),
    /** Earliest `run.ended` (ties: smallest id), and its status. */
    endedAt: integer('ended_at'),
    endedEvent: text('ended_event'),
    status: text('status'),
    firstEventAt: integer('first_event_at').notNull(),
    lastEventAt: integer('last_event_at').notNull(),
    iterations: integer('iterations').notNull().default(0),
    llmCalls: integer('llm_calls').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cacheReadTokens: integer('cache_read_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    toolCalls: integer('tool_calls').notNull().default(0),
    messages: integer('messages').notNull().default(0),
    testResults: integer('test_results').notNull().default(0),
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
export const changes = sqliteTable(
  'changes',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    change: text('change').notNull(),
    firstEventAt: integer('first_event_at').notNull(),
    openedAt: integer('opened_at'),
    mergedAt: integer('merged_at'),
    closedAt: integer('closed_at'),
    run: text('run'),
    runAt: integer('run_at'),
    runEvent: text('run_event'),
    repo: text('repo'),
    repoAt: integer('repo_at'),
    repoEvent: text('repo_event'),
    branch: text('branch'),
    branchAt: integer('branch_at'),
    branchEvent: text('branch_event'),
    title: text('title'),
    additions: integer('additions'),
    deletions: integer('deletions'),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.change] }),
    index('changes_team_merged').on(t.teamId, t.mergedAt),
    index('changes_team_run').on(t.teamId, t.run),
    index('changes_team_repo_branch').on(t.teamId, t.repo, t.branch),
  ],
);

/** Every `change.*` event, reduced to what survival and defect rate read. */
export const changeEvents = sqliteTable(
  'change_events',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    change: text('change').notNull(),
    /** `opened`, `merged`, `closed`, `reverted`, `modified`. */
    kind: text('kind').notNull(),
    ts: integer('ts').notNull(),
    eventId: text('event_id').notNull(),
    /** `lines` of change.modified, `by` of change.reverted. */
    lines: integer('lines'),
    by: text('by'),
  },
  (t) => [index('change_events_team_change').on(t.teamId, t.change, t.ts)],
);

export const defects = sqliteTable(
  'defects',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    defect: text('defect').notNull(),
    /** Earliest `defect.opened` (ties: smallest id), and its severity. */
    openedAt: integer('opened_at'),
    openedEvent: text('opened_event'),
    severity: text('severity'),
    /** Earliest `defect.fixed` (ties: smallest id), the fixing change it names, and 1 when it withdrew the defect (`withdrawn`) rather than fixed it. */
    fixedAt: integer('fixed_at'),
    fixedEvent: text('fixed_event'),
    fixChange: text('fix_change'),
    fixWithdrawn: integer('fix_withdrawn'),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.defect] }),
    index('defects_team_opened').on(t.teamId, t.openedAt),
  ],
);

/** One row per (defect.opened event, change it names): "named in a defect.opened" at `ts`. */
export const defectLinks = sqliteTable(
  'defect_links',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    defect: text('defect').notNull(),
    change: text('change').notNull(),
    ts: integer('ts').notNull(),
  },
  (t) => [
    index('defect_links_team_change').on(t.teamId, t.change, t.ts),
    /** The changes a defect names: the agent / model / repo filters of lib/data/kpis.ts. */
    index('defect_links_team_defect').on(t.teamId, t.defect),
  ],
);

/** Events stored per team, day and type. */
export const dailyEvents = sqliteTable(
  'daily_events',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    day: integer('day').notNull(),
    type: text('type').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.day, t.type] })],
);

/**
 * `llm.call` usage per team, day and model. Calls that carry `cost_usd` add it to
 * `explicit_cost_usd`; the tokens of the others are kept apart (`costless_*`) so that
 * their cost follows the price table in force when it is read, not the one at ingest.
 */
export const dailyLlmUsage = sqliteTable(
  'daily_llm_usage',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    day: integer('day').notNull(),
    model: text('model').notNull(),
    calls: integer('calls').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    cacheReadTokens: integer('cache_read_tokens').notNull(),
    cacheWriteTokens: integer('cache_write_tokens').notNull(),
    explicitCostUsd: real('explicit_cost_usd').notNull(),
    costlessCalls: integer('costless_calls').notNull(),
    costlessInputTokens: integer('costless_input_tokens').notNull(),
    costlessOutputTokens: integer('costless_output_tokens').notNull(),
    costlessCacheReadTokens: integer('costless_cache_read_tokens').notNull(),
    costlessCacheWriteTokens: integer('costless_cache_write_tokens').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.day, t.model] })],
);

/**
 * `llm.call` usage per team, run and model, as daily_llm_usage keeps it per day: a run's tokens
 * and cost (priced when read) without reading its events.
 */
export const runLlmUsage = sqliteTable(
  'run_llm_usage',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    run: text('run').notNull(),
    model: text('model').notNull(),
    calls: integer('calls').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    cacheReadTokens: integer('cache_read_tokens').notNull(),
    cacheWriteTokens: integer('cache_write_tokens').notNull(),
    explicitCostUsd: real('explicit_cost_usd').notNull(),
    costlessCalls: integer('costless_calls').notNull(),
    costlessInputTokens: integer('costless_input_tokens').notNull(),
    costlessOutputTokens: integer('costless_output_tokens').notNull(),
    costlessCacheReadTokens: integer('costless_cache_read_tokens').notNull(),
    costlessCacheWriteTokens: integer('costless_cache_write_tokens').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.run, t.model] })],
);

/**
 * Per-team settings. `flag_thresholds` is a JSON object with any subset of the keys of
 * `FlagThresholds` (lib/flags/thresholds.ts); absent keys, or no row, take the defaults of
 * kpis-v1.md (resolveThresholds).
 */
export const teamSettings = sqliteTable('team_settings', {
  teamId: integer('team_id')
    .primaryKey()
    .references(() => teams.id, { onDelete: 'cascade' }),
  flagThresholds: text('flag_thresholds'),
  updatedAt: integer('updated_at').notNull(),
});

/** Accounts. `role` is `admin` (every team, manages the installation) or `member`. */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Lower-cased, trimmed. */
  email: text('email').notNull().unique(),
  /** `scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>` (lib/auth/passwords.ts). */
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['admin', 'member'] }).notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Which teams a member sees (admins see every team, with or without rows here). */
export const teamMembers = sqliteTable(
  'team_members',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user').on(t.userId)],
);

/** Browser sessions. Only the SHA-256 of the 256-bit session id (the cookie's value) is stored. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_expires').on(t.expiresAt)],
);

/**
 * Failed sign-ins per throttling key (`email:<email>` and `ip:<ip>:<email>`): the count of
 * failures in a row and, once over the limit, until when that key is locked.
 */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: integer('last_failure_at').notNull(),
  lockedUntil: integer('locked_until'),
});

/**
 * Request limits shared by several instances on one PostgreSQL database (lib/data/request-limits.ts):
 * a token bucket per key (an API token, a client address guessing share links): `tokens` left at
 * `updated_at`. A single SQLite instance keeps them in memory instead, so this table stays empty there.
 */
export const requestLimits = sqliteTable('request_limits', {
  key: text('key').primaryKey(),
  tokens: real('tokens'),
  updatedAt: integer('updated_at').notNull(),
});

/** One-time links that let the first visitor of an empty installation make the admin. */
export const setupTokens = sqliteTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
});

/**
 * Shareable report links. The token (256 bits, base64url) is shown once; only its SHA-256 is
 * stored. `team_id` is the team whose dashboard was shared (listing, cascade); `team_ids` every
 * team of the report (JSON array of ids). `view` is the dashboard's query (range, filters),
 * `snapshot` the frozen report of a `snapshot` link (dropped on revoke and once expired).
 */
export const shareLinks = sqliteTable(
  'share_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull().unique(),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    teamIds: text('team_ids').notNull(),
    view: text('view').notNull(),
    mode: text('mode', { enum: ['snapshot', 'live'] }).notNull(),
    snapshot: text('snapshot'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    lastViewedAt: integer('last_viewed_at'),
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
export const teamImportSettings = sqliteTable('team_import_settings', {
  teamId: integer('team_id')
    .primaryKey()
    .references(() => teams.id, { onDelete: 'cascade' }),
  githubWebhookSecret: text('github_webhook_secret'),
  bugLabel: text('bug_label'),
  repoMap: text('repo_map'),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Webhook deliveries already processed (`X-GitHub-Delivery`), written in the same transaction
 * as the events they brought, so a redelivery is processed once.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    deliveryId: text('delivery_id').notNull(),
    event: text('event').notNull(),
    uploadId: integer('upload_id'),
    receivedAt: integer('received_at').notNull(),
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
export const importedFiles = sqliteTable(
  'imported_files',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    size: integer('size').notNull(),
    mtimeMs: integer('mtime_ms').notNull(),
    hash: text('hash').notNull(),
    readTo: integer('read_to').notNull(),
    lines: integer('lines').notNull(),
    uploadId: integer('upload_id'),
    importedAt: integer('imported_at').notNull(),
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
export const alertDestinations = sqliteTable(
  'alert_destinations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    secret: text('secret'),
    kinds: text('kinds').notNull(),
    digest: integer('digest', { mode: 'boolean' }).notNull(),
    pausedAt: integer('paused_at'),
    createdAt: integer('created_at').notNull(),
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
export const alertDeliveries = sqliteTable(
  'alert_deliveries',
  {
    id: text('id').primaryKey(),
    destinationId: integer('destination_id')
      .notNull()
      .references(() => alertDestinations.id, { onDelete: 'cascade' }),
    /** A flag kind, `digest` or `test`. */
    kind: text('kind').notNull(),
    run: text('run'),
    /** Monday (`YYYY-MM-DD`) of the week a divergence alert or a digest is about. */
    week: text('week'),
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'sending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    claimedBy: text('claimed_by'),
    claimExpiresAt: integer('claim_expires_at'),
    lastAttemptAt: integer('last_attempt_at'),
    lastHttpStatus: integer('last_http_status'),
    lastAnswer: text('last_answer'),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
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
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at').notNull(),
});
