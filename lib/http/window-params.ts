/**
 * The query parameters shared by GET /api/v1/kpis, /api/v1/kpis/weekly and /api/v1/flags
 * (api-v1.md): `team`, `from`, `to`, `asOf`, RFC 3339 with an offset. `asOf` defaults to now,
 * `to` to `asOf`, `from` to 28 days before `to`. A bad value is named: `{field, error}` (→ 400).
 *
 * - `team` may be omitted (→ null: the token's own team) or name one or more team slugs,
 *   comma-separated or repeated (`team=a,b` or `team=a&team=b`), figures summed as if one team.
 *   Whether the caller may see them is lib/data's to decide (→ 404).
 * - A `+` of an offset sent unencoded arrives as a space (`...T10:00:00 02:00`); it is read as
 *   the `+` it was meant to be.
 * - `from`, `to` and `asOf` may each be given once; `from` must be before `to`, and the window at
 *   most MAX_WINDOW_DAYS long (both named `from`).
 * - `agent`, `model`, `repo` (optional, combinable): each one exact value, 1–MAX_FILTER_CHARS
 *   characters, given at most once, taken as sent (no trimming, no commas splitting it); they
 *   narrow the figures as docs/kpis.md "Filters" says (→ KpiFilters).
 */
import type { KpiFilters } from '@/lib/data/kpis';
import { parseRfc3339 } from '@/lib/events/validate';
import { DAY_MS } from '@/lib/kpi/time';
import { singleParam } from './query';
import type { KpiWindow } from '@/lib/kpi/types';

export const DEFAULT_WINDOW_DAYS = 28;
/** Longest window accepted (about ten years): it bounds the work of the weekly figures. */
export const MAX_WINDOW_DAYS = 3660;
/** Most teams one request may name. */
export const MAX_TEAMS = 50;
/** Longest `agent`, `model` or `repo` filter value accepted. */
export const MAX_FILTER_CHARS = 200;
export const FILTER_FIELDS = ['agent', 'model', 'repo'] as const;

const TEAM_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** An offset's `+` turned into a space by form decoding: `... hh:mm:ss[.frac] hh:mm` at the end. */
const SPACE_FOR_PLUS = /(\d{2}:\d{2}:\d{2}(?:\.\d+)?) (\d{2}:\d{2})$/;

export type WindowField = 'team' | 'from' | 'to' | 'asOf' | (typeof FILTER_FIELDS)[number];

export type WindowParams =
  | { ok: true; teams: string[] | null; window: KpiWindow; filters: KpiFilters }
  | { ok: false; field: WindowField; error: string };

function parseTime(raw: string): number {
  const t = parseRfc3339(raw);
  if (!Number.isNaN(t)) return t;
  const fixed = raw.replace(SPACE_FOR_PLUS, '$1+$2');
  return fixed === raw ? NaN : parseRfc3339(fixed);
}

/** The window and teams of a request's query string, or the first bad parameter. */
export function parseWindowParams(params: URLSearchParams, now: number = Date.now()): WindowParams {
  const bad = (field: WindowField, error: string): WindowParams => ({ ok: false, field, error });

  let teams: string[] | null = null;
  const teamValues = params.getAll('team');
  if (teamValues.length > 0) {
    teams = [];
    for (const value of teamValues) {
      for (const part of value.split(',')) {
        const slug = part.trim();
        if (!TEAM_SLUG.test(slug)) {
          return bad('team', `team must be a team slug ([a-z0-9][a-z0-9-]{0,62}), or several separated by commas; got ${JSON.stringify(part.slice(0, 80))}`);
        }
        if (!teams.includes(slug)) teams.push(slug);
      }
    }
    if (teams.length > MAX_TEAMS) return bad('team', `at most ${MAX_TEAMS} teams at once`);
  }

  const filters: KpiFilters = {};
  for (const field of FILTER_FIELDS) {
    const one = singleParam(params, field);
    if (!one.ok) return bad(field, `${one.error} (one exact value)`);
    const value = one.value;
    if (value === undefined) continue;
    if (value.length === 0) return bad(field, `${field} must not be empty`);
    if (value.length > MAX_FILTER_CHARS) return bad(field, `${field} may be at most ${MAX_FILTER_CHARS} characters`);
    filters[field] = value;
  }

  const times: Partial<Record<'from' | 'to' | 'asOf', number>> = {};
  for (const field of ['asOf', 'to', 'from'] as const) {
    const one = singleParam(params, field);
    if (!one.ok) return bad(field, one.error);
    const raw = one.value;
    if (raw === undefined) continue;
    const t = parseTime(raw);
    if (Number.isNaN(t)) {
      return bad(field, `${field} must be an RFC 3339 date-time with an offset, e.g. 2026-06-01T00:00:00Z; got ${JSON.stringify(raw.slice(0, 80))}`);
    }
    times[field] = t;
  }
  const asOf = times.asOf ?? now;
  const to = times.to ?? asOf;
  const from = times.from ?? to - DEFAULT_WINDOW_DAYS * DAY_MS;
  if (!(from < to)) return bad('from', 'from must be before to');
  if (to - from > MAX_WINDOW_DAYS * DAY_MS) return bad('from', `the window may be at most ${MAX_WINDOW_DAYS} days long`);
  return { ok: true, teams, window: { from, to, asOf }, filters };
}
