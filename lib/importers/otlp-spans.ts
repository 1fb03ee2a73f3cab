/**
 * OTLP spans → events-v1, reading the GenAI semantic conventions and the other dialects real
 * instrumentations write (docs/telemetry.md, "GenAI spans"):
 *
 * - A trace is a run (`run` = `otel:<traceId>`). An agent span (`gen_ai.operation.name` =
 *   `invoke_agent`, or OpenInference's `openinference.span.kind` = `AGENT`) with no agent span
 *   above it among the spans of the same request gives `run.started` at its start (model from
 *   `gen_ai.request.model`; repo and branch from `vcs.repository.url.full` / `vcs.ref.head.name`)
 *   and `run.ended` at its end (`failed` when its status is ERROR, else `succeeded`).
 * - A span with token counts is an `llm.call`: `gen_ai.usage.input_tokens` / `output_tokens`,
 *   the deprecated `gen_ai.usage.prompt_tokens` / `completion_tokens`, or OpenInference's
 *   `llm.token_count.prompt` / `completion`; cache reads and writes from
 *   `gen_ai.usage.cache_read.input_tokens` / `cache_creation.input_tokens` (or OpenInference's
 *   `prompt_details.cache_read` / `cache_write`). By the conventions the input count includes
 *   the cached tokens, so they are taken out of it; Traceloop's Anthropic instrumentation passes
 *   Anthropic's own count, which excludes them, and so does any span whose input is smaller than
 *   its cache tokens: those are kept as they are. Reasoning tokens are part of the output; their
 *   count is kept in `attrs.reasoningTokens`. Model: `gen_ai.response.model`, else
 *   `gen_ai.request.model`, else `llm.model_name`.
 * - A tool span (`execute_tool`, or OpenInference `TOOL`) is a `tool.call`.
 * - Every event's `agent` is the resource's (otlp-agents.ts): one agent per exporting process.
 *   Spans of agents that report usage in their log events (Claude Code, Codex, Gemini CLI) add
 *   nothing: their log events count it.
 *
 * Ids are `otel:<traceId>:<spanId>:<kind>`, so re-sending a span adds nothing. Agent spans wait
 * for the end of the request (a sub-agent must be told from the run's own agent); the other
 * spans are mapped as they are read, and only their ids and parents are kept.
 */
import { repoFromUrl } from './codex';
import { isoUtc } from '@/lib/events/iso';
import { agentOf, USAGE_IN_LOGS } from './otlp-agents';
import type { RecordContext } from '@/lib/otlp/stream';
import { attributes, hexId, intOf, nanosToMs, strOf, type Attrs } from '@/lib/otlp/values';

const STATUS_ERROR = 2;

/** What one record becomes: events to validate, or why it is rejected. */
export type RecordResult = { events: Record<string, unknown>[] } | { problem: { field: string; message: string } };

const NOTHING: RecordResult = { events: [] };

interface AgentSpan {
  key: string;
  traceId: string;
  spanId: string;
  start: number;
  end: number;
  error: boolean;
  attrs: Attrs;
  resource: Attrs;
  context: RecordContext;
}

/** Instrumentations whose input token count excludes cache reads and writes (the provider's own). */
const INPUT_EXCLUDES_CACHE = [/^@traceloop\/instrumentation-anthropic$/, /^opentelemetry\.instrumentation\.anthropic$/];

const INPUT_KEYS = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt'];
const OUTPUT_KEYS = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion'];
const CACHE_READ_KEYS = ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'llm.token_count.prompt_details.cache_read'];
const CACHE_WRITE_KEYS = ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'llm.token_count.prompt_details.cache_write'];
const REASONING_KEYS = ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens', 'llm.token_count.completion_details.reasoning'];

function first(attrs: Attrs, keys: string[]): unknown {
  for (const k of keys) if (attrs.has(k)) return attrs.get(k);
  return undefined;
}

export class SpanMapper {
  /** Every span of the request: its parent, and whether it is an agent span. */
  private readonly parents = new Map<string, string>();
  private readonly agentKeys = new Set<string>();
  private readonly agentSpans: AgentSpan[] = [];

  /** One span; agent spans are held until finish(). */
  map(value: unknown, context: RecordContext): RecordResult {
    if (typeof value !== 'object' || value === null) return { problem: { field: '', message: 'not an object' } };
    const sp = value as Record<string, unknown>;
    const traceId = hexId(sp.traceId);
    const spanId = hexId(sp.spanId);
    if (!traceId || !/^[0-9a-f]{32}$/.test(traceId)) return { problem: { field: 'traceId', message: 'must be 32 hex digits' } };
    if (!spanId || !/^[0-9a-f]{16}$/.test(spanId)) return { problem: { field: 'spanId', message: 'must be 16 hex digits' } };
    const start = nanosToMs(sp.startTimeUnixNano);
    const end = nanosToMs(sp.endTimeUnixNano);
    if (start === undefined) return { problem: { field: 'startTimeUnixNano', message: 'must be nanoseconds since the epoch' } };
    if (end === undefined) return { problem: { field: 'endTimeUnixNano', message: 'must be nanoseconds since the epoch' } };
    const key = `${traceId}:${spanId}`;
    const parent = hexId(sp.parentSpanId);
    if (parent) this.parents.set(key, `${traceId}:${parent}`);
    const attrs = attributes(sp.attributes);
    const agent = agentOf(context.resource);
    if (agent && USAGE_IN_LOGS.has(agent)) return NOTHING;
    const status = typeof sp.status === 'object' && sp.status !== null ? (sp.status as Record<string, unknown>).code : undefined;
    const error = status === STATUS_ERROR || status === 'STATUS_CODE_ERROR';
    const op = attrs.get('gen_ai.operation.name');
    const kind = attrs.get('openinference.span.kind');
    const run = `otel:${traceId}`;
    const base = `${run}:${spanId}`;
    const name = typeof sp.name === 'string' ? sp.name : '';
    if (op === 'invoke_agent' || kind === 'AGENT') {
      this.agentKeys.add(key);
      this.agentSpans.push({ key, traceId, spanId, start, end, error, attrs, resource: context.resource, context });
      return NOTHING;
    }
    if (op === 'execute_tool' || kind === 'TOOL') {
      const tool = strOf(attrs.get('gen_ai.tool.name')) ?? strOf(attrs.get('tool.name')) ?? (name.startsWith('execute_tool ') ? name.slice(13) : name || 'unknown');
      return { events: [withAgent({ id: `${base}:tool`, type: 'tool.call', ts: isoUtc(start), run, tool, ok: !error, duration_ms: Math.max(0, end - start) }, agent)] };
    }
    const llm = llmCall(attrs, context.scope.name);
    if (!llm) return NOTHING;
    return { events: [withAgent({ id: `${base}:llm`, type: 'llm.call', ts: isoUtc(start), run, ...llm }, agent)] };
  }

