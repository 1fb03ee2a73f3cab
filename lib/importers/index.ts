/**
 * The importers' registry: one push parser per format, all behind the `EventParser` interface
 * so that `ingest()` stays the one ingestion path (one transaction per upload, duplicates by
 * id). Events-v1 files keep their own readers (lib/events/parse.ts).
 */
import { createEventParser, type EventParser } from '@/lib/events/parse';
import { ClaudeCodeParser } from './claude-code';
import { CodexParser } from './codex';
import { GithubParser } from './github';
import { HookParser } from './hook';
import { OtlpParser } from './otlp';
import { IMPORT_FORMATS, type ImportFormat, type ImportOptions } from './types';

export { detectImportFormat, isZipBytes, isZipName } from './detect';
export * from './types';

export function createParser(format: ImportFormat, options: ImportOptions = {}): EventParser {
  switch (format) {
    case 'ndjson':
    case 'json':
    case 'csv':
      return createEventParser(format, { fixedTeam: options.fixedTeam });
    case 'claude-code':
      return new ClaudeCodeParser(options);
    case 'codex':
      return new CodexParser(options);
    case 'otlp':
      return new OtlpParser(options);
    case 'github':
      return new GithubParser(options);
    case 'claude-code-hook':
      return new HookParser('claude-code', options);
    case 'codex-hook':
      return new HookParser('codex', options);
    default:
      throw new RangeError(`unknown import format '${String(format)}' (known: ${IMPORT_FORMATS.join(', ')})`);
  }
}

/** What the upload page and the CLI call each format. */
export const FORMAT_LABELS: Record<ImportFormat, string> = {
  ndjson: 'NDJSON (one event a line)',
  json: 'JSON array',
  csv: 'CSV',
  'claude-code': 'Claude Code transcripts (.jsonl, or a zip of a projects folder)',
  codex: 'Codex CLI rollouts (.jsonl, or a zip of sessions)',
  otlp: 'OpenTelemetry traces or logs (OTLP/JSON)',
  github: 'GitHub webhook payloads (JSON)',
  'claude-code-hook': 'A Claude Code hook request (the hook input, then the transcript)',
  'codex-hook': 'A Codex hook request (the hook input, then the rollout)',
};

/** Which files of a directory or zip a format reads (others are skipped). */
export function acceptsFile(format: ImportFormat | 'auto', name: string): boolean {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  if (base.startsWith('.') || base.startsWith('__MACOSX')) return false;
  if (name.replace(/\\/g, '/').split('/').includes('__MACOSX')) return false;
  const lower = base.toLowerCase();
  switch (format) {
    case 'claude-code':
    case 'codex':
    case 'claude-code-hook':
    case 'codex-hook':
      return lower.endsWith('.jsonl');
    case 'otlp':
    case 'github':
      return lower.endsWith('.json') || lower.endsWith('.jsonl') || lower.endsWith('.ndjson');
    case 'ndjson':
      return lower.endsWith('.ndjson') || lower.endsWith('.jsonl');
    case 'json':
      return lower.endsWith('.json');
    case 'csv':
      return lower.endsWith('.csv');
    case 'auto':
      return /\.(?:jsonl|ndjson|json|csv)$/.test(lower);
  }
}
