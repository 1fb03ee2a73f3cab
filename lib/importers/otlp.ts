/**
 * OpenTelemetry traces in OTLP/JSON (an `ExportTraceServiceRequest`: `{"resourceSpans": [...]}`,
 * as a file, as JSON Lines of them like the Collector's file exporter writes, or as the body of
 * `POST /v1/traces`) → events-v1, reading the GenAI semantic conventions:
 *
 * - A trace is a run (`run` = `otel:<traceId>`). An `invoke_agent` span with no `invoke_agent`
 *   ancestor gives `run.started` at its start (agent from `gen_ai.agent.name`, else the
 *   resource's `service.name`; model from `gen_ai.request.model`) and `run.ended` at its end
 *   (`failed` when the span's status is ERROR, else `succeeded`). The resource's
 *   `vcs.repository.url.full` and `vcs.ref.head.name` give the run's repo and branch.
 * - A span with `gen_ai.usage.input_tokens` / `output_tokens` (chat, text_completion,
 *   generate_content, ...) is an `llm.call`: model from `gen_ai.response.model`, else
 *   `gen_ai.request.model`; `gen_ai.usage.cache_read.input_tokens` and
 *   `gen_ai.usage.cache_creation.input_tokens` are part of the input tokens by the conventions,
 *   so they are moved out of `input_tokens` into `cache_read_tokens` / `cache_write_tokens`.
 * - An `execute_tool` span is a `tool.call` (`gen_ai.tool.name`, ok unless the status is ERROR,
 *   its duration).
 *
 * Ids are `otel:<traceId>:<spanId>:<kind>`, so re-sending a span adds nothing. The whole input is
 * read before spans are mapped (an invoke_agent span must be told from its sub-agents).
 */
import type { EventParser, ParsedItem } from '@/lib/events/parse';
import type { Problem } from '@/lib/events/types';
import {
  iso,
  isObject,
  problemItem,
  readJsonOrJsonLines,
  str,
  toItem,
} from './lines';
import { repoFromUrl } from './codex';
import type { ImportOptions } from './types';

/** OTLP JSON bodies are read whole: refuse more than this. */
export const MAX_OTLP_BYTES = 256 * 1024 * 1024;

const STATUS_ERROR = 2;

type Attrs = Map<string, unknown>;

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  start: number;
  end: number;
  error: boolean;
  attrs: Attrs;
  resource: Attrs;
  /** Where it came from, for problems. */
  file: string | undefined;
  line: number;
  path: string;
}

export class OtlpParser implements EventParser {
  private parts: Buffer[] = [];
  private size = 0;
  private tooBig = false;
  private file: string | undefined;
  private spans: Span[] = [];
  private problems: ParsedItem[] = [];

  constructor(private readonly options: ImportOptions = {}) {}

  startFile(name: string): ParsedItem[] {
    this.readDocument();
    this.file = name;
    return [];
  }

  push(chunk: Uint8Array | string): ParsedItem[] {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    this.size += buf.length;
    if (this.size > MAX_OTLP_BYTES) this.tooBig = true;
    else this.parts.push(buf);
    return [];
  }

  end(): ParsedItem[] {
    this.readDocument();
    const out = this.problems;
    this.problems = [];
    this.mapSpans(out);
    this.spans = [];
    return out;
  }

  /** Parses what was pushed since the last file began: one JSON document, or JSON Lines of them. */
  private readDocument(): void {
    const file = this.file;
    const parts = this.parts;
    const tooBig = this.tooBig;
    this.parts = [];
    this.size = 0;
    this.tooBig = false;
    if (tooBig) {
      this.problems.push(problemItem(1, '', `OTLP JSON input is larger than ${MAX_OTLP_BYTES} bytes`, file));
      return;
    }
    const text = Buffer.concat(parts).toString('utf8').replace(/^\uFEFF/, '');
    // One export request, or JSON Lines of them (the Collector's file exporter).
    readJsonOrJsonLines(
      text,
      (doc, line) => this.readRequest(doc, line, ''),
      (line, message) => this.problems.push(problemItem(line, '', message, file)),
    );
  }

