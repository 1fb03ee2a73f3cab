/**
 * What a team's directory imports already read of each file (table `imported_files`, see
 * db/schema.ts): the CLI reads it before an import to skip or resume files
 * (lib/importers/resume.ts), and the import records what it read inside its own transaction.
 */
import 'server-only';
import type { FileMark } from '@/lib/importers/resume';
import { getDb, type DbArg, type Sql } from './connection';

/** The team's marks by absolute path. */
export async function importedFiles(teamId: number, db: DbArg = getDb()): Promise<Map<string, FileMark>> {
  const rows = await (await db).all<FileMark & { path: string }>(
    `SELECT path, size, mtime_ms AS "mtimeMs", hash, read_to AS "readTo", lines FROM imported_files WHERE team_id = @teamId`,
    { teamId },
  );
  return new Map(rows.map(({ path, ...mark }) => [path, { ...mark, size: Number(mark.size), mtimeMs: Number(mark.mtimeMs), readTo: Number(mark.readTo), lines: Number(mark.lines) }]));
}

/** Records what an upload read (`sql`: its transaction), replacing earlier marks of the same files. */
export async function recordImportedFiles(sql: Sql, teamId: number, uploadId: number, marks: ReadonlyMap<string, FileMark>, now: number): Promise<void> {
  for (const [path, m] of marks) {
    await sql.run(
      `INSERT INTO imported_files (team_id, path, size, mtime_ms, hash, read_to, lines, upload_id, imported_at)
       VALUES (@teamId, @path, @size, @mtimeMs, @hash, @readTo, @lines, @uploadId, @now)
       ON CONFLICT (team_id, path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash,
         read_to = excluded.read_to, lines = excluded.lines, upload_id = excluded.upload_id, imported_at = excluded.imported_at`,
      { teamId, path, ...m, uploadId, now },
    );
  }
}
