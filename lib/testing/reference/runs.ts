/**
 * api-v1 GET /api/v1/runs: "the runs whose last event falls in the window (the runs kpis-v1 judges
 * for flags), newest last event first, each exactly as seen at `asOf`; `status` is its earliest
 * `run.ended`'s, else `running`; `iterations` counts its `iteration` events; `tokens` and
 * `costUsd` are over all its own `llm.call` events (kpis-v1 pricing); `changes` are the changes
 * linked to it, `converged` whether one was merged; `flags` are the kinds of its run flags".
 * Ties of the last event: run id ascending (as shown, i.e. `<team>/<run>` with several teams).
 * Only the runs matching the filters (docs/kpis.md "Filters": Runs).
 */
import { converged } from './linking';
import { referenceFlags } from './flags';
import { sumCost, sumTokens } from './kpis';
import { runMatches, type Scope } from './scope';
import { inRange, isoInstant } from './time';
import type { RefRun } from './types';

export function referenceRuns(s: Scope, from: number, to: number): RefRun[] {
  const flagKinds = new Map<string, string[]>();
  for (const f of referenceFlags(s, from, to)) {
    if (f.kind === 'divergence') continue;
    flagKinds.set(f.run, [...(flagKinds.get(f.run) ?? []), f.kind]);
  }
  const out: { at: number; item: RefRun }[] = [];
  for (const team of s.teams) {
    for (const r of team.state.runs.values()) {
      if (!inRange(r.lastEventAt, from, to) || !runMatches(r, s.filters)) continue;
      const id = team.prefix + r.run;
      const calls = r.own.filter((e) => e.type === 'llm.call');
      out.push({
        at: r.lastEventAt,
        item: {
          run: id,
          agent: r.agent,
          repo: r.repo,
          branch: r.branch,
          status: r.end ? (r.end.status as string) : 'running',
          startedAt: r.start ? isoInstant(r.start.ts) : null,
          endedAt: r.end ? isoInstant(r.end.ts) : null,
          lastEventAt: isoInstant(r.lastEventAt),
          iterations: r.own.filter((e) => e.type === 'iteration').length,
          tokens: sumTokens(calls),
          costUsd: sumCost(calls).costUsd,
          changes: r.changes
            .map((c) => ({ change: team.prefix + c.change, mergedAt: c.merge ? isoInstant(c.merge.ts) : null }))
            .sort((a, b) => (a.change < b.change ? -1 : a.change > b.change ? 1 : 0)),
          converged: converged(r),
          flags: [...(flagKinds.get(id) ?? [])].sort(),
        },
      });
    }
  }
  out.sort((a, b) => b.at - a.at || (a.item.run < b.item.run ? -1 : a.item.run > b.item.run ? 1 : 0));
  return out.map((o) => o.item);
}
