/**
 * Claude Code transcripts (`~/.claude/projects/<project>/<session>.jsonl`, sub-agents under
 * `<project>/<session>/subagents/*.jsonl`) → events-v1.
 *
 * - A session (`sessionId`, else the file's name) is a run: one `run.started` at its first
 *   line, `agent: claude-code`, its repository from the working directory (`cwd`, through the
 *   team's repo mapping: lib/importers/repo-map.ts) and its branch from `gitBranch` (the last
 *   branch the session worked on other than main/master, else the last one), so the run links
 *   to the pull request opened from that branch. Transcripts record no end, so no `run.ended`.
 * - Token usage is counted the way ccusage counts it (its Claude adapter, v20): a line counts
 *   when it holds `"usage":{`, names no required field as null, carries a valid `timestamp` and
 *   `message.usage` with integer `input_tokens` and `output_tokens`; Claude Code writes one line
 *   per content block of a response, repeating its usage, so entries are de-duplicated by
 *   message id + request id (keeping the largest total, and the main conversation's entry over
 *   a sidechain replay of it), across every file of the upload. Each kept entry is an `llm.call`:
 *   input, output, cache creation → `cache_write_tokens`, cache read → `cache_read_tokens`.
 * - Each `tool_use` block is a `tool.call` (its `tool_result` gives `ok` and `duration_ms`).
 * - Sidechain (sub-agent) traffic carries its parent's `sessionId`, so it counts toward the
 *   same run.
 *
 * Ids derive from the source (`cc:<session>:<message id>:<request id>`, `cc:<session>:tool:<id>`,
 * `cc:<session>:start`), so importing the same transcripts again adds nothing. A line that is
 * not JSON is a problem naming its file and line.
 */
import type { ParsedItem } from '@/lib/events/parse';
import { parseRfc3339 } from '@/lib/events/validate';
import { isoUtc } from '@/lib/events/iso';
import {
  JsonLinesParser,
  isObject,
  str,
  toItem,
  type Line,
  type LineDecoder,
} from './lines';
import { skimJson } from './skim';
import { repoForPath } from './repo-map';
import type { ImportOptions } from './types';

export const CLAUDE_CODE_AGENT = 'claude-code';

/** One usage entry as ccusage reads it. */
interface UsageEntry {
  session: string;
  messageId: string | undefined;
  requestId: string | undefined;
  sidechain: boolean;
  fast: boolean;
  ts: number;
  model: string | undefined;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  costUsd: number | undefined;
  uuid: string | undefined;
  file: string | undefined;
  line: number;
}

interface ToolUse {
  session: string;
  id: string;
  name: string;
  ts: number;
  file: string | undefined;
  line: number;
}

interface Session {
  id: string;
  firstTs: number;
  firstFile: string | undefined;
  firstLine: number;
  cwd: string | undefined;
  cwdTs: number;
  /** gitBranch values with their times. */
  branches: { ts: number; branch: string }[];
  model: string | undefined;
  modelTs: number;
  version: string | undefined;
}

/** Fields ccusage refuses to see as null (the line is skipped). */
const NULL_FIELDS_RE =
  /"(?:id|cwd|model|speed|costUSD|version|sessionId|requestId|isApiErrorMessage|cache_read_input_tokens|cache_creation_input_tokens)":null/;
const SEMVER_PREFIX_RE = /^[0-9]+\.[0-9]+\.[0-9]/;
const DEFAULT_BRANCHES = new Set(['main', 'master']);

/**
 * Strings longer than this are emptied before parsing (lib/importers/skim.ts): tool results and
 * long texts, which the import never reads. Ids, names, models and versions are far shorter;
 * `cwd` and `gitBranch` are kept whatever their length.
 */
const SKIM_LIMIT = 256;
const SKIM_KEEP: ReadonlySet<string> = new Set(['cwd', 'gitBranch']);
const skim: LineDecoder = (buf, start, end) => skimJson(buf, start, end, SKIM_LIMIT, SKIM_KEEP);

