/**
 * Test support (never imported by the app): the naive in-memory KPI oracle. It builds the input
 * rows of lib/kpi and lib/flags straight from a list of events-v1 events — one UsageRow per
 * llm.call, full RunRows for every run, events-v1 Linking by brute force — so that what the SQL
 * query layer (lib/data/kpis.ts) and the HTTP API answer can be held against `computeKpis`,
 * `computeWeeklyKpis` and `computeFlags` over rows nobody optimised.
 *
 * Used by lib/data/kpis.test.ts (vitest) and e2e/kpis-api.spec.ts (Playwright), so it imports
 * only pure modules, by relative path.
 */
import type { DefectRow, KpiInput, MergedChangeRow, RunRow, UsageRow } from '../types';

/** An event as sent: `ts` as epoch ms or RFC 3339; the other fields as in events-v1. */
export type OracleEvent = Record<string, unknown> & { id: string; type: string; ts: number | string };

// The naive in-memory oracle: rows built straight from the events, one UsageRow per llm.call,
// full RunRows for every run, Linking by brute force. Events are told apart by id alone (ids are
// per team): pass one team's events.

const tsOf = (e: OracleEvent) => (typeof e.ts === 'number' ? e.ts : Date.parse(e.ts));
const RUN_TYPES = new Set(['run.started', 'run.ended', 'iteration', 'llm.call', 'tool.call', 'test.result', 'message']);

export function naiveRows(all: readonly OracleEvent[]): KpiInput {
  const events = [...new Map(all.map((e) => [e.id, e])).values()];
  const runs = new Map<string, RunRow & { startedAt: number | null; repo: string | null; branch: string | null }>();
  interface C { first: number; opened: number | null; merged: number | null; run: [number, string] | null; repo: [number, string] | null; branch: [number, string] | null; modified: number[]; reverted: number[]; named: number[] }
  const changes = new Map<string, C>();
  const defects = new Map<string, { opened: number | null; fixed: number | null }>();
  const usage: UsageRow[] = [];
  const min = (a: number | null, b: number) => (a === null || b < a ? b : a);
  const earliest = (cur: [number, string] | null, ts: number, v: unknown): [number, string] | null =>
    typeof v === 'string' && (cur === null || ts < cur[0]) ? [ts, v] : cur;
  for (const e of events) {
    const ts = tsOf(e);
    if (RUN_TYPES.has(e.type) && typeof e.run === 'string') {
      let r = runs.get(e.run);
      if (!r) {
        r = { run: e.run, startsAt: [], endsAt: [], iterationsAt: [], tests: [], messagesAt: [], toolCallsAt: [], llmCalls: [], linkedChanges: [], startedAt: null, repo: null, branch: null };
        runs.set(e.run, r);
      }
      if (e.type === 'run.started') {
        r.startsAt.push(ts);
        if (r.startedAt === null || ts < r.startedAt) {
          r.startedAt = ts;
          r.repo = (e.repo as string) ?? null;
          r.branch = (e.branch as string) ?? null;
        }
      }
      if (e.type === 'run.ended') r.endsAt.push(ts);
      if (e.type === 'iteration') r.iterationsAt.push(ts);
      if (e.type === 'message') r.messagesAt.push(ts);
      if (e.type === 'tool.call') r.toolCallsAt.push(ts);
      if (e.type === 'test.result') r.tests.push({ at: ts, failed: e.failed as number });
    }
    if (e.type === 'llm.call') {
      const t = { i: (e.input_tokens as number) ?? 0, o: (e.output_tokens as number) ?? 0, cr: (e.cache_read_tokens as number) ?? 0, cw: (e.cache_write_tokens as number) ?? 0 };
      runs.get(e.run as string)!.llmCalls.push({ at: ts, tokens: t.i + t.o + t.cr + t.cw });
      const costless = e.cost_usd === undefined;
      usage.push({
        at: ts, model: e.model as string, calls: 1, inputTokens: t.i, outputTokens: t.o, cacheReadTokens: t.cr, cacheWriteTokens: t.cw,
        explicitCostUsd: costless ? 0 : (e.cost_usd as number), costlessCalls: costless ? 1 : 0,
        costlessInputTokens: costless ? t.i : 0, costlessOutputTokens: costless ? t.o : 0,
        costlessCacheReadTokens: costless ? t.cr : 0, costlessCacheWriteTokens: costless ? t.cw : 0,
      });
    }
    if (e.type.startsWith('change.')) {
      const id = e.change as string;
      let c = changes.get(id);
      if (!c) changes.set(id, (c = { first: ts, opened: null, merged: null, run: null, repo: null, branch: null, modified: [], reverted: [], named: [] }));
      c.first = Math.min(c.first, ts);
      c.run = earliest(c.run, ts, e.run);
      c.repo = earliest(c.repo, ts, e.repo);
      c.branch = earliest(c.branch, ts, e.branch);
      if (e.type === 'change.opened') c.opened = min(c.opened, ts);
      if (e.type === 'change.merged') c.merged = min(c.merged, ts);
      if (e.type === 'change.modified') c.modified.push(ts);
      if (e.type === 'change.reverted') c.reverted.push(ts);
    }
    if (e.type === 'defect.opened' || e.type === 'defect.fixed') {
      const id = e.defect as string;
      let d = defects.get(id);
      if (!d) defects.set(id, (d = { opened: null, fixed: null }));
      if (e.type === 'defect.opened') d.opened = min(d.opened, ts);
      else d.fixed = min(d.fixed, ts);
    }
  }
  for (const e of events) {
    if (e.type !== 'defect.opened') continue;
    for (const id of (e.changes as string[] | undefined) ?? []) changes.get(id)?.named.push(tsOf(e));
  }
  // Linking (events-v1): the named run, else the latest-started run on the same repo and branch
  // started strictly before the change was opened (ties: greatest run id).
  for (const [id, c] of changes) {
    let run: string | null = c.run?.[1] ?? null;
    if (run === null && c.repo && c.branch) {
      const at = c.opened ?? c.first;
      let best: { startedAt: number; run: string } | null = null;
      for (const r of runs.values()) {
        if (r.startedAt === null || r.repo !== c.repo[1] || r.branch !== c.branch[1] || !(r.startedAt < at)) continue;
        if (!best || r.startedAt > best.startedAt || (r.startedAt === best.startedAt && r.run > best.run)) best = { startedAt: r.startedAt, run: r.run };
      }
      run = best?.run ?? null;
    }
    if (run !== null) runs.get(run)?.linkedChanges.push({ change: id, firstEventAt: c.first, mergedAt: c.merged });
  }
  const mergedRows: MergedChangeRow[] = [...changes]
    .filter(([, c]) => c.merged !== null)
    .map(([change, c]) => ({ change, mergedAt: c.merged!, modifiedAt: c.modified, revertedAt: c.reverted, defectNamedAt: c.named }));
  const defectRows: DefectRow[] = [...defects]
    .filter(([, d]) => d.opened !== null)
    .map(([defect, d]) => ({ defect, openedAt: d.opened!, fixedAt: d.fixed }));
  const runRows: RunRow[] = [...runs.values()].map(({ startedAt: _s, repo: _r, branch: _b, ...row }) => row);
  return { changes: mergedRows, defects: defectRows, usage, runs: runRows };
}

