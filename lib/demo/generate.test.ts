import { describe, it, expect } from 'vitest';
import { generateBenchEvents } from './bench-events';
import { generateDemoEvents } from './generate';
import { DEMO_TEAMS } from './teams';
import { toCsv, toNdjsonLines, type WireEvent } from './wire';
import { Rng } from './random';
import { validateEvent } from '../events/validate';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const AS_OF = Date.parse('2026-11-20T10:15:00.000Z'); // a Friday

// -------------------------------------------------------------------------------------------
// A light structural check of events-v1's required fields (the real validator lives elsewhere).

const RUN_SCOPED = new Set(['run.started', 'run.ended', 'iteration', 'llm.call', 'tool.call', 'test.result', 'message']);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);

function structuralProblems(e: WireEvent): string[] {
  const p: string[] = [];
  const r = e as unknown as Record<string, unknown>;
  if (!isStr(e.id) || e.id.length > 200) p.push('id');
  if (typeof e.ts !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.ts) || Number.isNaN(Date.parse(e.ts))) p.push('ts');
  if (typeof e.team !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(e.team)) p.push('team');
  if (RUN_SCOPED.has(e.type) && (!isStr(e.run) || e.run.length > 200)) p.push('run');
  if (e.attrs !== undefined && (typeof e.attrs !== 'object' || Array.isArray(e.attrs) || JSON.stringify(e.attrs).length > 8192)) p.push('attrs');
  for (const f of ['agent', 'model', 'repo', 'branch'] as const) if (!optional(r[f], isStr)) p.push(f);
  switch (e.type) {
    case 'run.started':
      if (!optional(e.task, isStr)) p.push('task');
      break;
    case 'run.ended':
      if (!['succeeded', 'failed', 'abandoned', 'cancelled'].includes(e.status as string)) p.push('status');
      break;
    case 'iteration':
      if (!Number.isInteger(e.n) || (e.n as number) < 1) p.push('n');
      break;
    case 'llm.call':
      if (!isStr(e.model)) p.push('model');
      if (!isCount(e.input_tokens)) p.push('input_tokens');
      if (!isCount(e.output_tokens)) p.push('output_tokens');
      if (!optional(e.cache_read_tokens, isCount)) p.push('cache_read_tokens');
      if (!optional(e.cache_write_tokens, isCount)) p.push('cache_write_tokens');
      if (!optional(e.cost_usd, (v) => typeof v === 'number' && v >= 0)) p.push('cost_usd');
      break;
    case 'tool.call':
      if (!isStr(e.tool)) p.push('tool');
      if (!optional(e.ok, (v) => typeof v === 'boolean')) p.push('ok');
      if (!optional(e.duration_ms, (v) => typeof v === 'number' && v >= 0)) p.push('duration_ms');
      break;
    case 'test.result':
      if (!isCount(e.passed)) p.push('passed');
      if (!isCount(e.failed)) p.push('failed');
      if (!optional(e.skipped, isCount)) p.push('skipped');
      break;
    case 'message':
      if (!isStr(e.from)) p.push('from');
      if (!isStr(e.to)) p.push('to');
      if (!optional(e.tokens, isCount)) p.push('tokens');
      break;
    case 'change.opened':
    case 'change.merged':
    case 'change.closed':
    case 'change.reverted':
    case 'change.modified':
      if (!isStr(e.change)) p.push('change');
      if (e.type === 'change.modified' && !optional(e.lines, (v) => Number.isInteger(v) && (v as number) >= 1)) p.push('lines');
      if (e.type === 'change.reverted' && !optional(e.by, isStr)) p.push('by');
      break;
    case 'defect.opened':
    case 'defect.fixed':
      if (!isStr(e.defect)) p.push('defect');
      if (!optional(e.changes, (v) => Array.isArray(v) && v.every(isStr))) p.push('changes');
      if (!optional(e.change, isStr)) p.push('change');
      break;
    default:
      p.push('type');
  }
  return p;
}

// -------------------------------------------------------------------------------------------
// A self-contained reference of kpis-v1's linking and flag rules (default thresholds).

