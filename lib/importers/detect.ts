/**
 * `auto`: which format an input is in, importers' formats included. Their contents are told by
 * what their first line holds (a Claude Code transcript line, a Codex rollout line, an OTLP
 * export, a GitHub payload); failing that, events-v1's own detection (content type, file name,
 * first bytes: lib/events/detect.ts). No Node-only dependencies (usable in the browser).
 */
import { detectFormat, type FormatHint } from '@/lib/events/detect';
import type { ImportFormat } from './types';

export function detectImportFormat(hint: FormatHint): ImportFormat | null {
  if (hint.firstBytes && hint.firstBytes.length > 0) {
    const head = new TextDecoder().decode(hint.firstBytes.subarray(0, 64 * 1024)).replace(/^\uFEFF/, '');
    const first = head.trimStart();
    const nl = first.indexOf('\n');
    const firstLine = (nl < 0 ? first : first.slice(0, nl)).trim();
    if (looksLikeOtlp(first)) return 'otlp';
    if (looksLikeGithub(first)) return 'github';
    if (looksLikeCodex(firstLine)) return 'codex';
    if (looksLikeClaudeCode(firstLine)) return 'claude-code';
  }
  if (hint.filename) {
    const name = hint.filename.replace(/\\/g, '/');
    const base = name.slice(name.lastIndexOf('/') + 1);
    if (/^rollout-.*\.jsonl$/i.test(base)) return 'codex';
  }
  return detectFormat(hint);
}

/** Whether a file name is a zip archive's. */
export function isZipName(name: string | null | undefined): boolean {
  return !!name && /\.zip$/i.test(name.trim());
}

/** Whether bytes start like a zip archive (a local file header, or an empty archive). */
export function isZipBytes(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

/**
 * Line types Claude Code writes that carry no message (bookkeeping around a session), each
 * with the session's `sessionId`: 2.1 starts a transcript with `queue-operation` lines.
 */
const CLAUDE_CODE_BOOKKEEPING_RE = /"type"\s*:\s*"(?:queue-operation|last-prompt|summary|file-history-snapshot|custom-title|system)"/;

/**
 * A Claude Code transcript line: `parentUuid`, `leafUuid` (summaries), a session line with its
 * `uuid`, or a bookkeeping line (`queue-operation`, ...) naming its `sessionId`.
 */
function looksLikeClaudeCode(firstLine: string): boolean {
  return (
    firstLine.startsWith('{') &&
    (firstLine.includes('"parentUuid"') ||
      firstLine.includes('"leafUuid"') ||
      (firstLine.includes('"sessionId"') &&
        (firstLine.includes('"uuid"') || firstLine.includes('"userType"') || CLAUDE_CODE_BOOKKEEPING_RE.test(firstLine))) ||
      (firstLine.includes('"type":"file-history-snapshot"') && firstLine.includes('"messageId"')))
  );
}

/**
 * A Codex rollout line (`{"timestamp", "type": "session_meta" | ..., "payload"}`) or the first
 * line of `codex exec --json` output (`{"type": "thread.started", "thread_id"}`).
 */
function looksLikeCodex(firstLine: string): boolean {
  return (
    firstLine.startsWith('{') &&
    ((firstLine.includes('"payload"') && /"type"\s*:\s*"(?:session_meta|turn_context|response_item|event_msg)"/.test(firstLine)) ||
      (/"type"\s*:\s*"thread\.started"/.test(firstLine) && firstLine.includes('"thread_id"')))
  );
}

/** An OTLP/JSON export: `{"resourceSpans" | "resourceLogs" | "resourceMetrics": [...]}`. */
function looksLikeOtlp(head: string): boolean {
  return (
    /^\{\s*"resource(?:Spans|Logs|Metrics)"\s*:/.test(head) ||
    (head.startsWith('{') && /"resource(?:Spans|Logs|Metrics)"/.test(head) && /"(?:spans|logRecords|metrics)"/.test(head))
  );
}

/** A GitHub webhook payload (`{"action": ..., "pull_request" | "issue": ...}`), wrapped or as the deliveries API has it. */
function looksLikeGithub(head: string): boolean {
  const h = head.replace(/^\[\s*/, '');
  return (
    (/^\{\s*"action"\s*:\s*"[a-z_]+"\s*,/.test(h) && /"(?:pull_request|issue)"\s*:/.test(h)) ||
    (/^\{\s*"(?:id|guid)"\s*:/.test(h) && h.includes('"guid"') && h.includes('"event"')) ||
    /^\{\s*"event"\s*:\s*"[a-z_]+"\s*,\s*"payload"\s*:/.test(h)
  );
}
