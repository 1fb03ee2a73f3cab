/**
 * llm.call usage rows (lib/kpi/types.ts UsageRow): the daily rollup for whole days, and the typed
 * columns of raw events for the partial days at a window's edges (and for filtered figures), placed
 * so that no row straddles a window's bounds, asOf, or a day (hence an ISO week).
 */
import { DAY_MS } from '@/lib/kpi/time';
import type { KpiWindow, UsageRow } from '@/lib/kpi/types';
import { runMatchSql, type Filter } from './filters';
import { append, unionOf, windowEnd } from './intervals';
import type { Dialect, Sql } from '../connection';
import { drivingJoin } from '../dialect';

/** The usage columns of daily_llm_usage and run_llm_usage, as a UsageRow names them. */
export const USAGE_COLUMNS = `calls, input_tokens AS "inputTokens", output_tokens AS "outputTokens",
  cache_read_tokens AS "cacheReadTokens", cache_write_tokens AS "cacheWriteTokens",
  explicit_cost_usd AS "explicitCostUsd", costless_calls AS "costlessCalls",
  costless_input_tokens AS "costlessInputTokens", costless_output_tokens AS "costlessOutputTokens",
  costless_cache_read_tokens AS "costlessCacheReadTokens", costless_cache_write_tokens AS "costlessCacheWriteTokens"`;

const DAILY_USAGE_SQL = `
  SELECT day, model, ${USAGE_COLUMNS} FROM daily_llm_usage
  WHERE team_id = @team AND day >= @fromDay AND day < @toDay`;

/** llm.call events' typed columns summed as the rollups sum them (grouped by the caller). */
export const SUMMED_USAGE_SQL = `count(*) AS calls,
    sum(input_tokens) AS "inputTokens", sum(output_tokens) AS "outputTokens",
    sum(cache_read_tokens) AS "cacheReadTokens", sum(cache_write_tokens) AS "cacheWriteTokens",
    coalesce(sum(cost_usd), 0) AS "explicitCostUsd",
    sum(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END) AS "costlessCalls",
    sum(CASE WHEN cost_usd IS NULL THEN input_tokens ELSE 0 END) AS "costlessInputTokens",
    sum(CASE WHEN cost_usd IS NULL THEN output_tokens ELSE 0 END) AS "costlessOutputTokens",
    sum(CASE WHEN cost_usd IS NULL THEN cache_read_tokens ELSE 0 END) AS "costlessCacheReadTokens",
    sum(CASE WHEN cost_usd IS NULL THEN cache_write_tokens ELSE 0 END) AS "costlessCacheWriteTokens"`;

/** Raw llm.call events of [from, end), summed per UTC day (floored, as epochDay) and model. */
const RAW_USAGE_SQL = `
  SELECT CASE WHEN ts >= 0 THEN ts / ${DAY_MS} ELSE -((-ts - 1) / ${DAY_MS}) - 1 END AS day,
    model, ${SUMMED_USAGE_SQL}
  FROM events
  WHERE team_id = @team AND type = 'llm.call' AND ts >= @from AND ts < @end
  GROUP BY day, model`;

type UsageSql = Omit<UsageRow, 'at'> & { day: number };

/**
 * The team's llm.call usage in the window at asOf, as rows that never straddle `from`, `to`,
 * `asOf` nor a UTC day: daily rollup rows (at = day start) for the days wholly inside
 * [from, min(to, asOf)), and for the rest of [from, min(to, asOf + 1)) — at most the two edge
 * days, or the one or two days of a short window — raw events summed per day piece and model
 * (at = the piece's start, i.e. max(from, day start)).
 */
