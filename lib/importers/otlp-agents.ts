/**
 * Which agent an OTLP resource is: the coding agents whose own telemetry Loopscope reads
 * (docs/telemetry.md) by their `service.name`, anything else by its service name as given.
 */
import type { Attrs } from '@/lib/otlp/values';

export const CLAUDE_CODE = 'claude-code';
export const CODEX = 'codex';
export const GEMINI_CLI = 'gemini-cli';

/**
 * The agents that report their model usage in log events. Their spans (Codex's and Gemini CLI's
 * traces carry `gen_ai.usage.*` on some spans) add no `llm.call`, or each call would count twice.
 */
export const USAGE_IN_LOGS = new Set([CLAUDE_CODE, CODEX, GEMINI_CLI]);

/**
 * `claude-code`; Codex's `codex-cli`, `codex_exec`, `codex_tui`, ... as `codex`; `gemini-cli`;
 * else the service name; undefined for none or the SDKs' `unknown_service` default.
 */
export function agentOf(resource: Attrs): string | undefined {
  const service = resource.get('service.name');
  if (typeof service !== 'string' || service === '' || service.startsWith('unknown_service')) return undefined;
  const s = service.toLowerCase();
  if (s === 'claude-code' || s === 'claude_code') return CLAUDE_CODE;
  if (/^codex(?:[-_]|$)/.test(s)) return CODEX;
  if (s === 'gemini-cli' || s === 'gemini_cli') return GEMINI_CLI;
  return service.slice(0, 200);
}
