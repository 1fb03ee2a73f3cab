/**
 * The dashboard's Agents & models section and What if panel as URL state (so both are
 * server-rendered, bookmarkable and shareable): which grouping, which sort, which scenario. The
 * panel's parameters carry a `whatif.` prefix, because the dashboard already uses `model` as a
 * filter. Pure.
 */
import { formatRate } from '@/lib/format';
import { parseScenario, scenarioParams, type ParamResult } from './params';
import { DEFAULT_NODE_PRESET, NODE_PRESETS, type NodePreset } from './presets';
import { COMPARE_BY, type CompareBy, type CompareGroup, type Scenario } from './types';

/** Fewer ended runs than this and a group's convergence is too uncertain to rank. */
export const MIN_RANKED_RUNS = 10;

export const GROUP_SORT_KEYS = ['runs', 'convergenceRate', 'weekSurvival', 'costPerSurvivingChange', 'medianTokensPerConvergedRun'] as const;
export type GroupSortKey = (typeof GROUP_SORT_KEYS)[number];

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export const WHATIF_PREFIX = 'whatif.';

export interface EconomicsView {
  by: CompareBy;
  sort: GroupSortKey;
  desc: boolean;
  /** The scenario asked for (the default node preset when none), or why it could not be read. */
  scenario: ParamResult<Scenario>;
}

/** The default scenario: the first self-hosted preset. */
export function presetScenario(preset: NodePreset = DEFAULT_NODE_PRESET): Scenario {
  const { gpuHourUsd, gpus, prefillTokensPerSecond, decodeTokensPerSecond, utilization } = preset;
  return { kind: 'selfhosted', gpuHourUsd, gpus, prefillTokensPerSecond, decodeTokensPerSecond, utilization };
}

/** The `whatif.`-prefixed parameters without their prefix, blank ones left out (a form sends every field). */
function scenarioQuery(params: Params): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    const value = first(v);
    if (k.startsWith(WHATIF_PREFIX) && value !== undefined && value.trim() !== '') out.set(k.slice(WHATIF_PREFIX.length), value.trim());
  }
  return out;
}

/** The scenario of a dashboard URL: `whatif.scenario` and its parameters; the default preset without one. */
export function scenarioOfView(params: Params): ParamResult<Scenario> {
  const query = scenarioQuery(params);
  if (!query.has('scenario')) return { ok: true, value: presetScenario() };
  const parsed = parseScenario(query);
  return parsed.ok ? parsed : { ...parsed, field: WHATIF_PREFIX + parsed.field };
}

export function parseEconomicsView(params: Params): EconomicsView {
  const by = COMPARE_BY.find((b) => b === first(params.econBy)) ?? 'agent';
  const sort = GROUP_SORT_KEYS.find((k) => k === first(params.econSort)) ?? 'runs';
  return { by, sort, desc: first(params.econDir) !== 'asc', scenario: scenarioOfView(params) };
}

/** A scenario as the dashboard's `whatif.`-prefixed parameters. */
export function scenarioViewParams(scenario: Scenario): Record<string, string> {
  return Object.fromEntries(Object.entries(scenarioParams(scenario)).map(([k, v]) => [WHATIF_PREFIX + k, v]));
}

/** Each preset as the dashboard parameters that select it. */
export function presetViewParams(): { preset: NodePreset; params: Record<string, string> }[] {
  return NODE_PRESETS.map((preset) => ({ preset, params: scenarioViewParams(presetScenario(preset)) }));
}

const sortValue = (g: CompareGroup, key: GroupSortKey): number | null => (key === 'weekSurvival' ? g.weekSurvival.rate : g[key]);

/**
 * The groups to rank (at least MIN_RANKED_RUNS ended runs), sorted by `sort` (figures that are
 * null last whatever the direction; ties by key), and those with too few runs to tell, as they came.
 */
export function rankGroups(groups: readonly CompareGroup[], sort: GroupSortKey, desc: boolean): { ranked: CompareGroup[]; tooFew: CompareGroup[] } {
  const ranked = groups.filter((g) => g.runs >= MIN_RANKED_RUNS);
  ranked.sort((a, b) => {
    const x = sortValue(a, sort);
    const y = sortValue(b, sort);
    if (x === null || y === null) return x === y ? (a.key < b.key ? -1 : 1) : x === null ? 1 : -1;
    return (desc ? y - x : x - y) || (a.key < b.key ? -1 : 1);
  });
  return { ranked, tooFew: groups.filter((g) => g.runs < MIN_RANKED_RUNS) };
}

/** The ranked groups as the chart's bars: rate and interval in percent. */
export function convergencePoints(groups: readonly CompareGroup[]): { key: string; rate: number; ci: [number, number]; low: number; high: number }[] {
  return groups.flatMap((g) => {
    if (g.convergenceRate === null || g.convergenceCi95 === null) return [];
    const [low, high] = g.convergenceCi95;
    const rate = g.convergenceRate * 100;
    return [{ key: g.key, rate, ci: [rate - low * 100, high * 100 - rate] as [number, number], low: low * 100, high: high * 100 }];
  });
}

/** A scenario in words: "claude-sonnet-4-5 at its list price", "a 8-GPU node at $2.99/GPU-hour". */
export function describeScenario(s: Scenario): string {
  if (s.kind === 'model') return `${s.model} at its list price`;
  if (s.kind === 'price') return `$${s.inputPerM} / $${s.outputPerM} / $${s.cacheReadPerM} / $${s.cacheWritePerM} per million input / output / cache-read / cache-write tokens`;
  return `${s.gpus} GPU${s.gpus === 1 ? '' : 's'} at $${s.gpuHourUsd}/GPU-hour (prefill ${s.prefillTokensPerSecond} tok/s, decode ${s.decodeTokensPerSecond} tok/s, ${Math.round(s.utilization * 100)}% utilised)`;
}

/** "49.0%–94.3%", or "—" without runs. */
export function formatInterval(ci: readonly [number, number] | null): string {
  return ci ? `${formatRate(ci[0])}–${formatRate(ci[1])}` : '—';
}
