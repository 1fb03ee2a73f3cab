/**
 * Rows of the outcome KPIs: merged changes with their timelines, and defects (lib/kpi/types.ts).
 * Which of them count in a window at asOf is lib/kpi's to decide; these read what it needs.
 */
import type { DefectRow, MergedChangeRow } from '@/lib/kpi/types';
import type { TeamSource } from '../team-scope';
import { changeMatchSql, type Filter } from './filters';
import type { Dialect, Sql } from '../connection';
import { drivingJoin, listTable } from '../dialect';

const mergedChangesSql = (f: Filter | null) => `
  SELECT c.change AS change, c.merged_at AS "mergedAt" FROM changes c
  WHERE c.team_id = @team AND c.merged_at >= @from AND c.merged_at < @end${f ? ` AND ${changeMatchSql(f)}` : ''}`;

const MERGED_CHANGE_EVENTS_SQL = `
  SELECT ce.change AS change, ce.kind AS kind, ce.ts AS ts
  FROM changes c
  JOIN change_events ce ON ce.team_id = c.team_id AND ce.change = c.change
  WHERE c.team_id = @team AND c.merged_at >= @from AND c.merged_at < @end
    AND ce.kind IN ('modified', 'reverted')`;

const MERGED_CHANGE_DEFECTS_SQL = `
  SELECT dl.change AS change, dl.ts AS ts
  FROM changes c
  JOIN defect_links dl ON dl.team_id = c.team_id AND dl.change = c.change
  WHERE c.team_id = @team AND c.merged_at >= @from AND c.merged_at < @end`;

/**
 * The team's changes merged in [from, end), `end` at most asOf + 1 (with filters: those matching
 * at asOf), with (when `timelines`) every change.modified, change.reverted and
 * defect.opened-naming ts of theirs, whatever its ts.
 */
export async function mergedChangeRows(
  db: Sql,
  src: TeamSource,
  from: number,
  end: number,
  asOf: number,
  timelines: boolean,
  f: Filter | null,
): Promise<MergedChangeRow[]> {
  if (!(end > from)) return [];
  const params = { team: src.teamId, from, end };
  const byId = new Map<string, MergedChangeRow>();
  for (const r of await db.all<{ change: string; mergedAt: number }>(mergedChangesSql(f), { ...params, asOf, ...f })) {
    byId.set(r.change, { change: src.prefix + r.change, mergedAt: r.mergedAt, modifiedAt: [], revertedAt: [], defectNamedAt: [] });
  }
  if (timelines && byId.size > 0) {
    for (const e of await db.all<{ change: string; kind: string; ts: number }>(MERGED_CHANGE_EVENTS_SQL, params)) {
      const row = byId.get(e.change);
      if (row) (e.kind === 'modified' ? row.modifiedAt : row.revertedAt).push(e.ts);
    }
    for (const l of await db.all<{ change: string; ts: number }>(MERGED_CHANGE_DEFECTS_SQL, params)) {
      byId.get(l.change)?.defectNamedAt.push(l.ts);
    }
  }
  return [...byId.values()];
}

/**
 * With filters, a defect counts when a defect.opened of it at or before asOf names a change
 * matching at asOf (defect_links, through defect_links_team_defect).
 */
const defectsSql = (f: Filter | null) => `
  SELECT d.defect AS defect, d.opened_at AS "openedAt", d.fixed_at AS "fixedAt" FROM defects d
  WHERE d.team_id = @team AND d.opened_at >= @from AND d.opened_at < @end${f ? `
    AND EXISTS (
      SELECT 1 FROM defect_links dl
      JOIN changes c ON c.team_id = dl.team_id AND c.change = dl.change
      WHERE dl.team_id = d.team_id AND dl.defect = d.defect AND dl.ts <= @asOf
        AND c.first_event_at <= @asOf AND ${changeMatchSql(f)}
    )` : ''}`;

/**
 * The team's defects opened in [from, end), their earliest fix as stored (any ts); with filters,
 * only those naming a matching change.
 */
export async function defectRows(db: Sql, src: TeamSource, from: number, end: number, asOf: number, f: Filter | null): Promise<DefectRow[]> {
  if (!(end > from)) return [];
  const rows = await db.all<DefectRow>(defectsSql(f), { team: src.teamId, from, end, asOf, ...f });
  return src.prefix ? rows.map((d) => ({ ...d, defect: src.prefix + d.defect })) : rows;
}

/** The change.modified and change.reverted of the changes listed in @changes, through change_events_team_change. */
const changeTimelinesSql = (d: Dialect) => `
  SELECT ce.change AS change, ce.kind AS kind, ce.ts AS ts
  FROM ${listTable(d, 'changes', 'l')}
  ${drivingJoin(d)} change_events ce ON ce.team_id = @team AND ce.change = l.value
  WHERE ce.kind IN ('modified', 'reverted')`;

/**
 * The given changes of team `src` (ids as stored, with their merge) with every change.modified and
 * change.reverted ts of theirs, whatever its ts (lib/kpi applies asOf); defectNamedAt is left empty.
 */
export async function changeTimelines(db: Sql, src: TeamSource, merges: ReadonlyMap<string, number>): Promise<MergedChangeRow[]> {
  const byId = new Map<string, MergedChangeRow>();
  for (const [change, mergedAt] of merges) byId.set(change, { change: src.prefix + change, mergedAt, modifiedAt: [], revertedAt: [], defectNamedAt: [] });
  if (byId.size === 0) return [];
  for (const e of await db.all<{ change: string; kind: string; ts: number }>(changeTimelinesSql(db.dialect), { team: src.teamId, changes: [...byId.keys()] })) {
    const row = byId.get(e.change);
    if (row) (e.kind === 'modified' ? row.modifiedAt : row.revertedAt).push(e.ts);
  }
  return [...byId.values()];
}
