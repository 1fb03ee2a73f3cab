/**
 * OTLP log records → events-v1: the log events the coding agents export (docs/telemetry.md has
 * what each sends and where that was read):
 *
 * | agent | run | llm.call | tool.call | iteration |
 * |---|---|---|---|---|
 * | Claude Code | `session.id` | `claude_code.api_request` | `claude_code.tool_result` | `claude_code.user_prompt` |
 * | Codex | `conversation.id` | `codex.sse_event` of kind `response.completed` | `codex.tool_result` | `codex.user_prompt` |
 * | Gemini CLI | `session.id` | `gemini_cli.api_response` | `gemini_cli.tool_call` | `gemini_cli.user_prompt` |
 *
 * Token counts, to events-v1's disjoint input / cache read / cache write / output:
 * - Claude Code: Anthropic's counts, already disjoint; `cost_usd` is kept.
 * - Codex: OpenAI's input includes the cached tokens (taken out); reasoning is part of the output.
 * - Gemini CLI: `input_token_count` (the prompt) includes `cached_content_token_count` (taken
 *   out) but not `tool_token_count` (tool-use prompt, added); the output is
 *   `output_token_count` + `thoughts_token_count` (thinking is billed as output).
 *
 * Each session's first record in a request also gives a `run.started` (`agent`, no repository:
 * the agents do not export one), with an id fixed per session, so only the first request's
 * counts. Ids otherwise come from the record: the agent's own ids where it has them (Claude
 * Code's `tool_use_id` and `request_id`, Codex's `call_id`, the same tool-call ids their
 * transcript importers use), else a hash of the record, so a re-sent export adds nothing. Other
 * log records (other agents, other events) are accepted and add nothing.
 */
import { createHash } from 'node:crypto';
import { isoUtc } from '@/lib/events/iso';
import { agentOf, CLAUDE_CODE, CODEX, GEMINI_CLI } from './otlp-agents';
import type { RecordResult } from './otlp-spans';
import type { RecordContext } from '@/lib/otlp/stream';
import { attributes, boolOf, intOf, nanosToMs, numberOf, strOf, type Attrs } from '@/lib/otlp/values';

const NOTHING: RecordResult = { events: [] };
const PREFIXES: Record<string, string> = { [CLAUDE_CODE]: 'claude_code.', [CODEX]: 'codex.', [GEMINI_CLI]: 'gemini_cli.' };
/** Id prefixes, as the transcript importers have them (cc: lib/importers/claude-code.ts, codex: codex.ts). */
const ID_PREFIX: Record<string, string> = { [CLAUDE_CODE]: 'cc', [CODEX]: 'codex', [GEMINI_CLI]: 'gemini' };

interface LogRecordView {
  name: string;
  ts: number;
  attrs: Attrs;
  /** Stable over re-sends of the same record. */
  hash: string;
}

export class LogMapper {
  /** Sessions given a run.started in this request. */
  private readonly started = new Set<string>();

  map(value: unknown, context: RecordContext): RecordResult {
    if (typeof value !== 'object' || value === null) return { problem: { field: '', message: 'not an object' } };
    const agent = agentOf(context.resource);
    const rec = value as Record<string, unknown>;
    const attrs = attributes(rec.attributes);
    const name = eventName(rec, attrs, agent);
    const known = name ? knownAgentOf(name) : undefined;
    if (!known) return NOTHING;
    const ts = timeOf(rec, attrs);
    if (ts === undefined) return { problem: { field: 'timeUnixNano', message: 'the record has no time (timeUnixNano, observedTimeUnixNano or event.timestamp)' } };
    const view: LogRecordView = { name: name!, ts, attrs, hash: recordHash(rec, name!) };
    const run = strOf(attrs.get(known === CODEX ? 'conversation.id' : 'session.id'));
    const events = known === CLAUDE_CODE ? claudeCode(view) : known === CODEX ? codex(view) : geminiCli(view);
    if (events.length === 0) return NOTHING;
    if (!run) return { problem: { field: 'attributes', message: `${name} has no ${known === CODEX ? 'conversation.id' : 'session.id'}: it names no run` } };
    const prefix = `${ID_PREFIX[known]}:${run}`;
    const out: Record<string, unknown>[] = [];
    if (!this.started.has(run)) {
      this.started.add(run);
      out.push({ id: `${prefix}:otel-start`, type: 'run.started', ts: isoUtc(ts), run, agent: known });
    }
    for (const e of events) {
      const { key, ...fields } = e;
      out.push({ id: `${prefix}:${key}`, ts: isoUtc(ts), run, agent: known, ...fields });
    }
    return { events: out };
  }
}

/** One mapped event: its id's tail (`key`) and its events-v1 fields but id, ts, run and agent. */
type Mapped = { key: string; type: string } & Record<string, unknown>;

function claudeCode(r: LogRecordView): Mapped[] {
  const a = r.attrs;
  switch (r.name) {
    case 'claude_code.api_request': {
      const e: Mapped = {
        key: `otel-api:${strOf(a.get('request_id')) ?? r.hash}`,
        type: 'llm.call',
        model: strOf(a.get('model')) ?? 'unknown',
        input_tokens: count(a.get('input_tokens')),
        output_tokens: count(a.get('output_tokens')),
        cache_read_tokens: count(a.get('cache_read_tokens')),
        cache_write_tokens: count(a.get('cache_creation_tokens')),
      };
      const cost = numberOf(a.get('cost_usd'));
      if (cost !== undefined) e.cost_usd = cost;
      return [e];
    }
    case 'claude_code.tool_result':
      return [toolCall(r, strOf(a.get('tool_use_id')), a.get('tool_name'), a.get('success'), a.get('duration_ms'))];
    case 'claude_code.user_prompt':
      return [{ key: `prompt:${strOf(a.get('prompt.id')) ?? r.hash}`, type: 'iteration', n: sequence(a) }];
    default:
      return [];
  }
}