export class ClaudeCodeParser extends JsonLinesParser {
  constructor(options: ImportOptions = {}) {
    super(options, skim);
  }

  private readonly sessions = new Map<string, Session>();
  private readonly usage: UsageEntry[] = [];
  private readonly tools = new Map<string, ToolUse>();
  private readonly results = new Map<string, { ok: boolean; ts: number }>();
  protected handleLine(l: Line, out: ParsedItem[]): void {
    const e = this.parseObjectLine(l, out, 'a Claude Code transcript');
    if (!e) return;
    const { line, text } = l;
    const session = str(e.sessionId) ?? sessionFromPath(this.sourceName);
    const ts = typeof e.timestamp === 'string' ? parseRfc3339(e.timestamp) : NaN;
    if (session === undefined || ts !== ts) return; // summaries, snapshots: no session or time
    const s = this.session(session, ts, line);
    if (typeof e.cwd === 'string' && e.cwd && ts < s.cwdTs) {
      s.cwd = e.cwd;
      s.cwdTs = ts;
    }
    if (typeof e.gitBranch === 'string' && e.gitBranch && e.gitBranch !== 'HEAD') s.branches.push({ ts, branch: e.gitBranch });
    if (typeof e.version === 'string' && !s.version) s.version = e.version;
    const message = e.message;
    if (!isObject(message)) return;
    if (typeof message.model === 'string' && message.model && message.model !== '<synthetic>' && ts < s.modelTs) {
      s.model = message.model;
      s.modelTs = ts;
    }
    if (text.includes('"usage":{') && !NULL_FIELDS_RE.test(text)) this.readUsage(e, message, session, ts, line);
    const content = message.content;
    if (!Array.isArray(content)) return;
    for (const block of content) {
      if (!isObject(block)) continue;
      if (block.type === 'tool_use' && typeof block.id === 'string' && block.id && typeof block.name === 'string' && block.name) {
        if (!this.tools.has(block.id)) this.tools.set(block.id, { session, id: block.id, name: block.name, ts, file: this.file, line });
      } else if (block.type === 'tool_result' && typeof block.tool_use_id === 'string' && !this.results.has(block.tool_use_id)) {
        this.results.set(block.tool_use_id, { ok: block.is_error !== true, ts });
      }
    }
  }

  private session(id: string, ts: number, line: number): Session {
    let s = this.sessions.get(id);
    if (!s) {
      s = {
        id,
        firstTs: ts,
        firstFile: this.file,
        firstLine: line,
        cwd: undefined,
        cwdTs: Infinity,
        branches: [],
        model: undefined,
        modelTs: Infinity,
        version: undefined,
      };
      this.sessions.set(id, s);
    } else if (ts < s.firstTs) {
      s.firstTs = ts;
      s.firstFile = this.file;
      s.firstLine = line;
    }
    return s;
  }

