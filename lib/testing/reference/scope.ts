/**
 * What a question sees: each team asked for (kpis-v1: "for one team (or several, summed as if
 * one)") with its state at asOf and its thresholds, and the filters of docs/kpis.md "Filters".
 *
 * Several teams: ids are shown as `<team>/<id>` (docs/kpis.md: "run ids in flags read
 * `<team>/<run>` so that two teams' `r1` stay two runs"); one team: as sent.
 */
import { eventsAt, type Ev } from './events';
import { teamState, type Change, type Defect, type Run, type TeamState } from './linking';
import { DEFAULT_THRESHOLDS, type Filters, type Question, type RawEvent, type Thresholds } from './types';

export interface TeamView {
  slug: string;
  /** `<slug>/` with several teams, else empty. */
  prefix: string;
  thresholds: Thresholds;
  state: TeamState;
}

export interface Scope {
  teams: TeamView[];
  /** The `team` of the answers: the slugs joined by `,`. */
  label: string;
  asOf: number;
  filters: Filters;
}

export function scopeOf(uploads: readonly (readonly RawEvent[])[], q: Question): Scope {
  const several = q.teams.length > 1;
  return {
    teams: q.teams.map((t) => ({
      slug: t.slug,
      prefix: several ? `${t.slug}/` : '',
      thresholds: { ...DEFAULT_THRESHOLDS, ...t.thresholds },
      state: teamState(eventsAt(uploads, t.slug, q.window.asOf)),
    })),
    label: q.teams.map((t) => t.slug).join(','),
    asOf: q.window.asOf,
    filters: q.filters ?? {},
  };
}

const given = (f: Filters) => f.agent !== undefined || f.model !== undefined || f.repo !== undefined;

/**
 * "A run matches when its `agent` / `model` / `repo` — those of its earliest `run.started` —
 * equal the filter values given. A run without a `run.started`, or whose `run.started` lacks the
 * field, matches no filter on that field."
 */
export function runMatches(r: Run, f: Filters, fields: readonly ('agent' | 'model' | 'repo')[] = ['agent', 'model', 'repo']): boolean {
  return fields.every((k) => f[k] === undefined || r[k] === f[k]);
}

/**
 * "A change matches when it is linked ... to a matching run. With `repo` alone, a change also
 * matches when its own repo (from its earliest event that carries one) equals the filter".
 */
export function changeMatches(t: TeamView, c: Change, f: Filters): boolean {
  if (!given(f)) return true;
  const run = c.linkedRun === null ? undefined : t.state.runs.get(c.linkedRun);
  if (run && runMatches(run, f)) return true;
  return f.repo !== undefined && f.agent === undefined && f.model === undefined && c.repo === f.repo;
}

/**
 * "Usage: the `llm.call` events of matching runs. With `model`, only the calls whose own `model`
 * equals the filter, of the runs matching `agent` and `repo` when those are given; with `model`
 * alone, every call of that model whatever its run."
 */
export function callMatches(t: TeamView, e: Ev, f: Filters): boolean {
  if (!given(f)) return true;
  if (f.model !== undefined && e.model !== f.model) return false;
  if (f.agent === undefined && f.repo === undefined) return true;
  const run = t.state.runs.get(e.run as string)!;
  return runMatches(run, f, ['agent', 'repo']);
}

/**
 * "Defects: the defects opened in the window of which some `defect.opened` at or before `asOf`
 * names a matching change (in its `changes`)."
 */
export function defectMatches(t: TeamView, d: Defect, f: Filters): boolean {
  if (!given(f)) return true;
  return d.openings.some((e) =>
    ((e.changes as string[] | undefined) ?? []).some((id) => {
      const c = t.state.changes.get(id);
      return c !== undefined && changeMatches(t, c, f);
    }),
  );
}
