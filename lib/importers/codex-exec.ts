/**
 * `codex exec --json` output → events-v1 (codex-rs `exec/src/exec_events.rs`, `ThreadEvent`):
 * one JSON object a line, `thread.started` (`thread_id`), `turn.started`, `item.started` /
 * `item.updated` / `item.completed` (`item`: `{id, type, ...}`), `turn.completed` (`usage`),
 * `turn.failed`, `error`.
 *
 * - The thread is a run. The output carries no times, but codex-rs makes thread ids with
 *   UUIDv7, whose first 48 bits are the Unix time in milliseconds of the thread's start: every
 *   event of the file is at that time. A thread id that is not a UUIDv7 is a problem (the
 *   output cannot be dated).
 * - `turn.completed` `usage` is the thread's running total (exec's `usage_from_last_total`):
 *   each one is an `llm.call` with the increase over the previous one in the file. Input
 *   includes the cached tokens, as in rollouts. Its id carries the cumulative total, so a
 *   re-import adds nothing.
 * - Items that call a tool are `tool.call`s, named as the rollouts name them: a
 *   `command_execution` is `shell` (ok: exit code 0), a `file_change` `apply_patch`, an
 *   `mcp_tool_call` `mcp__<server>__<tool>`, a `web_search` `web_search`, a
 *   `collab_tool_call` its tool (`spawn_agent`, ...). Item ids (`item_0`, ...) restart in
 *   every exec process, so a tool call's id adds a hash of the item's final state.
 * - The file's last turn ends the run: `turn.completed` → `run.ended` `finished`,
 *   `turn.failed` → `failed`.
 *
 * A resumed thread's output (`codex exec resume`) reports the whole thread's total, earlier
 * runs included, and cannot tell what they used: import the rollout for such threads.
 */
import { createHash } from 'node:crypto';
import type { ParsedItem } from '@/lib/events/parse';
import { isoUtc } from '@/lib/events/iso';
import { count, isObject, problemItem, str, toItem } from './lines';

export const EXEC_EVENT_TYPES = new Set([
  'thread.started',
  'turn.started',
  'turn.completed',
  'turn.failed',
  'item.started',
  'item.updated',
  'item.completed',
  'item.plan.delta',
  'request_user_input',
  'error',
]);

interface ExecUsage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

interface ExecItem {
  key: string;
  tool: string;
  ok: boolean | undefined;
  line: number;
}

const UUID_V7_RE = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The start time of a UUIDv7 (its first 48 bits), or undefined. */
export function uuidV7Time(id: string): number | undefined {
  const m = UUID_V7_RE.exec(id);
  return m ? parseInt(m[1] + m[2], 16) : undefined;
}

/** The tool an exec item calls, or undefined for items that call none (messages, reasoning, plans). */
function toolOf(item: Record<string, unknown>): { tool: string; ok: boolean | undefined } | undefined {
  const status = str(item.status);
  const done = status === undefined || status === 'in_progress' ? undefined : status === 'completed';
  switch (item.type) {
    case 'command_execution':
      return { tool: 'shell', ok: typeof item.exit_code === 'number' ? item.exit_code === 0 : done };
    case 'file_change':
      return { tool: 'apply_patch', ok: done };
    case 'mcp_tool_call':
      return { tool: `mcp__${str(item.server) ?? 'unknown'}__${str(item.tool) ?? 'unknown'}`, ok: done };
    case 'web_search':
      return { tool: 'web_search', ok: done ?? true };
    case 'collab_tool_call':
      return { tool: str(item.tool) ?? 'collab', ok: done };
    default:
      return undefined;
  }
}

/** One file of exec output. */
export class CodexExecFile {
  private thread: string | undefined;
  private start: number | undefined;
  private startLine = 1;
  private previous: ExecUsage = { input: 0, cached: 0, output: 0, reasoning: 0 };
  private readonly calls: { line: number; usage: ExecUsage; total: number }[] = [];
  private readonly items = new Map<string, ExecItem>();
  private outcome: { status: 'finished' | 'failed'; line: number } | undefined;
  private undated = false;

