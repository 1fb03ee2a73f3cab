/**
 * The dashboard's date range, parsed from the URL in this one place so every view can be
 * bookmarked and shared: `?range=4w|12w|quarter`, or `?from=YYYY-MM-DD&to=YYYY-MM-DD` (custom,
 * both days included: the window runs to the end of `to`), of at most the API's MAX_WINDOW_DAYS.
 * Anything unusable falls back to the default with a `problem` naming the field: pages show its
 * notice, exports and share links refuse the request with its error.
 */
import { RUN_SORT_KEYS, RUN_STATUS_FILTERS, type RunQuery } from '@/lib/data/run-query';
import { parseRfc3339 } from '@/lib/events/validate';
import { MAX_WINDOW_DAYS } from '@/lib/http/window-params';
import type { KpiWindow } from '@/lib/kpi/types';

const DAY_MS = 86_400_000;

export const RANGE_PRESETS = [
  { id: '4w', label: '4 weeks', days: 28 },
  { id: '12w', label: '12 weeks', days: 84 },
  { id: 'quarter', label: 'Quarter', days: 91 },
] as const;
export type RangePresetId = (typeof RANGE_PRESETS)[number]['id'];
export const DEFAULT_RANGE: RangePresetId = '4w';

/** Why the URL's range could not be used: the parameter, the reason, and what is shown instead. */
export interface RangeProblem {
  field: 'range' | 'from' | 'to' | 'asOf';
  /** The reason alone ("from must be …"), as an export's 400 or a refused share link says it. */
  error: string;
  /** The reason and the fallback ("…; showing the last 4 weeks"), as a page shows it. */
  notice: string;
}

export interface DashboardRange {
  /** The preset in force, or 'custom'. */
  preset: RangePresetId | 'custom';
  window: KpiWindow;
  /** The period of equal length just before, seen at the same asOf. */
  previous: KpiWindow;
  /** Query string that reproduces this range (for links and share URLs). */
  query: Record<string, string>;
  /** Set when the URL asked for something unusable and the default was used instead. */
  problem: RangeProblem | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DEFAULT_FALLBACK = 'showing the last 4 weeks';

function parseDay(value: string | undefined): number | null {
  if (!value || !DATE.test(value)) return null;
  const ms = Date.parse(`${value}T00:00:00Z`);
  // Date.parse takes 2026-02-30 as 2026-03-02: a day that does not exist is refused, not moved.
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? null : ms;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function problem(field: RangeProblem['field'], error: string, fallback: string = DEFAULT_FALLBACK): RangeProblem {
  return { field, error, notice: `${error}; ${fallback}` };
}

/**
 * The range of the URL, seen at `now` — or at `?asOf=` (RFC 3339 with an offset) when the URL
 * pins it, so a view can be reproduced exactly later; the pin is kept in `query`.
 */
export function parseDashboardRange(params: Record<string, string | string[] | undefined>, now: number): DashboardRange {
  const pin = first(params.asOf);
  const pinned = pin === undefined ? NaN : parseRfc3339(pin);
  if (pin !== undefined && Number.isNaN(pinned)) {
    const range = rangeAt(params, now);
    return { ...range, problem: range.problem ?? problem('asOf', `asOf '${pin.slice(0, 80)}' is not an RFC 3339 time with an offset`, 'showing figures as of now') };
  }
  if (Number.isNaN(pinned)) return rangeAt(params, now);
  const range = rangeAt(params, pinned);
  return { ...range, query: { ...range.query, asOf: new Date(pinned).toISOString() } };
}

function rangeAt(params: Record<string, string | string[] | undefined>, now: number): DashboardRange {
  const fromText = first(params.from);
  const toText = first(params.to);
  if (fromText !== undefined || toText !== undefined) return customRange(fromText, toText, now);
  const asked = first(params.range);
  const known = RANGE_PRESETS.find((p) => p.id === asked);
  if (asked && !known) return preset(DEFAULT_RANGE, now, problem('range', `unknown range '${asked.slice(0, 80)}' (4w, 12w or quarter)`));
  return preset(known?.id ?? DEFAULT_RANGE, now, null);
}

function customRange(fromText: string | undefined, toText: string | undefined, now: number): DashboardRange {
  const from = parseDay(fromText);
  const toDay = parseDay(toText);
  const day = (field: 'from' | 'to', text: string | undefined) =>
    text === undefined ? `${field} is missing: a custom range needs both from and to` : `${field} must be a day, YYYY-MM-DD; got '${text.slice(0, 80)}'`;
  if (from === null) return preset(DEFAULT_RANGE, now, problem('from', day('from', fromText)));
  if (toDay === null) return preset(DEFAULT_RANGE, now, problem('to', day('to', toText)));
  const to = Math.min(toDay + DAY_MS, now);
  if (!(from < to)) return preset(DEFAULT_RANGE, now, problem('from', `the range ${fromText} to ${toText} is empty`));
  if (to - from > MAX_WINDOW_DAYS * DAY_MS) {
    return preset(DEFAULT_RANGE, now, problem('from', `the range ${fromText} to ${toText} is longer than ${MAX_WINDOW_DAYS} days`));
  }
  return build('custom', from, to, now, { from: fromText!, to: toText! }, null);
}

function preset(id: RangePresetId, now: number, trouble: RangeProblem | null): DashboardRange {
  const days = RANGE_PRESETS.find((p) => p.id === id)!.days;
  return build(id, now - days * DAY_MS, now, now, id === DEFAULT_RANGE ? {} : { range: id }, trouble);
}

function build(
  preset: DashboardRange['preset'],
  from: number,
  to: number,
  asOf: number,
  query: Record<string, string>,
  trouble: RangeProblem | null,
): DashboardRange {
  const length = to - from;
  return { preset, window: { from, to, asOf }, previous: { from: from - length, to: from, asOf }, query, problem: trouble };
}

// ---------------------------------------------------------------------------------------------
// Slice filters (agent, model, repo) and the runs table

export type SearchParams = Record<string, string | string[] | undefined>;

/** The agent / model / repo the view is narrowed to; each absent when not chosen. */
export interface SliceFilters {
  agent?: string;
  model?: string;
  repo?: string;
}

/** A filter value as the API takes it: exact, 1–200 characters; anything else is no filter. */
function nonEmpty(v: string | string[] | undefined): string | undefined {
  const s = first(v);
  return s && s.length <= 200 ? s : undefined;
}

export function parseSliceFilters(params: SearchParams): SliceFilters {
  const out: SliceFilters = {};
  for (const key of ['agent', 'model', 'repo'] as const) {
    const v = nonEmpty(params[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export function parseRunQuery(params: SearchParams): RunQuery {
  const status = nonEmpty(params.status);
  const sort = nonEmpty(params.sort);
  const flagged = nonEmpty(params.flagged);
  const page = Number(nonEmpty(params.page) ?? '1');
  return {
    ...parseSliceFilters(params),
    status: RUN_STATUS_FILTERS.find((s) => s === status),
    sort: RUN_SORT_KEYS.find((k) => k === sort),
    desc: nonEmpty(params.dir) === 'asc' ? false : nonEmpty(params.dir) === 'desc' ? true : undefined,
    flagged: flagged === 'yes' ? true : flagged === 'no' ? false : undefined,
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
  };
}

/** The current URL's query with some keys changed (undefined removes a key). */
export function withParams(current: SearchParams, changes: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(current)) {
    const value = first(v);
    if (value !== undefined && !(k in changes)) q.set(k, value);
  }
  for (const [k, v] of Object.entries(changes)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
