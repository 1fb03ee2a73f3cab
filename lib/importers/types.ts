/**
 * What the importers share: the formats the one ingestion path takes, and the options an
 * importer may need. Everything here is plain data, so a request can cross to the ingest
 * worker with postMessage.
 */
import type { InputFormat } from '@/lib/events/types';
import type { OtlpInput } from '@/lib/otlp/signals';

/** Foreign formats that importers translate into events-v1. */
export const IMPORTER_FORMATS = ['claude-code', 'codex', 'otlp', 'github'] as const;
export type ImporterFormat = (typeof IMPORTER_FORMATS)[number];

/** The agents whose hooks post to `POST /api/v1/hooks/<agent>` (lib/importers/hook.ts). */
export const HOOK_AGENTS = ['claude-code', 'codex'] as const;
export type HookAgent = (typeof HOOK_AGENTS)[number];

/** A hook request's body: the hook's JSON on the first line, then the session's transcript. */
export const HOOK_FORMATS = ['claude-code-hook', 'codex-hook'] as const satisfies readonly `${HookAgent}-hook`[];
export type HookFormat = (typeof HOOK_FORMATS)[number];

/** Every format `ingest()` takes: the events-v1 files, the importers' sources and hook requests. */
export type ImportFormat = InputFormat | ImporterFormat | HookFormat;

/** The formats an upload or an import may choose (hook requests come only from the hooks endpoint). */
export const IMPORT_FORMATS: readonly ImportFormat[] = ['ndjson', 'json', 'csv', ...IMPORTER_FORMATS];

export function isImportFormat(v: unknown): v is ImportFormat {
  return typeof v === 'string' && (IMPORT_FORMATS as readonly string[]).includes(v);
}

export function isHookAgent(v: unknown): v is HookAgent {
  return typeof v === 'string' && (HOOK_AGENTS as readonly string[]).includes(v);
}

/** Formats translated from a foreign source: they import into one team, with its importer settings. */
export function isImporterFormat(v: unknown): v is ImporterFormat | HookFormat {
  return typeof v === 'string' && ((IMPORTER_FORMATS as readonly string[]).includes(v) || (HOOK_FORMATS as readonly string[]).includes(v));
}

/** One entry of a team's mapping of working directories to repositories. */
export interface RepoMapping {
  /** An absolute path (it and everything below it), a bare folder name, or `*` (default owner). */
  path: string;
  /** `owner/name`; for `*`, just the owner. */
  repo: string;
}

export interface ImportOptions {
  /** The team the events go to (importers always import into one team). */
  fixedTeam?: string;
  /** Claude Code: working directory → `owner/name` (lib/importers/repo-map.ts). */
  repoMap?: readonly RepoMapping[];
  /** GitHub: the label that makes an issue a defect (default `bug`, compared case-insensitively). */
  bugLabel?: string;
  /** GitHub: the `X-GitHub-Event` of a webhook delivery; a file infers it from each payload. */
  githubEvent?: string;
  /**
   * GitHub: the change a `Revert "<title>"` pull request reverts, when neither its body nor its
   * branch names the number: looked up among the team's changes by repository and title.
   */
  findChangeByTitle?: (repo: string, title: string) => Promise<string | null>;
  /**
   * GitHub: the latest defect of an issue (`owner/name#N`, or a later one `owner/name#N@<time>`
   * after it was reopened or labelled again), from the team's defects.
   */
  findDefect?: (issue: string) => Promise<DefectEpisode | null>;
  /**
   * The name of a single-file input (a directory's or zip's files name themselves): JSON Lines
   * importers read a session id from it when the lines name none.
   */
  fileName?: string;
  /** Hooks: when the server received the request (epoch ms), the time of a session's end. */
  receivedAt?: number;
  /** OTLP: the signal and encoding of a receiver's request (a file import is OTLP/JSON of any signal). */
  otlp?: OtlpInput;
  /** Longest accepted line, in bytes (importers take long transcript lines: default 64 MiB). */
  maxLineBytes?: number;
}

export const DEFAULT_BUG_LABEL = 'bug';

/** One of an issue's defects: the issue itself, or a reopening of it. */
export interface DefectEpisode {
  defect: string;
  openedAt: number | null;
  /** Its earliest defect.fixed; null while it is open. */
  fixedAt: number | null;
}
