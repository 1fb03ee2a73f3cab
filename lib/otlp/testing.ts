/**
 * Claude-Code-shaped OTLP log records for tests and the benchmark, written as Claude Code writes
 * them (docs/telemetry.md): body `claude_code.<event>`, `event.name` without the prefix, every
 * value a string, resource `service.name` = `claude-code`.
 */
type KeyValue = { key: string; value: { stringValue: string } };

const kv = (attrs: Record<string, string | number>): KeyValue[] =>
  Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: String(v) } }));

export interface ClaudeApiRequest {
  session: string;
  requestId: string;
  atMs: number;
  model?: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
  costUsd: number;
  sequence?: number;
}

export function claudeApiRequestRecord(r: ClaudeApiRequest): Record<string, unknown> {
  return {
    timeUnixNano: `${BigInt(r.atMs) * 1_000_000n}`,
    body: { stringValue: 'claude_code.api_request' },
    attributes: kv({
      'event.name': 'api_request',
      'event.timestamp': new Date(r.atMs).toISOString(),
      'event.sequence': r.sequence ?? 1,
      'session.id': r.session,
      'prompt.id': `${r.session}-p1`,
      model: r.model ?? 'claude-sonnet-4-5-20250929',
      input_tokens: r.input,
      output_tokens: r.output,
      cache_read_tokens: r.cacheRead,
      cache_creation_tokens: r.cacheCreation,
      cost_usd: r.costUsd,
      duration_ms: 1234,
      request_id: r.requestId,
    }),
  };
}

export function claudeToolResultRecord(r: { session: string; toolUseId: string; atMs: number; tool: string; success: boolean; durationMs: number }): Record<string, unknown> {
  return {
    timeUnixNano: `${BigInt(r.atMs) * 1_000_000n}`,
    body: { stringValue: 'claude_code.tool_result' },
    attributes: kv({
      'event.name': 'tool_result',
      'session.id': r.session,
      tool_name: r.tool,
      tool_use_id: r.toolUseId,
      success: String(r.success),
      duration_ms: r.durationMs,
    }),
  };
}

export function claudeUserPromptRecord(r: { session: string; promptId: string; atMs: number; sequence: number }): Record<string, unknown> {
  return {
    timeUnixNano: `${BigInt(r.atMs) * 1_000_000n}`,
    body: { stringValue: 'claude_code.user_prompt' },
    attributes: kv({ 'event.name': 'user_prompt', 'session.id': r.session, 'prompt.id': r.promptId, 'event.sequence': r.sequence, prompt_length: 42 }),
  };
}

/** An ExportLogsServiceRequest (OTLP/JSON form) of Claude Code records. */
export function claudeLogsRequest(records: Record<string, unknown>[]): Record<string, unknown> {
  return {
    resourceLogs: [
      {
        resource: { attributes: kv({ 'service.name': 'claude-code', 'service.version': '2.1.162' }) },
        scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events', version: '2.1.162' }, logRecords: records }],
      },
    ],
  };
}