function codex(r: LogRecordView): Mapped[] {
  const a = r.attrs;
  switch (r.name) {
    case 'codex.sse_event': {
      if (a.get('event.kind') !== 'response.completed' || !a.has('input_token_count')) return [];
      const input = count(a.get('input_token_count'));
      const cached = Math.min(input, count(a.get('cached_token_count')));
      const e: Mapped = {
        key: `otel-tokens:${r.hash}`,
        type: 'llm.call',
        model: strOf(a.get('model')) ?? 'unknown',
        input_tokens: input - cached,
        output_tokens: count(a.get('output_token_count')),
        cache_read_tokens: cached,
      };
      const reasoning = intOf(a.get('reasoning_token_count'));
      if (reasoning !== undefined) e.attrs = { reasoningTokens: reasoning };
      return [e];
    }
    case 'codex.tool_result':
      return [toolCall(r, strOf(a.get('call_id')), a.get('tool_name'), a.get('success'), a.get('duration_ms'))];
    case 'codex.user_prompt':
      return [{ key: `prompt:${r.hash}`, type: 'iteration', n: sequence(a) }];
    default:
      return [];
  }
}

function geminiCli(r: LogRecordView): Mapped[] {
  const a = r.attrs;
  switch (r.name) {
    case 'gemini_cli.api_response': {
      const prompt = count(a.get('input_token_count'));
      const cached = Math.min(prompt, count(a.get('cached_content_token_count')));
      const e: Mapped = {
        key: `api:${r.hash}`,
        type: 'llm.call',
        model: strOf(a.get('model')) ?? 'unknown',
        input_tokens: prompt - cached + count(a.get('tool_token_count')),
        output_tokens: count(a.get('output_token_count')) + count(a.get('thoughts_token_count')),
        cache_read_tokens: cached,
      };
      const thoughts = intOf(a.get('thoughts_token_count'));
      if (thoughts) e.attrs = { reasoningTokens: thoughts };
      return [e];
    }
    case 'gemini_cli.tool_call':
      return [toolCall(r, undefined, a.get('function_name'), a.get('success'), a.get('duration_ms'))];
    case 'gemini_cli.user_prompt':
      return [{ key: `prompt:${strOf(a.get('prompt_id')) ?? r.hash}`, type: 'iteration', n: sequence(a) }];
    default:
      return [];
  }
}

function toolCall(r: LogRecordView, callId: string | undefined, name: unknown, success: unknown, duration: unknown): Mapped {
  const e: Mapped = { key: `tool:${callId ?? r.hash}`, type: 'tool.call', tool: strOf(name) ?? 'unknown' };
  const ok = boolOf(success);
  if (ok !== undefined) e.ok = ok;
  const ms = numberOf(duration);
  if (ms !== undefined && ms >= 0) e.duration_ms = ms;
  return e;
}

/** A token count; absent counts are 0, and a bad one is left for validation to name. */
function count(v: unknown): number {
  if (v === undefined || v === null || v === '') return 0;
  const n = intOf(v);
  return n === undefined ? (v as number) : n;
}

/** `iteration.n`: the agent's event sequence number when it sends one (≥ 1), else 1. */
function sequence(a: Attrs): number {
  const n = intOf(a.get('event.sequence'));
  return n !== undefined && n >= 1 ? n : 1;
}

/**
 * The record's event name: `eventName` (OTLP 1.5+), the `event.name` attribute, or a string body
 * naming an event (Claude Code puts `claude_code.api_request` in the body and `api_request` in
 * `event.name`). A bare name from a known agent gets the agent's prefix.
 */
function eventName(rec: Record<string, unknown>, attrs: Attrs, agent: string | undefined): string | undefined {
  const body = typeof rec.body === 'object' && rec.body !== null ? (rec.body as Record<string, unknown>).stringValue : undefined;
  const candidates = [strOf(rec.eventName), strOf(attrs.get('event.name')), typeof body === 'string' && /^[a-z_]+\.[a-z_.]+$/.test(body) ? body : undefined];
  for (const c of candidates) if (c && knownAgentOf(c)) return c;
  const bare = candidates.find((c) => c !== undefined);
  if (bare && agent && PREFIXES[agent] && !bare.includes('.')) return PREFIXES[agent] + bare;
  return bare;
}

function knownAgentOf(name: string): string | undefined {
  for (const [agent, prefix] of Object.entries(PREFIXES)) if (name.startsWith(prefix)) return agent;
  return undefined;
}

function timeOf(rec: Record<string, unknown>, attrs: Attrs): number | undefined {
  const t = nanosToMs(rec.timeUnixNano);
  if (t) return t;
  const observed = nanosToMs(rec.observedTimeUnixNano);
  if (observed) return observed;
  const stamp = strOf(attrs.get('event.timestamp'));
  const ms = stamp ? Date.parse(stamp) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** A digest of what identifies a record: its times, name, body and attributes (in key order). */
function recordHash(rec: Record<string, unknown>, name: string): string {
  const attrs = attributes(rec.attributes);
  const sorted = [...attrs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify([String(rec.timeUnixNano ?? ''), String(rec.observedTimeUnixNano ?? ''), name, rec.body ?? null, sorted]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}
