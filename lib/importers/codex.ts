/**
 * Codex CLI rollouts (`~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<session id>.jsonl`) →
 * events-v1. Each line is `{"timestamp", "type", "payload"}` (codex-rs protocol `RolloutLine`):
 *
 * - `session_meta` (the first line): the session is a run, `run.started` with `agent: codex`,
 *   the repository from `git.repository_url` (else the working directory through the team's
 *   repo mapping) and the branch from `git.branch`.
 * - `turn_context`: the model of the turns that follow.
 * - `event_msg` / `token_count`: one `llm.call` with the turn's usage, `info.last_token_usage`
 *   (not the cumulative `total_token_usage`; without `last`, the difference of the totals).
 *   A token count whose cumulative total did not move since the previous one (Codex repeats
 *   it, e.g. on a rate-limit update) adds nothing. OpenAI's `input_tokens` include the cached
 *   ones: `cache_read_tokens` = `cached_input_tokens`, `input_tokens` = the rest; reasoning
 *   tokens are part of `output_tokens`.
 * - `response_item` function / custom tool / local shell calls: `tool.call`; the matching
 *   output or `exec_command_end` gives `ok` (exit code 0) and `duration_ms`. A
 *   `web_search_call` (the Responses API's hosted search; codex-rs records it as the
 *   `web_search` tool) is a `tool.call` `web_search`, ok unless its status is `failed`.
 * - A forked or spawned session's rollout copies its parent's history right after its own
 *   `session_meta`: the parent's `session_meta` (a session other than the file's), then the
 *   parent's lines, persisted as-is when the fork is made and so stamped with that instant.
 *   Those lines are the parent's calls, already counted in the parent's run: from a foreign
 *   `session_meta` on, lines stamped within FORK_COPY_WINDOW_MS of the fork (or before the
 *   child's start) add no `llm.call` and no `tool.call`; their token totals still seed the
 *   differences of the child's own counts. The copy ends at the first line stamped later.
 * - Without `session_meta`, the session id is the one in the file's name.
 * - `codex exec --json` output (`thread.started`, ...) is read by lib/importers/codex-exec.ts.
 *
 * Ids derive from the source (`codex:<session>:tokens:<cumulative total>`,
 * `codex:<session>:tool:<call id>`, `codex:<session>:web_search:<time>:<k>`), so a re-import
 * adds nothing. A file with Codex lines but no session to name is a problem, never a silent
 * "0 accepted".
 */
import type { ParsedItem } from '@/lib/events/parse';
import { parseRfc3339 } from '@/lib/events/validate';
import { isoUtc } from '@/lib/events/iso';
import {
  JsonLinesParser,
  count,
  isObject,
  problemItem,
  str,
  toItem,
  type Line,
} from './lines';
import { CodexExecFile, EXEC_EVENT_TYPES } from './codex-exec';
import { repoForPath } from './repo-map';

export const CODEX_AGENT = 'codex';
const UNKNOWN_MODEL = 'unknown';
/** How long after a fork its copy of the parent's history may still be being written. */
export const FORK_COPY_WINDOW_MS = 2000;

interface Usage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  total: number;
}

interface ToolCall {
  id: string;
  name: string;
  ts: number;
  line: number;
  ok?: boolean;
  durationMs?: number;
}

/** Per-file state: a rollout file is one session. */
interface FileState {
  session: string | undefined;
  startTs: number;
  startLine: number;
  cwd: string | undefined;
  repo: string | undefined;
  branch: string | undefined;
  model: string | undefined;
  firstModel: string | undefined;
  previousTotal: Usage | undefined;
  tools: Map<string, ToolCall>;
  /** Outcomes seen before their call (never in practice, but order is not promised). */
  outcomes: Map<string, { ok?: boolean; durationMs?: number }>;
  /** Web searches by time: they carry no id, so the k-th one at a time is named by both. */
  searches: Map<number, number>;
  /** Inside a copy of a parent's history (a fork), until this time; NaN when not (any more). */
  copyUntil: number;
  copySeen: boolean;
  /** Lines of the rollout envelope (`{timestamp, type, payload}`) read. */
  rolloutLines: number;
  /** The first rollout line's time and number. */
  firstLineTs: number;
  firstLine: number;
  exec: CodexExecFile | null;
}

