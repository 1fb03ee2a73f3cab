/**
 * The CLI's import commands, kept apart from main.ts:
 *
 * - `import <file|directory|zip> --team <slug> [--format ...] [--partial] [--full]`: one upload
 *   through `ingest()`; a directory or zip is read as its files (one transaction). A directory of
 *   Claude Code transcripts imported again is read only where it changed (lib/importers/resume.ts)
 *   unless `--full`.
 * - `import-git <path> --team <slug> [--repo owner/name] [--days 7] [--ref HEAD]`: merged
 *   changes and their later line-level modifications from git history (lib/importers/git.ts).
 * - `team set <slug> [--github-secret ...] [--bug-label ...] [--repo-map /path=owner/name]...`:
 *   the team's importer settings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { getDb } from '@/lib/data/connection';
import { getImportSettings, saveImportSettings, type ImportSettingsChanges } from '@/lib/data/import-settings';
import type { Team } from '@/lib/data/teams';
import { OPERATOR } from '@/lib/data/viewer';
import { detectFormat } from '@/lib/events/detect';
import type { Problem } from '@/lib/events/types';
import { detectImportFormat, isImportFormat, type ImportFormat } from '@/lib/importers';
import { gitHistoryEvents, originRepo, type GitImportStats } from '@/lib/importers/git';
import { parseRepoMapping } from '@/lib/importers/repo-map';
import { resumableDirectorySource, type ResumableSource } from '@/lib/importers/resume';
import { directorySource, fileKind, listDirectory, type MultiFileInput } from '@/lib/importers/sources';
import { importedFiles, recordImportedFiles } from '@/lib/data/imported-files';
import { ingest, ingestFile, type IngestProgress, type IngestRequest, type IngestResult } from '@/lib/ingest/ingest';
import { plural } from '@/lib/flags/describe';

export const IMPORT_USAGE = `  import <file|dir|zip> --team <slug> [--format auto|events|ndjson|json|csv|claude-code|codex|otlp|github] [--partial] [--full]
                                                     import through the upload pipeline; a directory or a
                                                     zip of one (Claude Code projects, Codex sessions) is one upload;
                                                     a Claude Code directory again reads only what is new (--full: all)
  import-git <repo path> --team <slug> [--repo owner/name] [--days 7] [--ref HEAD]
                                                     merged changes and later line-level modifications from git
  team set <slug> [--github-secret <secret>] [--bug-label <label>] [--repo-map /path=owner/name]...
                  [--no-repo-map /path]...           importer settings (webhook secret, bug label, cwd → repo)
  team show <slug>                                   a team's importer settings (secret masked)`;

export class CliUsageError extends Error {}

/** `--format` of `import`: a format, `auto` (importers too) or `events` (events-v1 only). */
function chooseFormat(chosen: string, file: string, kind: TargetKind): ImportFormat | 'auto' {
  if (chosen === 'auto') {
    if (kind === 'directory' || kind === 'zip') return 'auto'; // told from the first file by ingest()
    const f = detectImportFormat({ filename: withoutGz(file), firstBytes: readHead(file, kind) });
    if (!f) throw new Error(`cannot tell the format of ${file}: pass --format`);
    return f;
  }
  if (chosen === 'events') {
    const f = kind === 'directory' ? null : detectFormat({ filename: withoutGz(file), firstBytes: readHead(file, kind) });
    if (!f) throw new Error(`cannot tell the events-v1 format of ${file}: pass --format ndjson, json or csv`);
    return f;
  }
  if (isImportFormat(chosen)) return chosen;
  throw new CliUsageError(`unknown --format '${chosen}' (auto, events, ndjson, json, csv, claude-code, codex, otlp, github)`);
}

/** What `import` was pointed at: a directory, or a file by its first bytes (lib/importers/sources.ts). */
type TargetKind = 'directory' | ReturnType<typeof fileKind>;

/** A file's first 64 KiB; of a gzipped file, the first 64 KiB it holds (see gunzipped). */
function readHead(file: string, kind: TargetKind): Buffer {
  const head = Buffer.alloc(64 * 1024);
  const fd = fs.openSync(file, 'r');
  let raw: Buffer;
  try {
    raw = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
  } finally {
    fs.closeSync(fd);
  }
  if (kind !== 'gzip') return raw;
  try {
    // A sync flush decompresses what the first bytes hold, without asking for the rest.
    return zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, head.length);
  } catch (err) {
    throw new Error(`${file} is not valid gzip: ${(err as Error).message}`);
  }
}

