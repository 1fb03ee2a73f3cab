/**
 * The agent / model / repo filters (docs/kpis.md "Filters") as SQL over the entity tables, every
 * part as seen at `@asOf`: a run's agent, model and repo are those of its earliest run.started,
 * which exists at asOf only when it is at or before it; a change's link and repo are events-v1
 * Linking at asOf (linking.ts).
 */
import { linkedRunSql } from './linking';

/** The filter values a request gives; absent (undefined) ones do not narrow. */
export interface KpiFilters {
  agent?: string;
  model?: string;
  repo?: string;
}

/** The filters given, as SQL parameters (`@fAgent`, `@fModel`, `@fRepo`); null when none is. */
export interface Filter {
  fAgent: string | null;
  fModel: string | null;
  fRepo: string | null;
}

export function normalizeFilters(filters: KpiFilters | null | undefined): Filter | null {
  const f: Filter = { fAgent: filters?.agent ?? null, fModel: filters?.model ?? null, fRepo: filters?.repo ?? null };
  return f.fAgent === null && f.fModel === null && f.fRepo === null ? null : f;
}

/**
 * SQL: the run `alias` (e.g. `r.`, or `` for an unaliased `runs`) matches the filters at @asOf: it
 * has started by then, and its agent, model (unless `withModel` is false) and repo equal the values
 * given. `TRUE` with none.
 */
export function runMatchSql(f: Filter | null, alias: string, withModel = true): string {
  const parts: string[] = [];
  if (f?.fAgent != null) parts.push(`${alias}agent = @fAgent`);
  if (withModel && f?.fModel != null) parts.push(`${alias}model = @fModel`);
  if (f?.fRepo != null) parts.push(`${alias}repo = @fRepo`);
  return parts.length ? [`${alias}started_at <= @asOf`, ...parts].join(' AND ') : 'TRUE';
}

/**
 * SQL: the change `c` (a `changes` row) matches at @asOf: the run it belongs to then matches; or,
 * with `repo` the only filter, its own repo then is that repo.
 */
export function changeMatchSql(f: Filter): string {
  const repoOnly = f.fRepo !== null && f.fAgent === null && f.fModel === null;
  return `(${repoOnly ? 'c.repo_at <= @asOf AND c.repo = @fRepo OR ' : ''}EXISTS (
    SELECT 1 FROM runs m
    WHERE m.team_id = c.team_id AND ${runMatchSql(f, 'm.')} AND m.run = ${linkedRunSql('c')}
  ))`;
}