  /** The runs' starts and ends: agent spans without an agent span above them. */
  finish(emit: (result: RecordResult, context: RecordContext) => void): void {
    for (const s of this.agentSpans) {
      if (this.hasAgentAncestor(s.key)) {
        emit(NOTHING, s.context);
        continue;
      }
      const run = `otel:${s.traceId}`;
      const base = `${run}:${s.spanId}`;
      const started: Record<string, unknown> = { id: `${base}:started`, type: 'run.started', ts: isoUtc(s.start), run };
      const model = strOf(s.attrs.get('gen_ai.request.model')) ?? strOf(s.attrs.get('llm.model_name'));
      if (model) started.model = model;
      const repo = repoFromUrl(s.resource.get('vcs.repository.url.full') ?? s.attrs.get('vcs.repository.url.full'));
      if (repo) started.repo = repo;
      const branch = strOf(s.resource.get('vcs.ref.head.name') ?? s.attrs.get('vcs.ref.head.name'));
      if (branch) started.branch = branch;
      const attrs: Record<string, string> = {};
      const agentName = strOf(s.attrs.get('gen_ai.agent.name'));
      if (agentName) attrs.agentName = agentName.slice(0, 200);
      const conversation = strOf(s.attrs.get('gen_ai.conversation.id'));
      if (conversation) attrs.conversationId = conversation.slice(0, 200);
      if (Object.keys(attrs).length > 0) started.attrs = attrs;
      const agent = agentOf(s.resource);
      emit(
        { events: [withAgent(started, agent), { id: `${base}:ended`, type: 'run.ended', ts: isoUtc(s.end), run, status: s.error ? 'failed' : 'succeeded' }] },
        s.context,
      );
    }
    this.agentSpans.length = 0;
    this.agentKeys.clear();
    this.parents.clear();
  }

  private hasAgentAncestor(key: string): boolean {
    let p = this.parents.get(key);
    for (let guard = 0; p && guard < 1000; guard++) {
      if (this.agentKeys.has(p)) return true;
      p = this.parents.get(p);
    }
    return false;
  }
}

function withAgent(event: Record<string, unknown>, agent: string | undefined): Record<string, unknown> {
  if (agent) event.agent = agent;
  return event;
}

/** The llm.call fields of a span with token counts, or null when it has none. */
function llmCall(attrs: Attrs, scopeName: string): Record<string, unknown> | null {
  const inRaw = first(attrs, INPUT_KEYS);
  const outRaw = first(attrs, OUTPUT_KEYS);
  if (inRaw === undefined && outRaw === undefined) return null;
  const input = intOf(inRaw);
  const output = intOf(outRaw);
  const cacheRead = intOf(first(attrs, CACHE_READ_KEYS));
  const cacheWrite = intOf(first(attrs, CACHE_WRITE_KEYS));
  const cached = (cacheRead ?? 0) + (cacheWrite ?? 0);
  const excludes = INPUT_EXCLUDES_CACHE.some((re) => re.test(scopeName)) || (input !== undefined && input < cached);
  const out: Record<string, unknown> = {
    model: strOf(attrs.get('gen_ai.response.model')) ?? strOf(attrs.get('gen_ai.request.model')) ?? strOf(attrs.get('llm.model_name')) ?? 'unknown',
    // Left for validation to name when not an integer.
    input_tokens: input === undefined ? (inRaw ?? 0) : excludes ? input : input - cached,
    output_tokens: output ?? outRaw ?? 0,
  };
  if (cacheRead !== undefined) out.cache_read_tokens = cacheRead;
  if (cacheWrite !== undefined) out.cache_write_tokens = cacheWrite;
  const extra: Record<string, unknown> = {};
  const op = strOf(attrs.get('gen_ai.operation.name'));
  if (op) extra.operation = op;
  const provider = strOf(attrs.get('gen_ai.provider.name')) ?? strOf(attrs.get('gen_ai.system')) ?? strOf(attrs.get('llm.system'));
  if (provider) extra.provider = provider;
  const reasoning = intOf(first(attrs, REASONING_KEYS));
  if (reasoning !== undefined) extra.reasoningTokens = reasoning;
  if (Object.keys(extra).length > 0) out.attrs = extra;
  return out;
}