export class CodexParser extends JsonLinesParser {
  private state: FileState = newState();

  /** A rollout file is one session: its run.started and tool calls are complete at its end. */
  protected finishFile(out: ParsedItem[]): void {
    const s = this.state;
    const team = this.options.fixedTeam;
    s.exec?.finish(out);
    if (s.session === undefined && s.firstLineTs === s.firstLineTs) this.session(s.firstLineTs, s.firstLine);
    if (s.session === undefined && s.rolloutLines > 0 && !s.exec) {
      out.push(problemItem(1, '', 'no session in this file: a Codex rollout starts with a session_meta line, or is named rollout-…-<session id>.jsonl', this.file));
    }
    if (s.session !== undefined && s.startTs === s.startTs) {
      const raw: Record<string, unknown> = {
        id: `codex:${s.session}:start`,
        type: 'run.started',
        ts: isoUtc(s.startTs),
        run: s.session,
        agent: CODEX_AGENT,
      };
      if (s.firstModel) raw.model = s.firstModel;
      const repo = s.repo ?? (s.cwd ? repoForPath(s.cwd, this.options.repoMap ?? [], team) : undefined);
      if (repo) raw.repo = repo;
      if (s.branch) raw.branch = s.branch;
      if (s.cwd) raw.attrs = { cwd: s.cwd.slice(0, 1024) };
      out.push(toItem(raw, s.startLine, team, this.file));
      for (const t of s.tools.values()) {
        const tool: Record<string, unknown> = {
          id: `codex:${s.session}:tool:${t.id}`,
          type: 'tool.call',
          ts: isoUtc(t.ts),
          run: s.session,
          agent: CODEX_AGENT,
          tool: t.name,
        };
        if (t.ok !== undefined) tool.ok = t.ok;
        if (t.durationMs !== undefined) tool.duration_ms = t.durationMs;
        out.push(toItem(tool, t.line, team, this.file));
      }
    }
    this.state = newState();
  }

  protected handleLine(l: Line, out: ParsedItem[]): void {
    const e = this.parseObjectLine(l, out, 'a Codex rollout');
    if (!e) return;
    const { line, text } = l;
    const s = this.state;
    if (typeof e.type === 'string' && EXEC_EVENT_TYPES.has(e.type) && !('payload' in e)) {
      s.exec ??= new CodexExecFile(this.options.fixedTeam, this.file);
      s.exec.line(e, text, line, out);
      return;
    }
    const ts = typeof e.timestamp === 'string' ? parseRfc3339(e.timestamp) : NaN;
    const payload = e.payload;
    if (!isObject(payload)) return; // older rollouts without the envelope carry no usage
    s.rolloutLines++;
    if (s.firstLineTs !== s.firstLineTs && ts === ts) {
      s.firstLineTs = ts;
      s.firstLine = line;
    }
    if (s.copyUntil === s.copyUntil && !(ts <= s.copyUntil)) s.copyUntil = NaN; // the copy is over
    switch (e.type) {
      case 'session_meta': {
        if (s.session !== undefined) {
          // Another session's meta: a fork's copy of its parent's history begins (once).
          const other = str(payload.id);
          if (other && other !== s.session && !s.copySeen && ts === ts) {
            s.copySeen = true;
            s.copyUntil = Math.max(ts, s.startTs === s.startTs ? s.startTs : ts) + FORK_COPY_WINDOW_MS;
          }
          return;
        }
        const id = str(payload.id) ?? sessionFromPath(this.sourceName);
        if (!id) {
          out.push(problemItem(line, 'payload.id', 'session_meta without a session id', this.file));
          return;
        }
        s.session = id;
        const started = typeof payload.timestamp === 'string' ? parseRfc3339(payload.timestamp) : NaN;
        s.startTs = started === started ? started : ts;
        s.startLine = line;
        s.cwd = str(payload.cwd);
        if (isObject(payload.git)) {
          s.repo = repoFromUrl(payload.git.repository_url);
          s.branch = str(payload.git.branch);
        }
        return;
      }
      case 'turn_context': {
        const model = str(payload.model);
        if (model) {
          s.model = model;
          if (!this.inCopy()) s.firstModel ??= model;
        }
        if (!s.cwd) s.cwd = str(payload.cwd);
        return;
      }
      case 'response_item':
        if (!this.inCopy()) this.responseItem(payload, ts, line);
        return;
      case 'event_msg':
        if (payload.type === 'token_count') this.tokenCount(payload, ts, line, out);
        else if (payload.type === 'exec_command_end' && typeof payload.call_id === 'string' && !this.inCopy()) {
          this.outcome(payload.call_id, { ok: typeof payload.exit_code === 'number' ? payload.exit_code === 0 : undefined, durationMs: durationMs(payload.duration) });
        }
        return;
      default:
        return;
    }
  }