interface RunInfo {
  id: string;
  start?: number;
  repo?: string;
  branch?: string;
  ended?: number;
  last: number;
  tokens: number;
  iterations: number[];
  tests: { ts: number; failed: number }[];
  messages: number;
  tools: number;
  linked: number;
  converged: boolean;
}

interface TeamFlags {
  runs: Map<string, RunInfo>;
  burn: string[];
  stalled: string[];
  chatter: string[];
  divergence: boolean;
  divergenceEvidence: { earlierTokens: number; recentTokens: number; earlierMerged: number; recentMerged: number };
  ended: number;
  converged: number;
}

const tokensOf = (e: WireEvent): number =>
  (e.input_tokens ?? 0) + (e.output_tokens ?? 0) + (e.cache_read_tokens ?? 0) + (e.cache_write_tokens ?? 0);

function nearestRank(values: number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.ceil(p * v.length) - 1];
}

function computeFlags(all: WireEvent[], asOf: number, from: number, to: number): TeamFlags {
  const events = all.filter((e) => Date.parse(e.ts) <= asOf);
  const runs = new Map<string, RunInfo>();
  const changes = new Map<string, { ts: number; e: WireEvent }[]>();
  for (const e of events) {
    const ts = Date.parse(e.ts);
    if (RUN_SCOPED.has(e.type)) {
      const id = e.run as string;
      let r = runs.get(id);
      if (!r) {
        r = { id, last: ts, tokens: 0, iterations: [], tests: [], messages: 0, tools: 0, linked: 0, converged: false };
        runs.set(id, r);
      }
      r.last = Math.max(r.last, ts);
      if (e.type === 'run.started' && (r.start === undefined || ts < r.start)) {
        r.start = ts;
        r.repo = e.repo;
        r.branch = e.branch;
      }
      if (e.type === 'run.ended' && (r.ended === undefined || ts < r.ended)) r.ended = ts;
      if (e.type === 'llm.call') r.tokens += tokensOf(e);
      if (e.type === 'iteration') r.iterations.push(ts);
      if (e.type === 'test.result') r.tests.push({ ts, failed: e.failed as number });
      if (e.type === 'message') r.messages++;
      if (e.type === 'tool.call') r.tools++;
    } else if (e.type.startsWith('change.')) {
      const list = changes.get(e.change as string) ?? [];
      list.push({ ts, e });
      changes.set(e.change as string, list);
    }
  }
  const runList = [...runs.values()];
  const merges: number[] = [];
  for (const list of changes.values()) {
    list.sort((a, b) => a.ts - b.ts);
    const opened = list.find((x) => x.e.type === 'change.opened')?.ts ?? list[0].ts;
    const merged = list.find((x) => x.e.type === 'change.merged')?.ts;
    if (merged !== undefined) merges.push(merged);
    const runField = list.find((x) => x.e.run !== undefined)?.e.run;
    const repo = list.find((x) => x.e.repo !== undefined)?.e.repo;
    const branch = list.find((x) => x.e.branch !== undefined)?.e.branch;
    let run: RunInfo | undefined;
    if (runField !== undefined) run = runs.get(runField);
    else if (repo !== undefined && branch !== undefined) {
      for (const r of runList) {
        if (r.start === undefined || r.repo !== repo || r.branch !== branch || !(r.start < opened)) continue;
        if (!run || (run.start as number) < r.start) run = r;
      }
    }
    if (run) {
      run.linked++;
      if (merged !== undefined) run.converged = true;
    }
  }

  const convergedTokens = runList
    .filter((r) => r.converged && r.ended !== undefined && r.ended >= from && r.ended < to)
    .map((r) => r.tokens);
  const burnThreshold = Math.max(200_000, convergedTokens.length >= 5 ? 3 * nearestRank(convergedTokens, 0.5) : 0);
  const burn: string[] = [];
  const stalled: string[] = [];
  const chatter: string[] = [];
  for (const r of runList) {
    if (r.last < from || r.last >= to || r.converged) continue;
    const over = r.ended !== undefined || asOf - r.last > 24 * HOUR;
    if (over && r.tokens >= burnThreshold) burn.push(r.id);
    if (r.iterations.length >= 8) {
      const its = [...r.iterations].sort((a, b) => a - b);
      const cut = its[its.length - 5];
      const before = r.tests.filter((t) => t.ts < cut).map((t) => t.failed);
      const since = r.tests.filter((t) => t.ts >= cut).map((t) => t.failed);
      if (before.length > 0) {
        const best = Math.min(...before);
        if (!since.some((f) => f < best)) stalled.push(r.id);
      }
    }
    if (r.messages >= 20 && r.messages / (r.messages + r.tools) >= 0.7 && r.linked === 0) chatter.push(r.id);
  }

  // Divergence: the 4 whole ISO weeks before asOf's week against the 4 before those.
  const dayStart = Math.floor(asOf / DAY) * DAY;
  const weekStart = dayStart - ((new Date(dayStart).getUTCDay() + 6) % 7) * DAY;
  const recentFrom = weekStart - 4 * WEEK;
  const earlierFrom = weekStart - 8 * WEEK;
  let earlierTokens = 0;
  let recentTokens = 0;
  for (const e of events) {
    if (e.type !== 'llm.call') continue;
    const ts = Date.parse(e.ts);
    if (ts >= earlierFrom && ts < recentFrom) earlierTokens += tokensOf(e);
    else if (ts >= recentFrom && ts < weekStart) recentTokens += tokensOf(e);
  }
  const earlierMerged = merges.filter((m) => m >= earlierFrom && m < recentFrom).length;
  const recentMerged = merges.filter((m) => m >= recentFrom && m < weekStart).length;
  const divergence = earlierTokens > 0 && recentTokens >= 1.5 * earlierTokens && recentMerged <= earlierMerged;

  const endedRuns = runList.filter((r) => r.ended !== undefined && r.ended >= from && r.ended < to);
  return {
    runs,
    burn,
    stalled,
    chatter,
    divergence,
    divergenceEvidence: { earlierTokens, recentTokens, earlierMerged, recentMerged },
    ended: endedRuns.length,
    converged: endedRuns.filter((r) => r.converged).length,
  };
}