  /** One ExportTraceServiceRequest. */
  private readRequest(doc: unknown, line: number, prefix: string): void {
    const file = this.file;
    if (!isObject(doc) || !Array.isArray(doc.resourceSpans)) {
      this.problems.push(problemItem(line, `${prefix}resourceSpans`, 'not an OTLP/JSON trace export: expected {"resourceSpans": [...]}', file));
      return;
    }
    doc.resourceSpans.forEach((rs: unknown, r: number) => {
      const rPath = `resourceSpans[${r}]`;
      if (!isObject(rs)) return;
      const resource = attributes(isObject(rs.resource) ? rs.resource.attributes : undefined);
      const scopes = Array.isArray(rs.scopeSpans) ? rs.scopeSpans : Array.isArray(rs.instrumentationLibrarySpans) ? rs.instrumentationLibrarySpans : [];
      scopes.forEach((ss: unknown, s: number) => {
        if (!isObject(ss) || !Array.isArray(ss.spans)) return;
        ss.spans.forEach((sp: unknown, k: number) => {
          const path = `${rPath}.scopeSpans[${s}].spans[${k}]`;
          const problem = (field: string, message: string) => {
            const p: Problem = { line, field: `${path}.${field}`, message };
            if (file !== undefined) p.file = file;
            this.problems.push({ line, problems: [p] });
          };
          if (!isObject(sp)) return problem('', 'not an object');
          const traceId = str(sp.traceId);
          const spanId = str(sp.spanId);
          if (!traceId || !/^[0-9a-fA-F]{32}$/.test(traceId)) return problem('traceId', 'must be 32 hex digits');
          if (!spanId || !/^[0-9a-fA-F]{16}$/.test(spanId)) return problem('spanId', 'must be 16 hex digits');
          const start = nanosToMs(sp.startTimeUnixNano);
          const end = nanosToMs(sp.endTimeUnixNano);
          if (start === undefined) return problem('startTimeUnixNano', 'must be nanoseconds since the epoch');
          if (end === undefined) return problem('endTimeUnixNano', 'must be nanoseconds since the epoch');
          const status = isObject(sp.status) ? sp.status.code : undefined;
          this.spans.push({
            traceId: traceId.toLowerCase(),
            spanId: spanId.toLowerCase(),
            parentSpanId: str(sp.parentSpanId)?.toLowerCase(),
            name: typeof sp.name === 'string' ? sp.name : '',
            start,
            end,
            error: status === STATUS_ERROR || status === 'STATUS_CODE_ERROR',
            attrs: attributes(sp.attributes),
            resource,
            file,
            line,
            path,
          });
        });
      });
    });
  }