/**
 * Costs rounded to 1e-9 USD: a daily rollup adds the same terms in another order (and prices
 * summed tokens rather than each call's), so costs agree to the last few ulps, not bit for bit.
 */
export function roundCosts<T>(v: T): T {
  return JSON.parse(JSON.stringify(v), (key, x) =>
    typeof x === 'number' && /^cost/i.test(key) ? Math.round(x * 1e9) / 1e9 : x,
  );
}

/**
 * The differences between two answers (as JSON), by path: numbers under a key starting with
 * `cost` (costUsd, costPerMergedChange, …) may differ by `costTolerance`; everything else must be
 * equal exactly. Empty when they agree.
 */
export function figureDifferences(actual: unknown, expected: unknown, costTolerance = 1e-9): string[] {
  const out: string[] = [];
  const walk = (a: unknown, e: unknown, path: string, key: string) => {
    if (typeof a === 'number' && typeof e === 'number' && /^cost/i.test(key)) {
      if (!(Math.abs(a - e) <= costTolerance)) out.push(`${path}: ${a} vs ${e} (beyond ${costTolerance})`);
      return;
    }
    if (Array.isArray(a) && Array.isArray(e)) {
      if (a.length !== e.length) out.push(`${path}: length ${a.length} vs ${e.length}`);
      for (let i = 0; i < Math.min(a.length, e.length); i++) walk(a[i], e[i], `${path}[${i}]`, key);
      return;
    }
    if (a && e && typeof a === 'object' && typeof e === 'object' && !Array.isArray(a) && !Array.isArray(e)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
      for (const k of [...keys].sort()) {
        const ra = a as Record<string, unknown>;
        const re = e as Record<string, unknown>;
        if (!(k in ra)) out.push(`${path}.${k}: missing (expected ${JSON.stringify(re[k])})`);
        else if (!(k in re)) out.push(`${path}.${k}: unexpected ${JSON.stringify(ra[k])}`);
        else walk(ra[k], re[k], `${path}.${k}`, k);
      }
      return;
    }
    if (!Object.is(a, e)) out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(e)}`);
  };
  // As JSON, both: an answer read over HTTP has no undefined, no -0, no NaN.
  walk(JSON.parse(JSON.stringify(actual) ?? 'null'), JSON.parse(JSON.stringify(expected) ?? 'null'), '$', '');
  return out;
}
