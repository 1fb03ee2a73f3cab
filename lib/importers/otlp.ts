/**
 * OpenTelemetry (OTLP) → events-v1: the export requests that `POST /v1/{traces,logs,metrics}`
 * and the OTLP/gRPC receiver take (protobuf or JSON), and OTLP/JSON files (one export request,
 * or JSON Lines of them as the Collector's file exporter writes). The input is streamed
 * (lib/otlp/decode-*.ts): records are mapped as they are read.
 *
 * - spans: GenAI spans → runs, `llm.call`s and `tool.call`s (otlp-spans.ts);
 * - log records: the coding agents' log events → `llm.call`, `tool.call`, `iteration`
 *   (otlp-logs.ts);
 * - metrics: accepted and counted, never stored: the agents' metrics (`claude_code.token.usage`,
 *   `claude_code.cost.usage`, ...) sum what their log events already report one by one.
 *
 * Each record either becomes its events or is rejected whole, as one problem naming its path
 * (`resourceSpans[0].scopeSpans[0].spans[3]: ...`): so the count of problems is the count of
 * rejected records OTLP's partial success reports. An input that cannot be decoded (not JSON,
 * truncated protobuf, not an export request) is a fatal problem: nothing of it is stored.
 */
import type { EventParser, ParsedItem } from '@/lib/events/parse';
import type { Problem } from '@/lib/events/types';
import { OtlpJsonDecoder } from '@/lib/otlp/decode-json';
import { OtlpProtobufDecoder } from '@/lib/otlp/decode-protobuf';
import type { OtlpInput } from '@/lib/otlp/signals';
import { RecordAssembler, type RecordContext, type RecordVisitor } from '@/lib/otlp/stream';
import { toItem } from './lines';
import { agentOf } from './otlp-agents';
import { LogMapper } from './otlp-logs';
import { SpanMapper, type RecordResult } from './otlp-spans';
import type { ImportOptions } from './types';

/** A JSON file import: the signal is told from the top-level key. */
const FILE_INPUT: OtlpInput = { encoding: 'json' };

export class OtlpParser implements EventParser, RecordVisitor {
  private readonly input: OtlpInput;
  private decoder: OtlpJsonDecoder | OtlpProtobufDecoder | null = null;
  private spans = new SpanMapper();
  private logs = new LogMapper();
  private out: ParsedItem[] = [];
  private file: string | undefined;
  private firstAgent: string | undefined;
  private recordCount = 0;

  constructor(private readonly options: ImportOptions = {}) {
    this.input = options.otlp ?? FILE_INPUT;
  }

  startFile(name: string): ParsedItem[] {
    this.finishInput();
    this.file = name;
    return this.drain();
  }

  push(chunk: Uint8Array | string): ParsedItem[] {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.decoderFor().push(buf);
    return this.drain();
  }

  end(): ParsedItem[] {
    this.finishInput();
    return this.drain();
  }

  /** The agent the input came from (the first resource that names one), for the upload's record. */
  agent(): string | undefined {
    return this.firstAgent;
  }

  /** Records read (spans, log records, metrics). */
  get records(): number {
    return this.recordCount;
  }

  record(value: unknown, context: RecordContext): void {
    this.recordCount++;
    this.firstAgent ??= agentOf(context.resource);
    if (context.signal === 'traces') this.emit(this.spans.map(value, context), context);
    else if (context.signal === 'logs') this.emit(this.logs.map(value, context), context);
    else if (typeof value !== 'object' || value === null || typeof (value as { name?: unknown }).name !== 'string') {
      this.emit({ problem: { field: 'name', message: 'a metric must have a name' } }, context);
    }
  }

  fatal(line: number, field: string, message: string): void {
    const p: Problem = { line, field, message };
    if (this.file !== undefined) p.file = this.file;
    this.out.push({ line, problems: [p], fatal: true });
  }

  private decoderFor(): OtlpJsonDecoder | OtlpProtobufDecoder {
    if (this.decoder) return this.decoder;
    const sink = new RecordAssembler(this);
    if (this.input.encoding === 'protobuf') {
      if (!this.input.signal) throw new RangeError('OTLP/protobuf needs its signal (the endpoint tells it)');
      this.decoder = new OtlpProtobufDecoder(this.input.signal, sink);
    } else this.decoder = new OtlpJsonDecoder(this.input.signal, sink);
    return this.decoder;
  }

  private finishInput(): void {
    if (this.decoder) this.decoder.end();
    this.decoder = null;
    this.spans.finish((result, context) => this.emit(result, context));
    this.spans = new SpanMapper();
    this.logs = new LogMapper();
  }

  /** A record's events, or its rejection as one problem item. */
  private emit(result: RecordResult, context: RecordContext): void {
    const { line, path } = context.place;
    const team = this.options.fixedTeam;
    if ('problem' in result) {
      const { field, message } = result.problem;
      const p: Problem = { line, field: field ? `${path}.${field}` : path, message };
      if (this.file !== undefined) p.file = this.file;
      this.out.push({ line, problems: [p] });
      return;
    }
    const items = result.events.map((raw) => toItem(raw, line, team, this.file));
    const problems = items.flatMap((i) => i.problems ?? []);
    if (problems.length > 0) {
      // Problems name the record: its path, then the field.
      for (const p of problems) p.field = p.field ? `${path}: ${p.field}` : path;
      this.out.push({ line, problems });
      return;
    }
    for (const i of items) this.out.push(i);
  }

  private drain(): ParsedItem[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}