  constructor(
    private readonly fixedTeam: string | undefined,
    private readonly file: string | undefined,
  ) {}

  get threadId(): string | undefined {
    return this.thread;
  }

  line(e: Record<string, unknown>, text: string, line: number, out: ParsedItem[]): void {
    switch (e.type) {
      case 'thread.started': {
        if (this.thread !== undefined) return;
        const id = str(e.thread_id);
        if (!id) {
          out.push(problemItem(line, 'thread_id', 'thread.started without a thread id', this.file));
          return;
        }
        this.thread = id;
        this.startLine = line;
        this.start = uuidV7Time(id);
        if (this.start === undefined) {
          this.undated = true;
          out.push(problemItem(line, 'thread_id', `codex exec output carries no times, and thread id '${id.slice(0, 60)}' is not a UUIDv7 (whose first bits are its start): import the session's rollout (~/.codex/sessions) instead`, this.file));
        }
        return;
      }
      case 'turn.completed': {
        const u = isObject(e.usage) ? e.usage : {};
        const total: ExecUsage = { input: count(u.input_tokens), cached: count(u.cached_input_tokens), output: count(u.output_tokens), reasoning: count(u.reasoning_output_tokens) };
        const d = (x: number, y: number) => Math.max(0, x - y);
        const p = this.previous;
        const usage = { input: d(total.input, p.input), cached: d(total.cached, p.cached), output: d(total.output, p.output), reasoning: d(total.reasoning, p.reasoning) };
        this.previous = total;
        if (usage.input + usage.output + usage.cached > 0) this.calls.push({ line, usage, total: total.input + total.output });
        this.outcome = { status: 'finished', line };
        return;
      }
      case 'turn.failed':
        this.outcome = { status: 'failed', line };
        return;
      case 'item.started':
      case 'item.updated':
      case 'item.completed': {
        if (!isObject(e.item)) return;
        const id = str(e.item.id);
        const called = toolOf(e.item);
        if (!id || !called) return;
        const known = this.items.get(id);
        // The item's final state names the call: a hash of its line keeps ids of later exec runs of the thread apart.
        const key = e.type === 'item.completed' || !known ? `${id}:${createHash('sha256').update(text).digest('hex').slice(0, 12)}` : known.key;
        this.items.set(id, { key, tool: called.tool, ok: called.ok ?? known?.ok, line: known?.line ?? line });
        return;
      }
      default:
        return;
    }
  }

  finish(out: ParsedItem[]): void {
    const thread = this.thread;
    if (thread === undefined || this.undated || this.start === undefined) return;
    const ts = isoUtc(this.start);
    const base = { run: thread, agent: 'codex', ts };
    out.push(toItem({ id: `codex:${thread}:start`, type: 'run.started', ...base }, this.startLine, this.fixedTeam, this.file));
    for (const c of this.calls) {
      const cached = Math.min(c.usage.cached, c.usage.input);
      const raw: Record<string, unknown> = {
        id: `codex:${thread}:exec-turn:${c.total}`,
        type: 'llm.call',
        ...base,
        model: 'unknown',
        input_tokens: c.usage.input - cached,
        output_tokens: c.usage.output,
        cache_read_tokens: cached,
      };
      if (c.usage.reasoning > 0) raw.attrs = { reasoning_output_tokens: c.usage.reasoning };
      out.push(toItem(raw, c.line, this.fixedTeam, this.file));
    }
    for (const item of this.items.values()) {
      const raw: Record<string, unknown> = { id: `codex:${thread}:exec-tool:${item.key}`, type: 'tool.call', ...base, tool: item.tool };
      if (item.ok !== undefined) raw.ok = item.ok;
      out.push(toItem(raw, item.line, this.fixedTeam, this.file));
    }
    if (this.outcome) {
      out.push(toItem({ id: `codex:${thread}:exec-ended`, type: 'run.ended', ...base, status: this.outcome.status }, this.outcome.line, this.fixedTeam, this.file));
    }
  }
}