  /** Whether the line being read is part of a fork's copy of its parent's history. */
  private inCopy(): boolean {
    return this.state.copyUntil === this.state.copyUntil;
  }

  private session(ts: number, line: number): string | undefined {
    const s = this.state;
    if (s.session === undefined) {
      const id = sessionFromPath(this.sourceName);
      if (!id || ts !== ts) return undefined;
      // No session_meta: the session started with the file's first line.
      s.session = id;
      s.startTs = s.firstLineTs === s.firstLineTs ? s.firstLineTs : ts;
      s.startLine = s.firstLineTs === s.firstLineTs ? s.firstLine : line;
    }
    return s.session;
  }

  private tokenCount(payload: Record<string, unknown>, ts: number, line: number, out: ParsedItem[]): void {
    const info = payload.info;
    if (!isObject(info)) return; // a rate-limit update only
    const session = this.session(ts, line);
    if (session === undefined) {
      out.push(problemItem(line, '', 'token_count before any session_meta line, in a file not named rollout-…-<session id>.jsonl', this.file));
      return;
    }
    if (ts !== ts) {
      out.push(problemItem(line, 'timestamp', 'token_count without a valid timestamp', this.file));
      return;
    }
    const s = this.state;
    const total = readUsage(info.total_token_usage);
    let last = readUsage(info.last_token_usage);
    if (total && s.previousTotal && sameUsage(total, s.previousTotal)) return; // repeated, nothing new
    if (!last && total) last = subtract(total, s.previousTotal);
    if (total) s.previousTotal = total;
    if (!last || this.inCopy()) return;
    if (last.input === 0 && last.cached === 0 && last.output === 0 && last.reasoning === 0) return;
    const model = str(info.model) ?? str(payload.model) ?? s.model;
    if (model) s.firstModel ??= model;
    const cached = Math.min(last.cached, last.input);
    const raw: Record<string, unknown> = {
      id: total ? `codex:${session}:tokens:${total.total}` : `codex:${session}:line:${line}`,
      type: 'llm.call',
      ts: isoUtc(ts),
      run: session,
      agent: CODEX_AGENT,
      model: model ?? UNKNOWN_MODEL,
      input_tokens: last.input - cached,
      output_tokens: last.output,
      cache_read_tokens: cached,
    };
    if (last.reasoning > 0) raw.attrs = { reasoning_output_tokens: last.reasoning };
    out.push(toItem(raw, line, this.options.fixedTeam, this.file));
  }

  private responseItem(p: Record<string, unknown>, ts: number, line: number): void {
    const callId = str(p.call_id) ?? str(p.id);
    switch (p.type) {
      case 'function_call':
      case 'custom_tool_call':
      case 'local_shell_call': {
        if (!callId || ts !== ts || this.session(ts, line) === undefined) return;
        const name = p.type === 'local_shell_call' ? 'local_shell' : str(p.name);
        if (!name || this.state.tools.has(callId)) return;
        const call: ToolCall = { id: callId, name, ts, line };
        const seen = this.state.outcomes.get(callId);
        if (seen) Object.assign(call, seen);
        this.state.tools.set(callId, call);
        return;
      }
      case 'web_search_call': {
        if (ts !== ts || this.session(ts, line) === undefined) return;
        const k = (this.state.searches.get(ts) ?? 0) + 1;
        this.state.searches.set(ts, k);
        const id = `web_search:${isoUtc(ts)}:${k}`;
        this.state.tools.set(id, { id, name: 'web_search', ts, line, ok: p.status !== 'failed' });
        return;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        if (!callId) return;
        const exit = exitCode(p.output);
        const call = this.state.tools.get(callId);
        const durationMs = call && ts === ts && ts >= call.ts ? ts - call.ts : undefined;
        this.outcome(callId, { ok: exit === undefined ? undefined : exit === 0, durationMs });
        return;
      }
      default:
        return;
    }
  }