export async function usageRows(db: Sql, teamId: number, w: KpiWindow): Promise<UsageRow[]> {
  const end = windowEnd(w);
  if (!(end > w.from)) return [];
  const fromDay = Math.ceil(w.from / DAY_MS);
  const toDay = Math.floor(Math.min(w.to, w.asOf) / DAY_MS);
  const out: UsageRow[] = [];
  const raw = async (from: number, to: number) => {
    if (!(to > from)) return;
    for (const r of await db.all<UsageSql>(RAW_USAGE_SQL, { team: teamId, from, end: to })) {
      const { day, ...rest } = r;
      out.push({ at: Math.max(from, day * DAY_MS), ...rest });
    }
  };
  if (toDay > fromDay) {
    await raw(w.from, fromDay * DAY_MS);
    for (const r of await db.all<UsageSql>(DAILY_USAGE_SQL, { team: teamId, fromDay, toDay })) {
      const { day, ...rest } = r;
      out.push({ at: day * DAY_MS, ...rest });
    }
    await raw(toDay * DAY_MS, end);
  } else {
    await raw(w.from, end);
  }
  return out;
}

/**
 * Unfiltered usage covering several windows at `asOf`: their union cut at every window's `from`
 * and `to`, each piece read as usageRows reads a window. So no row straddles any window's bounds,
 * asOf or a day; and for one window this is exactly usageRows(window). (Cuts at midnights — the
 * divergence weeks' bounds — change nothing for the windows they fall in.)
 */
export async function usageRowsCovering(db: Sql, teamId: number, windows: readonly KpiWindow[], asOf: number): Promise<UsageRow[]> {
  const cuts = [...new Set(windows.flatMap((w) => [w.from, w.to]))].sort((a, b) => a - b);
  const out: UsageRow[] = [];
  for (const [from, end] of unionOf(windows.map((w) => [w.from, Math.min(w.to, asOf + 1)]))) {
    let start = from;
    for (const cut of cuts) {
      if (cut <= start || cut >= end) continue;
      append(out, await usageRows(db, teamId, { from: start, to: cut, asOf }));
      start = cut;
    }
    append(out, await usageRows(db, teamId, { from: start, to: end, asOf }));
  }
  return out;
}

/**
 * llm.call events of [@from, @end) counted under the filters: of runs whose agent and repo match
 * at @asOf (the runs table, by primary key, events first), and with `model`, whose own model is
 * that one.
 */
const filteredUsageSql = (d: Dialect, f: Filter) => `
  SELECT e.ts AS at, e.model AS model, e.input_tokens AS i, e.output_tokens AS o,
    e.cache_read_tokens AS cr, e.cache_write_tokens AS cw, e.cost_usd AS cost
  FROM events e${f.fAgent !== null || f.fRepo !== null ? `
  ${drivingJoin(d)} runs r ON r.team_id = e.team_id AND r.run = e.run AND ${runMatchSql(f, 'r.', false)}` : ''}
  WHERE e.team_id = @team AND e.type = 'llm.call' AND e.ts >= @from AND e.ts < @end${f.fModel !== null ? `
    AND e.model = @fModel` : ''}`;

/**
 * Filtered usage of [from, end), `end` at most asOf + 1: one row per llm.call at its ts, so no row
 * straddles anything (the daily rollup knows neither runs nor agents).
 */
export async function filteredUsageRows(db: Sql, teamId: number, from: number, end: number, asOf: number, f: Filter): Promise<UsageRow[]> {
  if (!(end > from)) return [];
  const rows = await db.all<{ at: number; model: string; i: number; o: number; cr: number; cw: number; cost: number | null }>(
    filteredUsageSql(db.dialect, f),
    { team: teamId, from, end, asOf, ...f },
  );
  return rows.map(({ at, model, i, o, cr, cw, cost }) => {
    const costless = cost === null;
    return {
      at, model, calls: 1, inputTokens: i, outputTokens: o, cacheReadTokens: cr, cacheWriteTokens: cw,
      explicitCostUsd: costless ? 0 : cost, costlessCalls: costless ? 1 : 0,
      costlessInputTokens: costless ? i : 0, costlessOutputTokens: costless ? o : 0,
      costlessCacheReadTokens: costless ? cr : 0, costlessCacheWriteTokens: costless ? cw : 0,
    };
  });
}