const withoutGz = (name: string) => name.replace(/\.gz$/i, '');

/**
 * A gzipped file (`events.ndjson.gz`), decompressed as it is read: the API takes gzip bodies, so
 * a file saved from one imports as it is. Only the CLI reads one so, from a file the operator
 * chose; the server's uploads are bounded by their size once decompressed (spool.ts).
 */
function gunzipped(file: string): AsyncIterable<Uint8Array> {
  const out = zlib.createGunzip();
  pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), out, () => {}); // an error reaches `out`, which ingest() reads
  return out;
}

export function problemLine(p: Problem): string {
  const where = `${p.file ? `${p.file}: ` : ''}line ${p.line}${p.index !== undefined ? ` (index ${p.index})` : ''}`;
  return `${where}: ${p.field || '(event)'}: ${p.message}`;
}

/** The format of a directory's files: the chosen one, else told from its first file. */
function directoryFormat(dir: string, format: ImportFormat | 'auto'): ImportFormat | null {
  if (format !== 'auto') return format;
  const first = listDirectory(dir, 'auto')[0];
  return first ? detectImportFormat({ filename: first.name, firstBytes: readHead(first.abs, 'plain') }) : null;
}

/** The directory's files, only what is new in them for Claude Code transcripts (unless `full`). */
async function directoryInput(dir: string, format: ImportFormat | 'auto', team: Team, full: boolean): Promise<MultiFileInput | ResumableSource> {
  if (full || directoryFormat(dir, format) !== 'claude-code') return directorySource(dir, format);
  const source = resumableDirectorySource(path.resolve(dir), format, await importedFiles(team.id));
  source.onCommit = (sql, uploadId) => recordImportedFiles(sql, team.id, uploadId, source.marks, Date.now());
  return source;
}

export async function runImport(target: string, team: Team, values: { format?: string; partial?: boolean; full?: boolean }): Promise<IngestResult> {
  if (!fs.existsSync(target)) throw new Error(`${target} does not exist`);
  const kind: TargetKind = fs.statSync(target).isDirectory() ? 'directory' : fileKind(target);
  const format = chooseFormat(values.format ?? 'auto', target, kind);
  const request: IngestRequest = {
    format,
    team: { id: team.id, slug: team.slug },
    partial: values.partial ?? false,
    source: 'cli',
    filename: path.basename(path.resolve(target)),
  };
  const showProgress = process.stderr.isTTY;
  let total = 0;
  const onProgress = showProgress
    ? (p: IngestProgress) => process.stderr.write(`\r${Math.round((100 * p.bytesRead) / Math.max(1, p.totalBytes ?? total))}%  ${p.events} events`)
    : undefined;
  let result: IngestResult;
  const db = await getDb();
  let unchanged = '';
  if (kind === 'directory') {
    const source = await directoryInput(target, format, team, values.full ?? false);
    if ('skipped' in source) {
      unchanged = `${source.skipped} file(s) unchanged, ${source.resumed} read from where the last import stopped`;
      if (source.files.length === 0) {
        console.log(`Nothing new in ${target}: ${unchanged}`);
        return { ok: true, accepted: 0, duplicates: 0, rejectedCount: 0, problems: [], bytes: 0, uploadId: null, files: 0 };
      }
    }
    total = source.totalBytes;
    result = await ingest(db, source, { ...request, totalBytes: source.totalBytes }, onProgress);
  } else if (kind === 'gzip') {
    // No total to show progress against: the size on disk is not what is read.
    try {
      result = await ingest(db, gunzipped(target), { ...request, filename: withoutGz(request.filename ?? '') }, onProgress && ((p) => process.stderr.write(`\r${p.events} events`)));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('Z_')) throw new Error(`${target} is not valid gzip: ${(err as Error).message}; nothing was stored`);
      throw err;
    }
  } else {
    total = fs.statSync(target).size;
    result = await ingestFile(db, target, { ...request, totalBytes: total }, onProgress);
  }
  if (showProgress) process.stderr.write('\n');
  for (const p of result.problems) console.error(problemLine(p));
  if (!result.ok) {
    throw new Error(`${result.rejectedCount} problem(s) in ${target}; nothing was stored (use --partial to store the valid events)`);
  }
  const files = result.files !== undefined ? ` from ${result.files} file(s)` : '';
  console.log(
    `Imported ${target} (${result.format ?? format}${files}) into ${team.slug}: ${result.accepted} accepted, ${result.duplicates} duplicates, ${result.rejectedCount} rejected${unchanged && `; ${unchanged}`}`,
  );
  return result;
}