function byTeam(events: WireEvent[]): Map<string, WireEvent[]> {
  const m = new Map<string, WireEvent[]>();
  for (const e of events) {
    const list = m.get(e.team) ?? [];
    list.push(e);
    m.set(e.team, list);
  }
  return m;
}

function flagsFor(asOf: number, seed?: number): Map<string, TeamFlags> {
  const events = [...generateDemoEvents({ asOf, seed })];
  const from = asOf - 10 * WEEK;
  const out = new Map<string, TeamFlags>();
  for (const [team, list] of byTeam(events)) out.set(team, computeFlags(list, asOf, from, asOf + 1));
  return out;
}

// -------------------------------------------------------------------------------------------

describe('seeded random', () => {
  it('is deterministic and stays in range', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const c = new Rng(8);
    expect(Array.from({ length: 10 }, () => c.next())).not.toEqual(xs.slice(0, 10));
    for (let i = 0; i < 1000; i++) {
      const n = a.int(3, 5);
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true);
    }
    expect(a.weighted([['x', 0], ['y', 1]])).toBe('y');
  });
});

describe('generateDemoEvents', () => {
  const demo = [...generateDemoEvents({ asOf: AS_OF })];

  it('is deterministic for the same options and differs for another seed', () => {
    const again = [...generateDemoEvents({ asOf: new Date(AS_OF) })];
    expect(again.length).toBe(demo.length);
    expect(JSON.stringify(again)).toBe(JSON.stringify(demo));
    const other = [...generateDemoEvents({ asOf: AS_OF, seed: 2 })];
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(demo));
  });

  it('has a realistic size and every default team', () => {
    expect(demo.length).toBeGreaterThanOrEqual(30_000);
    expect(demo.length).toBeLessThanOrEqual(60_000);
    expect(new Set(demo.map((e) => e.team))).toEqual(new Set(DEMO_TEAMS.map((t) => t.slug)));
    const types = new Set(demo.map((e) => e.type));
    for (const t of [
      'run.started', 'run.ended', 'iteration', 'llm.call', 'tool.call', 'test.result', 'message',
      'change.opened', 'change.merged', 'change.closed', 'change.reverted', 'change.modified',
      'defect.opened', 'defect.fixed',
    ]) expect(types.has(t as WireEvent['type'])).toBe(true);
  });

  it('keeps every ts within [asOf - weeks, asOf], ordered', () => {
    let prev = -Infinity;
    for (const e of demo) {
      const ts = Date.parse(e.ts);
      expect(ts).toBeLessThanOrEqual(AS_OF);
      expect(ts).toBeGreaterThanOrEqual(AS_OF - 10 * WEEK);
      expect(ts).toBeGreaterThanOrEqual(prev);
      prev = ts;
    }
    const short = [...generateDemoEvents({ asOf: AS_OF, weeks: 2 })];
    expect(short.length).toBeGreaterThan(1000);
    expect(short.every((e) => Date.parse(e.ts) >= AS_OF - 2 * WEEK && Date.parse(e.ts) <= AS_OF)).toBe(true);
  });

  it('has ids unique per team', () => {
    for (const [, list] of byTeam(demo)) expect(new Set(list.map((e) => e.id)).size).toBe(list.length);
  });

  it('passes the structural check', () => {
    const bad = demo.map((e) => [e.id, structuralProblems(e)] as const).filter(([, p]) => p.length > 0);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('has runs in progress at asOf, cost_usd on a few calls, and attrs now and then', () => {
    const started = new Set(demo.filter((e) => e.type === 'run.started').map((e) => e.run));
    const ended = new Set(demo.filter((e) => e.type === 'run.ended').map((e) => e.run));
    const open = [...started].filter((r) => !ended.has(r));
    const lastTs = new Map<string, number>();
    for (const e of demo) if (e.run && open.includes(e.run)) lastTs.set(e.run, Date.parse(e.ts));
    expect([...lastTs.values()].filter((t) => AS_OF - t < HOUR).length).toBeGreaterThanOrEqual(DEMO_TEAMS.length);
    const calls = demo.filter((e) => e.type === 'llm.call');
    const priced = calls.filter((e) => e.cost_usd !== undefined).length;
    expect(priced).toBeGreaterThan(0);
    expect(priced / calls.length).toBeLessThan(0.15);
    expect(demo.filter((e) => e.attrs).length).toBeGreaterThan(100);
    // Changes linked both explicitly (run) and by repo + branch only.
    const opened = demo.filter((e) => e.type === 'change.opened');
    expect(opened.some((e) => e.run)).toBe(true);
    expect(opened.some((e) => !e.run && e.repo && e.branch)).toBe(true);
  });

  it('passes validateEvent from lib/events/validate.ts', () => {
    const failures: unknown[] = [];
    const place = { line: 0 };
    for (let i = 0; i < demo.length; i++) {
      place.line = i + 1;
      const r = validateEvent(demo[i], place);
      if (!r.ok) failures.push({ id: demo[i].id, problems: r.problems });
      else if (r.event.ts !== Date.parse(demo[i].ts) || r.event.team !== demo[i].team) failures.push({ id: demo[i].id, event: r.event });
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
  });

  it('trips each flag on the team whose story it is, and leaves most runs unflagged', () => {
    const flags = flagsFor(AS_OF);
    const get = (t: string): TeamFlags => flags.get(t) as TeamFlags;
    const total = (k: 'burn' | 'stalled' | 'chatter'): number => [...flags.values()].reduce((s, f) => s + f[k].length, 0);
    expect(total('burn')).toBeGreaterThanOrEqual(2);
    expect(total('stalled')).toBeGreaterThanOrEqual(2);
    expect(total('chatter')).toBeGreaterThanOrEqual(2);

    expect(get('platform').burn.length).toBeGreaterThanOrEqual(5);
    expect(get('search').stalled.length).toBeGreaterThanOrEqual(5);
    expect(get('mobile').chatter.length).toBeGreaterThanOrEqual(5);
    expect(get('search').divergence).toBe(true);
    expect(get('payments').divergence).toBe(false);

    // Healthy: most ended runs converged, few flags.
    const pay = get('payments');
    expect(pay.converged / pay.ended).toBeGreaterThan(0.5);
    expect(pay.burn.length + pay.stalled.length + pay.chatter.length).toBeLessThan(pay.runs.size * 0.1);

    // Plenty of runs that are not flagged at all.
    let runs = 0;
    let flagged = 0;
    for (const f of flags.values()) {
      runs += f.runs.size;
      flagged += new Set([...f.burn, ...f.stalled, ...f.chatter]).size;
    }
    expect(flagged).toBeGreaterThan(10);
    expect(flagged / runs).toBeLessThan(0.5);
  });

  it('keeps the stories for other seeds and another asOf weekday', () => {
    for (const [asOf, seed] of [
      [Date.parse('2026-03-01T23:30:00.000Z'), 2], // a Sunday night
      [Date.parse('2027-01-04T00:30:00.000Z'), 3], // a Monday just after midnight
    ] as const) {
      const flags = flagsFor(asOf, seed);
      const get = (t: string): TeamFlags => flags.get(t) as TeamFlags;
      expect(get('platform').burn.length).toBeGreaterThanOrEqual(3);
      expect(get('search').stalled.length).toBeGreaterThanOrEqual(3);
      expect(get('mobile').chatter.length).toBeGreaterThanOrEqual(3);
      expect(get('search').divergence).toBe(true);
      expect(get('payments').converged / get('payments').ended).toBeGreaterThan(0.5);
    }
  });
});

describe('generateBenchEvents', () => {
  it('gives exactly count events, ~20 % llm.call, spread over 12+ weeks before asOf', () => {
    const count = 50_000;
    let n = 0;
    let llm = 0;
    let min = Infinity;
    let max = -Infinity;
    const types = new Set<string>();
    const ids = new Set<string>();
    const teams = new Set<string>();
    let bad = 0;
    for (const e of generateBenchEvents({ count, asOf: AS_OF, teams: 3 })) {
      n++;
      if (e.type === 'llm.call') llm++;
      const ts = Date.parse(e.ts);
      min = Math.min(min, ts);
      max = Math.max(max, ts);
      types.add(e.type);
      ids.add(`${e.team}\u0000${e.id}`);
      teams.add(e.team);
      if (structuralProblems(e).length > 0) bad++;
    }
    expect(n).toBe(count);
    expect(llm / n).toBeGreaterThanOrEqual(0.18);
    expect(llm / n).toBeLessThanOrEqual(0.22);
    expect(max).toBeLessThanOrEqual(AS_OF);
    expect(max - min).toBeGreaterThanOrEqual(12 * WEEK);
    expect(ids.size).toBe(count);
    expect(teams).toEqual(new Set(['bench-1', 'bench-2', 'bench-3']));
    expect(bad).toBe(0);
    expect(types.size).toBe(14);
  });

  it('honours small counts, a fixed team, and is deterministic', () => {
    for (const count of [0, 1, 7, 1234]) {
      expect([...generateBenchEvents({ count, asOf: AS_OF })].length).toBe(count);
    }
    const a = [...generateBenchEvents({ count: 2000, asOf: AS_OF, team: 'acme-load', seed: 5 })];
    expect(new Set(a.map((e) => e.team))).toEqual(new Set(['acme-load']));
    const b = [...generateBenchEvents({ count: 2000, asOf: AS_OF, team: 'acme-load', seed: 5 })];
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = [...generateBenchEvents({ count: 2000, asOf: AS_OF, team: 'acme-load', seed: 6 })];
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });
});

describe('serialisation', () => {
  it('writes NDJSON lines and CSV rows', () => {
    const events = [...generateDemoEvents({ asOf: AS_OF, weeks: 1, teams: DEMO_TEAMS.slice(0, 1) })];
    const lines = [...toNdjsonLines(events)];
    expect(lines.length).toBe(events.length);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(JSON.parse(lines[0])).toEqual(events[0]);
    const rows = [...toCsv(events)];
    expect(rows.length).toBe(events.length + 1);
    expect(rows[0].startsWith('id,type,ts,team,run')).toBe(true);
    expect(rows.every((r) => r.endsWith('\n'))).toBe(true);
  });
});
