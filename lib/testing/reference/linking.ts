/**
 * events-v1 "Linking", evaluated over the events that exist at asOf (events.ts): runs, changes,
 * defects, and which changes belong to which run. Brute force over the events, on purpose.
 */
import { earliest, earlier, RUN_SCOPED, str, type Ev } from './events';

export interface Run {
  /** The run id as sent. */
  run: string;
  /** "Its start is its earliest `run.started`". */
  start: Ev | null;
  /** "its end its earliest `run.ended`". */
  end: Ev | null;
  /** "its `repo` and `branch` are those of that `run.started`" (agent and model too: docs/kpis.md Filters). */
  repo: string | null;
  branch: string | null;
  agent: string | null;
  model: string | null;
  /** "Its last event is the latest of its own events." */
  lastEventAt: number;
  /** "A run's own events are the events of the run-scoped types ... that name it in `run`." */
  own: Ev[];
  /** The changes linked to it (filled by `linkChanges`). */
  changes: Change[];
}

export interface Change {
  change: string;
  /** "A change's events are the `change.*` events that name it." */
  events: Ev[];
  /** "Its merge is its earliest `change.merged`". */
  merge: Ev | null;
  /** "its `run`, `repo` and `branch` are each taken from the earliest of its events that carries the field". */
  run: string | null;
  repo: string | null;
  branch: string | null;
  /** "the change was opened (its earliest `change.opened`, or its earliest event when there is none)". */
  openedAt: number;
  /** The run it belongs to (its id), or null. */
  linkedRun: string | null;
}

export interface Defect {
  defect: string;
  /** "A defect's opening and fix are its earliest `defect.opened` and `defect.fixed`." */
  opened: Ev | null;
  fixed: Ev | null;
  /** Every `defect.opened` of it, for the filters ("some `defect.opened` ... names a matching change"). */
  openings: Ev[];
}

/** One team's state at asOf. */
export interface TeamState {
  runs: Map<string, Run>;
  changes: Map<string, Change>;
  defects: Map<string, Defect>;
  /** Every `defect.opened` event (defectRate: "named in a `defect.opened`"). */
  defectOpenings: Ev[];
  /** Every `llm.call` event. */
  llmCalls: Ev[];
}

/** The earliest of `events` that carries `field` (a string), as that field's value. */
function earliestValue(events: readonly Ev[], field: string): string | null {
  return str(earliest(events.filter((e) => typeof e[field] === 'string')), field);
}

/** The events that `keyOf` gives a key (a string field), grouped by it. */
function groupBy(events: readonly Ev[], keyOf: (e: Ev) => unknown): Map<string, Ev[]> {
  const groups = new Map<string, Ev[]>();
  for (const e of events) {
    const key = keyOf(e);
    if (typeof key === 'string') groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return groups;
}

function buildRuns(events: readonly Ev[]): Map<string, Run> {
  const own = groupBy(events, (e) => (RUN_SCOPED.has(e.type) ? e.run : undefined));
  const runs = new Map<string, Run>();
  for (const [run, list] of own) {
    const start = earliest(list.filter((e) => e.type === 'run.started'));
    runs.set(run, {
      run,
      start,
      end: earliest(list.filter((e) => e.type === 'run.ended')),
      repo: str(start, 'repo'),
      branch: str(start, 'branch'),
      agent: str(start, 'agent'),
      model: str(start, 'model'),
      lastEventAt: Math.max(...list.map((e) => e.ts)),
      own: list,
      changes: [],
    });
  }
  return runs;
}

function buildChanges(events: readonly Ev[]): Map<string, Change> {
  const byChange = groupBy(events, (e) => (e.type.startsWith('change.') ? e.change : undefined));
  const changes = new Map<string, Change>();
  for (const [change, list] of byChange) {
    const opened = earliest(list.filter((e) => e.type === 'change.opened'));
    changes.set(change, {
      change,
      events: list,
      merge: earliest(list.filter((e) => e.type === 'change.merged')),
      run: earliestValue(list, 'run'),
      repo: earliestValue(list, 'repo'),
      branch: earliestValue(list, 'branch'),
      openedAt: (opened ?? earliest(list)!).ts,
      linkedRun: null,
    });
  }
  return changes;
}

/**
 * "A change belongs to a run when it names `run`; otherwise to the latest-started run of the same
 * team with the same `repo` and `branch` that started strictly before the change was opened".
 * A change without repo or without branch matches no run's (there is nothing to be "the same").
 * Two runs started at the same ms: the greatest run id is the latest-started (docs/kpis.md).
 */
function linkOf(c: Change, runs: ReadonlyMap<string, Run>): string | null {
  if (c.run !== null) return c.run;
  if (c.repo === null || c.branch === null) return null;
  let best: Run | null = null;
  for (const r of runs.values()) {
    if (r.start === null || r.repo !== c.repo || r.branch !== c.branch) continue;
    if (!(r.start.ts < c.openedAt)) continue;
    if (best === null || r.start.ts > best.start!.ts || (r.start.ts === best.start!.ts && r.run > best.run)) best = r;
  }
  return best?.run ?? null;
}

function buildDefects(events: readonly Ev[]): Map<string, Defect> {
  const defects = new Map<string, Defect>();
  for (const e of events) {
    if ((e.type !== 'defect.opened' && e.type !== 'defect.fixed') || typeof e.defect !== 'string') continue;
    let d = defects.get(e.defect);
    if (!d) defects.set(e.defect, (d = { defect: e.defect, opened: null, fixed: null, openings: [] }));
    if (e.type === 'defect.opened') {
      d.openings.push(e);
      if (d.opened === null || earlier(e, d.opened)) d.opened = e;
    } else if (d.fixed === null || earlier(e, d.fixed)) d.fixed = e;
  }
  return defects;
}

/** A team's runs, changes (linked) and defects, from the events that exist at asOf. */
export function teamState(events: readonly Ev[]): TeamState {
  const runs = buildRuns(events);
  const changes = buildChanges(events);
  for (const c of changes.values()) {
    c.linkedRun = linkOf(c, runs);
    if (c.linkedRun !== null) runs.get(c.linkedRun)?.changes.push(c);
  }
  return {
    runs,
    changes,
    defects: buildDefects(events),
    defectOpenings: events.filter((e) => e.type === 'defect.opened'),
    llmCalls: events.filter((e) => e.type === 'llm.call'),
  };
}

/** "A run *converged* when at least one change linked to it was merged" (at asOf: its merge exists). */
export const converged = (r: Run) => r.changes.some((c) => c.merge !== null);