  /** Records what became of a call; the first word on each of `ok` and duration stands. */
  private outcome(callId: string, o: { ok?: boolean; durationMs?: number }): void {
    const call = this.state.tools.get(callId);
    const target = call ?? this.state.outcomes.get(callId) ?? {};
    if (target.ok === undefined && o.ok !== undefined) target.ok = o.ok;
    if (target.durationMs === undefined && o.durationMs !== undefined) target.durationMs = o.durationMs;
    if (!call) this.state.outcomes.set(callId, target);
  }
}

function newState(): FileState {
  return {
    session: undefined,
    startTs: NaN,
    startLine: 1,
    cwd: undefined,
    repo: undefined,
    branch: undefined,
    model: undefined,
    firstModel: undefined,
    previousTotal: undefined,
    tools: new Map(),
    outcomes: new Map(),
    searches: new Map(),
    copyUntil: NaN,
    copySeen: false,
    rolloutLines: 0,
    firstLineTs: NaN,
    firstLine: 1,
    exec: null,
  };
}

function readUsage(v: unknown): Usage | undefined {
  if (!isObject(v)) return undefined;
  const input = count(v.input_tokens);
  const output = count(v.output_tokens);
  const u: Usage = {
    input,
    cached: count(v.cached_input_tokens),
    output,
    reasoning: count(v.reasoning_output_tokens),
    total: count(v.total_tokens) || input + output,
  };
  return u;
}

function sameUsage(a: Usage, b: Usage): boolean {
  return a.input === b.input && a.cached === b.cached && a.output === b.output && a.reasoning === b.reasoning && a.total === b.total;
}

function subtract(total: Usage, previous: Usage | undefined): Usage {
  if (!previous) return total;
  const d = (x: number, y: number) => Math.max(0, x - y);
  return {
    input: d(total.input, previous.input),
    cached: d(total.cached, previous.cached),
    output: d(total.output, previous.output),
    reasoning: d(total.reasoning, previous.reasoning),
    total: d(total.total, previous.total),
  };
}

/** `{"secs": 1, "nanos": 5e8}` or a number of milliseconds. */
function durationMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.round(v);
  if (isObject(v) && typeof v.secs === 'number') {
    const ms = v.secs * 1000 + (typeof v.nanos === 'number' ? v.nanos / 1e6 : 0);
    return Number.isFinite(ms) && ms >= 0 ? Math.round(ms) : undefined;
  }
  return undefined;
}

/** The exit code in a function call's output (`{"output": "...", "metadata": {"exit_code": 0}}`), if any. */
function exitCode(output: unknown): number | undefined {
  let v: unknown = output;
  if (typeof v === 'string') {
    if (!v.startsWith('{')) return undefined;
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (isObject(v) && isObject(v.metadata) && typeof v.metadata.exit_code === 'number') return v.metadata.exit_code;
  return undefined;
}

/** `rollout-2025-09-10T18-03-56-<uuid>.jsonl` → `<uuid>`. */
export function sessionFromPath(file: string | undefined): string | undefined {
  if (!file) return undefined;
  const name = file.replace(/\\/g, '/').split('/').pop() ?? '';
  const m = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i.exec(name);
  return m ? m[1] : undefined;
}

/** `https://github.com/acme/api.git`, `git@github.com:acme/api.git` → `acme/api`. */
export function repoFromUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || !url) return undefined;
  const m = /^(?:[a-z+]+:\/\/(?:[^@/]+@)?[^/]+\/|[^@\s]+@[^:\s]+:)([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : undefined;
}