  /** ccusage's reading of one usage line (its serde schema and validity checks). */
  private readUsage(e: Record<string, unknown>, message: Record<string, unknown>, session: string, ts: number, line: number): void {
    const u = message.usage;
    if (!isObject(u)) return;
    const input = u64(u.input_tokens);
    const output = u64(u.output_tokens);
    if (input === undefined || output === undefined) return;
    const creationInput = optU64(u.cache_creation_input_tokens);
    const cacheRead = optU64(u.cache_read_input_tokens);
    if (creationInput === null || cacheRead === null) return;
    let cacheWrite = creationInput;
    if (u.cache_creation !== undefined && u.cache_creation !== null) {
      if (!isObject(u.cache_creation)) return;
      const m5 = optU64(u.cache_creation.ephemeral_5m_input_tokens);
      const h1 = optU64(u.cache_creation.ephemeral_1h_input_tokens);
      if (m5 === null || h1 === null) return;
      cacheWrite = m5 + h1;
    }
    if (u.speed !== undefined && u.speed !== null && u.speed !== 'standard' && u.speed !== 'fast') return;
    // Optional fields must have their type when present; empty ids and a non-semver version are skipped.
    if (!optNonEmpty(e.sessionId) || !optNonEmpty(e.requestId) || !optNonEmpty(message.id) || !optNonEmpty(message.model)) return;
    if (e.version !== undefined && e.version !== null && (typeof e.version !== 'string' || !SEMVER_PREFIX_RE.test(e.version))) return;
    if (e.costUSD !== undefined && e.costUSD !== null && typeof e.costUSD !== 'number') return;
    if (e.isSidechain !== undefined && e.isSidechain !== null && typeof e.isSidechain !== 'boolean') return;
    if (e.isApiErrorMessage !== undefined && e.isApiErrorMessage !== null && typeof e.isApiErrorMessage !== 'boolean') return;
    this.usage.push({
      session,
      messageId: str(message.id),
      requestId: str(e.requestId),
      sidechain: e.isSidechain === true,
      fast: u.speed === 'fast',
      ts,
      model: typeof message.model === 'string' ? message.model : undefined,
      input,
      output,
      cacheWrite,
      cacheRead,
      costUsd: typeof e.costUSD === 'number' && Number.isFinite(e.costUSD) && e.costUSD >= 0 ? e.costUSD : undefined,
      uuid: str(e.uuid),
      file: this.file,
      line,
    });
  }

  /** Sessions can span files (a resumed session), so runs are emitted once all are read. */
  protected finishInput(out: ParsedItem[]): void {
    const team = this.options.fixedTeam;
    const repoMap = this.options.repoMap ?? [];
    for (const s of this.sessions.values()) {
      const raw: Record<string, unknown> = {
        id: `cc:${s.id}:start`,
        type: 'run.started',
        ts: isoUtc(s.firstTs),
        run: s.id,
        agent: CLAUDE_CODE_AGENT,
      };
      if (s.model) raw.model = s.model;
      const repo = s.cwd ? repoForPath(s.cwd, repoMap, team) : undefined;
      if (repo) raw.repo = repo;
      const branch = pickBranch(s.branches);
      if (branch) raw.branch = branch;
      const attrs: Record<string, unknown> = {};
      if (s.cwd) attrs.cwd = s.cwd.length > 1024 ? s.cwd.slice(0, 1024) : s.cwd;
      if (s.version) attrs.claudeCodeVersion = s.version.slice(0, 64);
      if (Object.keys(attrs).length > 0) raw.attrs = attrs;
      out.push(toItem(raw, s.firstLine, team, s.firstFile));
    }
    for (const u of dedupeUsage(this.usage)) {
      const tokens = u.input + u.output + u.cacheWrite + u.cacheRead;
      if ((u.model === undefined || u.model === '<synthetic>') && tokens === 0) continue; // nothing to count
      const raw: Record<string, unknown> = {
        id: usageId(u),
        type: 'llm.call',
        ts: isoUtc(u.ts),
        run: u.session,
        agent: CLAUDE_CODE_AGENT,
        model: u.model ?? 'unknown',
        input_tokens: u.input,
        output_tokens: u.output,
        cache_read_tokens: u.cacheRead,
        cache_write_tokens: u.cacheWrite,
      };
      if (u.costUsd !== undefined) raw.cost_usd = u.costUsd;
      const attrs: Record<string, unknown> = {};
      if (u.requestId) attrs.requestId = u.requestId;
      if (u.sidechain) attrs.sidechain = true;
      if (u.fast) attrs.speed = 'fast';
      if (Object.keys(attrs).length > 0) raw.attrs = attrs;
      out.push(toItem(raw, u.line, team, u.file));
    }
    for (const t of this.tools.values()) {
      const raw: Record<string, unknown> = {
        id: `cc:${t.session}:tool:${t.id}`,
        type: 'tool.call',
        ts: isoUtc(t.ts),
        run: t.session,
        agent: CLAUDE_CODE_AGENT,
        tool: t.name,
      };
      const result = this.results.get(t.id);
      if (result) {
        raw.ok = result.ok;
        if (result.ts >= t.ts) raw.duration_ms = result.ts - t.ts;
      }
      out.push(toItem(raw, t.line, team, t.file));
    }
    this.sessions.clear();
    this.usage.length = 0;
    this.tools.clear();
    this.results.clear();
  }
}

