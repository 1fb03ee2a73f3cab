/**
 * A hook request (`POST /api/v1/hooks/claude-code`, `/codex`) → events-v1. The body is one
 * line of the hook's JSON (what the agent gives the hook command on standard input), then the
 * session's transcript as it is on disk, verbatim (a Claude Code transcript and its
 * sub-agents' files, a Codex rollout), possibly nothing more: see docs/hooks.md for the
 * command that sends it.
 *
 * - The hook JSON: Claude Code's and Codex's hooks give `session_id`, `transcript_path`, `cwd`,
 *   `hook_event_name` (`SessionStart`, `Stop`, `SessionEnd`, ...) and, at `SessionEnd`,
 *   `reason`; Codex's `notify` program gets `{"type": "agent-turn-complete", "thread-id", "cwd"}`
 *   instead (taken as a `Stop`). A first line that is not such an object is a problem on line 1
 *   (file `hook`), and the rest is not read.
 * - The transcript goes through the agent's own importer (lib/importers/claude-code.ts,
 *   codex.ts), so the session is the run of the same id as a transcript import or the agent's
 *   telemetry gives it, and re-sending a growing transcript adds only its new events: their ids
 *   derive from the content. Problems name the transcript's file and its own line numbers.
 * - Claude Code's `run.started` takes its branch from the transcript's `gitBranch` (the last
 *   branch other than main/master) and is stored once: until the session ends it is only sent
 *   once the session is on a branch other than main/master (or HEAD), so that an early request,
 *   before the agent made its branch, does not fix the run to main and keep it from linking to
 *   its pull request.
 * - At `SessionEnd`: `run.ended` with status `finished` (the session ended with no verdict) at
 *   the time the server received the request (never before the transcript's last event).
 */
import type { EventParser, ParsedItem } from '@/lib/events/parse';
import { ClaudeCodeParser } from './claude-code';
import { CodexParser } from './codex';
import { isoUtc } from '@/lib/events/iso';
import { isObject, jsonError, problemItem, str, toItem } from './lines';
import type { HookAgent, ImportOptions } from './types';

/** The file name problems of the hook line carry. */
export const HOOK_LINE_FILE = 'hook';
/** Longest hook line: Claude Code's Stop input carries the last assistant message. */
export const MAX_HOOK_LINE_BYTES = 4 * 1024 * 1024;
const DEFAULT_BRANCHES = new Set(['main', 'master', 'HEAD']);

export interface HookInput {
  session: string;
  event: string;
  transcriptPath: string | undefined;
  reason: string | undefined;
}

/** Reads the hook's JSON; a string is the problem with it. */
export function readHookInput(value: unknown): HookInput | string {
  if (!isObject(value)) return 'the first line must be the hook input, a JSON object';
  if (value.type === 'agent-turn-complete') {
    const thread = str(value['thread-id']);
    if (!thread) return "a Codex notification needs its 'thread-id'";
    return { session: thread, event: 'Stop', transcriptPath: undefined, reason: undefined };
  }
  const session = str(value.session_id);
  if (!session) return "the hook input has no 'session_id'";
  const event = str(value.hook_event_name);
  if (!event) return "the hook input has no 'hook_event_name'";
  return { session, event, transcriptPath: str(value.transcript_path), reason: str(value.reason) };
}

export class HookParser implements EventParser {
  private head: Buffer[] = [];
  private headBytes = 0;
  private hook: HookInput | null = null;
  /** Set once the first line was read and found wrong: nothing more is read. */
  private refused = false;
  private transcript: ClaudeCodeParser | CodexParser | null = null;
  /** Claude Code's run.started, held to the end. */
  private readonly starts: ParsedItem[] = [];
  /** The session's latest event so far. */
  private lastTs = -Infinity;

  constructor(
    private readonly hookAgent: HookAgent,
    private readonly options: ImportOptions = {},
  ) {}

  push(chunk: Uint8Array | string): ParsedItem[] {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.refused) return [];
    if (this.transcript) return this.take(this.transcript.push(buf));
    const nl = buf.indexOf(0x0a);
    if (nl < 0) {
      this.headBytes += buf.length;
      if (this.headBytes > MAX_HOOK_LINE_BYTES) return this.refuse(`the hook input line is longer than ${MAX_HOOK_LINE_BYTES} bytes`);
      this.head.push(Buffer.from(buf));
      return [];
    }
    this.head.push(buf.subarray(0, nl));
    const out = this.readHook();
    const transcript = this.transcript as ClaudeCodeParser | CodexParser | null; // set by readHook unless refused
    if (transcript && nl + 1 < buf.length) out.push(...this.take(transcript.push(buf.subarray(nl + 1))));
    return out;
  }

  end(): ParsedItem[] {
    if (this.refused) return [];
    const out = this.transcript ? [] : this.readHook();
    if (!this.transcript || !this.hook) return out;
    out.push(...this.take(this.transcript.end()));
    return [...out, ...this.finish()];
  }

  private refuse(message: string, field = ''): ParsedItem[] {
    this.refused = true;
    this.head = [];
    return [problemItem(1, field, message, HOOK_LINE_FILE)];
  }

  private readHook(): ParsedItem[] {
    const text = Buffer.concat(this.head).toString('utf8').replace(/^\uFEFF/, '').trim();
    this.head = [];
    if (text === '') return this.refuse('the body is empty: its first line must be the hook input (JSON)');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return this.refuse(jsonError(err));
    }
    const hook = readHookInput(value);
    if (typeof hook === 'string') return this.refuse(hook);
    this.hook = hook;
    // The transcript's problems name it; its session falls back to the id in its name.
    const name = hook.transcriptPath ?? `${hook.session}.jsonl`;
    const options = { ...this.options, fileName: undefined };
    this.transcript = this.hookAgent === 'claude-code' ? new ClaudeCodeParser(options) : new CodexParser(options);
    return this.take(this.transcript.startFile(name));
  }

  /** Passes events on as they come, but a Claude Code run.started, kept or dropped once the session's state is known. */
  private take(items: ParsedItem[]): ParsedItem[] {
    const out: ParsedItem[] = [];
    for (const item of items) {
      const e = item.event;
      if (!e) out.push(item);
      else {
        if (e.run === this.hook?.session && e.ts > this.lastTs) this.lastTs = e.ts;
        (this.hookAgent === 'claude-code' && e.type === 'run.started' ? this.starts : out).push(item);
      }
    }
    return out;
  }

  private finish(): ParsedItem[] {
    const hook = this.hook!;
    const ended = hook.event === 'SessionEnd';
    const out = this.starts.splice(0).filter((item) => ended || (!!item.event!.branch && !DEFAULT_BRANCHES.has(item.event!.branch)));
    if (ended) {
      const at = Math.max(this.options.receivedAt ?? this.lastTs, this.lastTs);
      if (Number.isFinite(at)) {
        const raw: Record<string, unknown> = { id: `hook:${this.hookAgent}:${hook.session}:ended`, type: 'run.ended', ts: isoUtc(at), run: hook.session, agent: this.hookAgent, status: 'finished' };
        if (hook.reason) raw.attrs = { reason: hook.reason.slice(0, 200) };
        out.push(toItem(raw, 1, this.options.fixedTeam, HOOK_LINE_FILE));
      }
    }
    return out;
  }
}