  private mapSpans(out: ParsedItem[]): void {
    const team = this.options.fixedTeam;
    const byId = new Map<string, Span>();
    for (const s of this.spans) byId.set(`${s.traceId}:${s.spanId}`, s);
    const isAgent = (s: Span) => s.attrs.get('gen_ai.operation.name') === 'invoke_agent';
    const hasAgentAncestor = (s: Span) => {
      let p = s.parentSpanId;
      for (let guard = 0; p && guard < 1000; guard++) {
        const parent = byId.get(`${s.traceId}:${p}`);
        if (!parent) return false;
        if (isAgent(parent)) return true;
        p = parent.parentSpanId;
      }
      return false;
    };
    for (const s of this.spans) {
      const run = `otel:${s.traceId}`;
      const base = `otel:${s.traceId}:${s.spanId}`;
      const op = s.attrs.get('gen_ai.operation.name');
      const emit = (raw: Record<string, unknown>) => {
        const item = toItem(raw, s.line, team, s.file);
        // Problems name the span: its path in the document, then the field.
        if (item.problems) for (const p of item.problems) p.field = p.field ? `${s.path}: ${p.field}` : s.path;
        out.push(item);
      };
      if (op === 'invoke_agent' && !hasAgentAncestor(s)) {
        const started: Record<string, unknown> = { id: `${base}:started`, type: 'run.started', ts: iso(s.start), run };
        const agent = str(s.attrs.get('gen_ai.agent.name')) ?? str(s.resource.get('service.name'));
        if (agent) started.agent = agent;
        const model = str(s.attrs.get('gen_ai.request.model'));
        if (model) started.model = model;
        const repo = repoFromUrl(s.resource.get('vcs.repository.url.full') ?? s.attrs.get('vcs.repository.url.full'));
        if (repo) started.repo = repo;
        const branch = str(s.resource.get('vcs.ref.head.name') ?? s.attrs.get('vcs.ref.head.name'));
        if (branch) started.branch = branch;
        const conversation = str(s.attrs.get('gen_ai.conversation.id'));
        if (conversation) started.attrs = { conversationId: conversation.slice(0, 200) };
        emit(started);
        emit({ id: `${base}:ended`, type: 'run.ended', ts: iso(s.end), run, status: s.error ? 'failed' : 'succeeded' });
        continue;
      }
      if (op === 'execute_tool') {
        const tool = str(s.attrs.get('gen_ai.tool.name')) ?? (s.name.startsWith('execute_tool ') ? s.name.slice(13) : undefined);
        emit({
          id: `${base}:tool`,
          type: 'tool.call',
          ts: iso(s.start),
          run,
          tool: tool ?? s.name ?? 'unknown',
          ok: !s.error,
          duration_ms: Math.max(0, s.end - s.start),
        });
        continue;
      }
      const inTok = s.attrs.get('gen_ai.usage.input_tokens');
      const outTok = s.attrs.get('gen_ai.usage.output_tokens');
      if (inTok === undefined && outTok === undefined) continue;
      const model = str(s.attrs.get('gen_ai.response.model')) ?? str(s.attrs.get('gen_ai.request.model')) ?? 'unknown';
      const cacheRead = int(s.attrs.get('gen_ai.usage.cache_read.input_tokens'));
      const cacheWrite = int(s.attrs.get('gen_ai.usage.cache_creation.input_tokens'));
      const input = int(inTok);
      const raw: Record<string, unknown> = {
        id: `${base}:llm`,
        type: 'llm.call',
        ts: iso(s.start),
        run,
        // Left for validation to name when absent or not an integer.
        input_tokens: typeof input === 'number' ? Math.max(0, input - (cacheRead ?? 0) - (cacheWrite ?? 0)) : (inTok ?? 0),
        output_tokens: int(outTok) ?? outTok ?? 0,
        model,
      };
      if (cacheRead !== undefined) raw.cache_read_tokens = cacheRead;
      if (cacheWrite !== undefined) raw.cache_write_tokens = cacheWrite;
      const agent = str(s.attrs.get('gen_ai.agent.name')) ?? str(s.resource.get('service.name'));
      if (agent) raw.agent = agent;
      const attrs: Record<string, unknown> = {};
      if (typeof op === 'string') attrs.operation = op;
      const provider = str(s.attrs.get('gen_ai.provider.name')) ?? str(s.attrs.get('gen_ai.system'));
      if (provider) attrs.provider = provider;
      if (Object.keys(attrs).length > 0) raw.attrs = attrs;
      emit(raw);
    }
  }
}

/** OTLP/JSON `KeyValue` list → map of plain values. */
function attributes(list: unknown): Attrs {
  const m: Attrs = new Map();
  if (!Array.isArray(list)) return m;
  for (const kv of list) {
    if (isObject(kv) && typeof kv.key === 'string') m.set(kv.key, anyValue(kv.value));
  }
  return m;
}

/** OTLP/JSON `AnyValue` → a plain value (int64 arrives as a string or a number). */
function anyValue(v: unknown): unknown {
  if (!isObject(v)) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) {
    const i = v.intValue;
    if (typeof i === 'number') return i;
    if (typeof i === 'string' && /^-?[0-9]+$/.test(i)) {
      const n = Number(i);
      return Number.isSafeInteger(n) ? n : i;
    }
    return i;
  }
  if ('doubleValue' in v) return typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return isObject(v.arrayValue) && Array.isArray(v.arrayValue.values) ? v.arrayValue.values.map(anyValue) : [];
  if ('kvlistValue' in v) return isObject(v.kvlistValue) ? Object.fromEntries(attributes(v.kvlistValue.values)) : {};
  if ('bytesValue' in v) return v.bytesValue;
  return undefined;
}

function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  return undefined;
}

function nanosToMs(v: unknown): number | undefined {
  let s: string;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) s = BigInt(Math.trunc(v)).toString();
  else if (typeof v === 'string' && /^[0-9]{1,30}$/.test(v)) s = v;
  else return undefined;
  const ms = Number(BigInt(s) / 1_000_000n);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