/** Absent (or null), or a non-empty string. */
function optNonEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.length > 0);
}

function u64(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** An optional integer ≥ 0: its value, 0 when absent, null when present but not one. */
function optU64(v: unknown): number | null {
  if (v === undefined) return 0;
  return u64(v) ?? null;
}

function usageId(u: UsageEntry): string {
  if (u.messageId) return `cc:${u.session}:${u.messageId}:${u.requestId ?? '-'}`;
  if (u.uuid) return `cc:${u.session}:uuid:${u.uuid}`;
  return `cc:${u.session}:${u.file ?? ''}:${u.line}`;
}

/** The session of a transcript path: `<session>.jsonl`, or `<session>/subagents/<agent>.jsonl`. */
export function sessionFromPath(file: string | undefined): string | undefined {
  if (!file) return undefined;
  const parts = file.replace(/\\/g, '/').split('/').filter(Boolean);
  const name = parts[parts.length - 1] ?? '';
  if (parts.length >= 3 && parts[parts.length - 2] === 'subagents') return parts[parts.length - 3];
  const stem = name.endsWith('.jsonl') ? name.slice(0, -6) : '';
  return stem || undefined;
}

/** The branch the session worked on: the last one other than main/master, else the last one. */
function pickBranch(branches: { ts: number; branch: string }[]): string | undefined {
  if (branches.length === 0) return undefined;
  const sorted = [...branches].sort((a, b) => a.ts - b.ts);
  for (let i = sorted.length - 1; i >= 0; i--) if (!DEFAULT_BRANCHES.has(sorted[i].branch)) return sorted[i].branch;
  return sorted[sorted.length - 1].branch;
}

function total(u: UsageEntry): number {
  return u.input + u.output + u.cacheWrite + u.cacheRead;
}

/** ccusage's `should_replace_deduped_entry`. */
function shouldReplace(candidate: UsageEntry, existing: UsageEntry): boolean {
  if (candidate.sidechain !== existing.sidechain) return existing.sidechain;
  const c = total(candidate);
  const e = total(existing);
  if (c !== e) return c > e;
  return candidate.fast && !existing.fast;
}

/**
 * ccusage's de-duplication, entries in file order: by message id + request id; failing that, by
 * message id alone when either side is a sidechain entry (a sub-agent replaying its parent's
 * messages under new request ids). Entries without a message id are all kept.
 */
export function dedupeUsage<T extends UsageEntry>(entries: readonly T[]): T[] {
  const kept: T[] = [];
  const exact = new Map<string, number[]>();
  const byMessage = new Map<string, number[]>();
  const index = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key);
    if (!list) map.set(key, [i]);
    else if (!list.includes(i)) list.push(i);
  };
  for (const e of entries) {
    const msg = e.messageId;
    if (msg === undefined) {
      kept.push(e);
      continue;
    }
    const key = `${msg}\u0000${e.requestId ?? '\u0001'}`;
    let at = exact.get(key)?.find((i) => kept[i].messageId === msg && kept[i].requestId === e.requestId);
    if (at === undefined) at = byMessage.get(msg)?.find((i) => kept[i].messageId === msg && (e.sidechain || kept[i].sidechain));
    if (at !== undefined) {
      if (shouldReplace(e, kept[at])) {
        kept[at] = e;
        index(exact, key, at);
        index(byMessage, msg, at);
      }
      continue;
    }
    const i = kept.length;
    kept.push(e);
    index(exact, key, i);
    index(byMessage, msg, i);
  }
  return kept;
}