export async function runImportGit(
  repoPath: string,
  team: Team,
  values: { repo?: string; days?: string; ref?: string },
): Promise<{ result: IngestResult; stats: GitImportStats }> {
  if (!fs.existsSync(repoPath)) throw new Error(`${repoPath} does not exist`);
  const repo = values.repo ?? (await originRepo(repoPath));
  if (!repo || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) {
    throw new CliUsageError(`say which GitHub repository this is: --repo owner/name${repo ? ` ('${repo}' is not one)` : ' (origin names none)'}`);
  }
  const days = values.days === undefined ? 7 : Number(values.days);
  if (!Number.isFinite(days) || days <= 0 || days > 365) throw new CliUsageError(`--days must be a number of days (1–365), got '${values.days}'`);
  const stats: GitImportStats = { commits: 0, changes: 0, modified: 0, reverted: 0 };
  const started = Date.now();
  const result = await ingest(await getDb(), ndjsonChunks(gitHistoryEvents({ repoPath, repo, days, ref: values.ref }, stats)), {
    format: 'ndjson',
    team: { id: team.id, slug: team.slug },
    partial: false,
    source: 'cli',
    filename: `git ${path.basename(path.resolve(repoPath))}`,
  });
  for (const p of result.problems) console.error(problemLine(p));
  if (!result.ok) throw new Error(`${plural(result.rejectedCount, 'invalid event', 'invalid events')} from ${repoPath}; nothing was stored`);
  console.log(
    `Read ${stats.commits} main-line commits of ${repo} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${stats.changes} merged changes, ` +
      `${stats.modified} modifications within ${days} days, ${stats.reverted} reverts; ${result.accepted} events stored, ${result.duplicates} duplicates`,
  );
  return { result, stats };
}

/** Events as NDJSON, in chunks of about 1 MiB. */
async function* ndjsonChunks(events: AsyncIterable<Record<string, unknown>>): AsyncGenerator<string> {
  let buf = '';
  for await (const e of events) {
    buf += JSON.stringify(e) + '\n';
    if (buf.length >= 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

export async function runTeamSet(
  team: Team,
  values: { 'github-secret'?: string; 'bug-label'?: string; 'repo-map'?: string[]; 'no-repo-map'?: string[] },
): Promise<void> {
  const changes: ImportSettingsChanges = {};
  if (values['github-secret'] !== undefined) changes.githubWebhookSecret = values['github-secret'] === '' ? null : values['github-secret'];
  if (values['bug-label'] !== undefined) changes.bugLabel = values['bug-label'] === '' ? null : values['bug-label'];
  if (values['repo-map']) {
    try {
      changes.repoMap = values['repo-map'].map(parseRepoMapping);
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
  }
  if (values['no-repo-map']) changes.removeRepoMap = values['no-repo-map'].map((p) => parseRepoMapping(`${p}=x/x`).path);
  if (Object.keys(changes).length === 0) throw new CliUsageError('team set needs --github-secret, --bug-label, --repo-map or --no-repo-map');
  await saveImportSettings(OPERATOR, team.id, changes);
  await showTeamSettings(team);
}

export async function showTeamSettings(team: Team): Promise<void> {
  const s = await getImportSettings(team.id);
  const secret = s.githubWebhookSecret ? `set (${s.githubWebhookSecret.length} characters)` : 'not set: the webhook refuses every delivery';
  console.log(`Team ${team.slug}: GitHub webhook secret ${secret}; bug label '${s.bugLabel}'`);
  for (const m of s.repoMap) console.log(`  repo map ${m.path} = ${m.repo}`);
  console.log(team.slug);
}
