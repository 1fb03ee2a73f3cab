/**
 * Validation of one events-v1 event (../shared/spec/events-v1.md).
 *
 * `validateEvent` checks the envelope and the per-type fields of one decoded JSON value and either
 * returns the normalised `LoopEvent` (ts in epoch ms, team filled in, unknown fields dropped) or
 * every problem it found. It is on the ingest hot path (millions of events), so it is written
 * as straight-line code: no schema library, no closures, no regular expressions, and nothing is
 * allocated for a valid event beyond the event and the result.
 *
 * This module has no Node-only dependencies, so it can also run in the browser.
 */
import { EVENT_TYPES, RUN_SCOPED_TYPES, RUN_STATUSES } from './types';
import type { EventType, LoopEvent, Problem } from './types';

/** Where an event came from, for its problems: physical line, and index in a JSON array. */
export interface Place {
  line: number;
  index?: number;
}

export type ValidationResult = { ok: true; event: LoopEvent } | { ok: false; problems: Problem[] };

/** Longest `id` / `run`, in characters (code points). */
export const MAX_ID_CHARS = 200;
/** Largest `attrs`, as UTF-8 bytes of its JSON serialisation. */
export const MAX_ATTRS_BYTES = 8192;
/** Largest accepted `ts`: 9999-12-31T23:59:59.999Z. */
export const MAX_TS_MS = 253402300799999;

// Kinds of type-specific fields.
const K_ID = 0; // non-empty string (an id: change, defect, tool, ...)
const K_STR = 1; // any string
const K_INT0 = 2; // integer >= 0
const K_INT1 = 3; // integer >= 1
const K_NUM0 = 4; // finite number >= 0
const K_BOOL = 5; // true / false
const K_STATUS = 6; // one of RUN_STATUSES
const K_STRARR = 7; // array of non-empty strings

interface FieldSpec {
  readonly name: string;
  readonly kind: number;
  readonly required: boolean;
}

interface TypeSpec {
  readonly type: EventType;
  readonly runRequired: boolean;
  readonly modelRequired: boolean;
  /** "required for <type>", built once. */
  readonly requiredMessage: string;
  /** Type-specific fields (not envelope fields), required and optional. */
  readonly fields: readonly FieldSpec[];
}

const req = (name: string, kind: number): FieldSpec => ({ name, kind, required: true });
const opt = (name: string, kind: number): FieldSpec => ({ name, kind, required: false });

/** The spec's "Types" table, minus envelope fields (`run`, `model`, `repo`, ... are handled apart). */
const TYPE_FIELDS: Record<EventType, readonly FieldSpec[]> = {
  'run.started': [opt('task', K_STR)],
  'run.ended': [req('status', K_STATUS)],
  iteration: [req('n', K_INT1)],
  'llm.call': [
    req('input_tokens', K_INT0),
    req('output_tokens', K_INT0),
    opt('cache_read_tokens', K_INT0),
    opt('cache_write_tokens', K_INT0),
    opt('cost_usd', K_NUM0),
  ],
  'tool.call': [req('tool', K_ID), opt('ok', K_BOOL), opt('duration_ms', K_INT0)],
  'test.result': [req('passed', K_INT0), req('failed', K_INT0), opt('skipped', K_INT0)],
  message: [req('from', K_ID), req('to', K_ID), opt('tokens', K_INT0)],
  'change.opened': [req('change', K_ID), opt('title', K_STR), opt('additions', K_INT0), opt('deletions', K_INT0)],
  'change.merged': [req('change', K_ID), opt('additions', K_INT0), opt('deletions', K_INT0)],
  'change.closed': [req('change', K_ID)],
  'change.reverted': [req('change', K_ID), opt('by', K_ID)],
  'change.modified': [req('change', K_ID), opt('lines', K_INT1)],
  'defect.opened': [req('defect', K_ID), opt('changes', K_STRARR), opt('severity', K_STR)],
  // `withdrawn` (an addition to v1, docs/events.md): the defect stopped being one (its bug label
  // removed, closed as not planned) rather than being fixed.
  'defect.fixed': [req('defect', K_ID), opt('change', K_ID), opt('withdrawn', K_BOOL)],
};

const TYPE_SPECS = new Map<string, TypeSpec>();
for (const type of EVENT_TYPES) {
  const runRequired = (RUN_SCOPED_TYPES as readonly string[]).includes(type);
  TYPE_SPECS.set(type, {
    type,
    runRequired,
    modelRequired: type === 'llm.call',
    requiredMessage: `required for ${type}`,
    fields: TYPE_FIELDS[type],
  });
}

/** Required fields of each type beyond `id`, `type`, `ts` (and `team` when the request fixes none). */
export const REQUIRED_FIELDS: Readonly<Record<EventType, readonly string[]>> = Object.fromEntries(
  EVENT_TYPES.map((t) => {
    const s = TYPE_SPECS.get(t)!;
    const names: string[] = [];
    if (s.runRequired) names.push('run');
    if (s.modelRequired) names.push('model');
    for (const f of s.fields) if (f.required) names.push(f.name);
    return [t, names];
  }),
) as unknown as Record<EventType, readonly string[]>;

/** Optional type-specific fields of each type (envelope fields `run`, `agent`, `model`, `repo`, `branch`, `attrs` are allowed on every type). */
export const OPTIONAL_FIELDS: Readonly<Record<EventType, readonly string[]>> = Object.fromEntries(
  EVENT_TYPES.map((t) => [t, TYPE_FIELDS[t].filter((f) => !f.required).map((f) => f.name)]),
) as unknown as Record<EventType, readonly string[]>;

/** Fields whose value is an integer (CSV converts these from decimal). */
export const INTEGER_FIELDS: ReadonlySet<string> = new Set(
  Object.values(TYPE_FIELDS).flatMap((fs) => fs.filter((f) => f.kind === K_INT0 || f.kind === K_INT1).map((f) => f.name)),
);
/** Fields whose value is a (possibly fractional) number. */
export const NUMBER_FIELDS: ReadonlySet<string> = new Set(
  Object.values(TYPE_FIELDS).flatMap((fs) => fs.filter((f) => f.kind === K_NUM0).map((f) => f.name)),
);
/** Fields whose value is a boolean. */
export const BOOLEAN_FIELDS: ReadonlySet<string> = new Set(
  Object.values(TYPE_FIELDS).flatMap((fs) => fs.filter((f) => f.kind === K_BOOL).map((f) => f.name)),
);
/** Fields whose value is an array of strings (`;`-separated in CSV). */
export const ARRAY_FIELDS: ReadonlySet<string> = new Set(
  Object.values(TYPE_FIELDS).flatMap((fs) => fs.filter((f) => f.kind === K_STRARR).map((f) => f.name)),
);

const STATUS_MESSAGE = `must be one of ${RUN_STATUSES.join(', ')}`;
const TS_MESSAGE = 'must be RFC 3339 with an offset or epoch milliseconds';
const ID_MESSAGE = `must be a string of 1–${MAX_ID_CHARS} characters`;
/**
 * PostgreSQL's text cannot hold U+0000, and both backends must store the same, so no text we
 * store may carry it: no string field of an event (attrs may: they are stored as JSON text,
 * where it is escaped), no field of a form (lib/auth/actions.ts), no upload's file name.
 */
export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';
export const hasNul = (v: unknown): boolean => typeof v === 'string' && v.includes('\u0000');
/**
 * A lone surrogate (JSON's "\ud800" without its pair) has no UTF-8 form: either database would
 * store U+FFFD in its place, so two ids differing only there would become one.
 */
const SURROGATE_MESSAGE = 'must be valid Unicode (it holds a lone surrogate, \\ud800–\\udfff outside a pair)';

/** Why a string field cannot be stored as sent (U+0000, a lone surrogate), or null. */
function unstorable(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  if (v.includes('\u0000')) return NUL_MESSAGE;
  // String.prototype.isWellFormed (Node 20) is not in the ES2022 lib this project compiles against.
  return (v as string & { isWellFormed(): boolean }).isWellFormed() ? null : SURROGATE_MESSAGE;
}
const TEAM_MESSAGE = 'must be a team slug (lowercase letters, digits and -, at most 63, not starting with -)';
const TS_RANGE_MESSAGE = `must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z (epoch ms 0..${MAX_TS_MS})`;

/**
 * Checks one decoded event. `place` is only read (copied into problems), so callers may reuse
 * one object. With `fixedTeam` (a team token, or an upload into a chosen team) the event's own
 * `team` is optional but must agree; the returned event carries `fixedTeam`.
 */
export function validateEvent(raw: unknown, place: Place, fixedTeam?: string): ValidationResult {
  const line = place.line;
  const index = place.index;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [problem(line, index, '', `not a JSON object (got ${show(raw)})`)] };
  }
  const r = raw as Record<string, unknown>;
  let problems: Problem[] | null = null;

  // id
  const id = r.id;
  if (id === undefined) problems = add(problems, line, index, 'id', 'required');
  else if (!isIdString(id)) problems = add(problems, line, index, 'id', `${ID_MESSAGE}, got ${show(id)}`);
  else problems = addIfUnstorable(problems, line, index, 'id', id);

  // type
  const type = r.type;
  let spec: TypeSpec | undefined;
  if (type === undefined) problems = add(problems, line, index, 'type', 'required');
  else if (typeof type !== 'string') problems = add(problems, line, index, 'type', `must be a string, got ${show(type)}`);
  else {
    spec = TYPE_SPECS.get(type);
    if (spec === undefined) problems = add(problems, line, index, 'type', `unknown type ${show(type)}`);
  }

  // ts
  const rawTs = r.ts;
  let ts = NaN;
  if (rawTs === undefined) problems = add(problems, line, index, 'ts', 'required');
  else if (typeof rawTs === 'number') {
    if (!Number.isInteger(rawTs)) problems = add(problems, line, index, 'ts', `${TS_MESSAGE}, got ${show(rawTs)}`);
    else if (rawTs < 0 || rawTs > MAX_TS_MS) problems = add(problems, line, index, 'ts', `${TS_RANGE_MESSAGE}, got ${rawTs}`);
    else ts = rawTs;
  } else if (typeof rawTs === 'string') {
    const ms = parseRfc3339(rawTs);
    if (ms !== ms) problems = add(problems, line, index, 'ts', `${tsError}, got ${show(rawTs)}`);
    else if (ms < 0 || ms > MAX_TS_MS) problems = add(problems, line, index, 'ts', `${TS_RANGE_MESSAGE}, got ${show(rawTs)}`);
    else ts = ms;
  } else problems = add(problems, line, index, 'ts', `${TS_MESSAGE}, got ${show(rawTs)}`);

  // team
  const team = r.team;
  if (fixedTeam !== undefined) {
    if (team !== undefined && team !== fixedTeam) {
      problems = add(problems, line, index, 'team', `${show(team)} disagrees with the request's team '${fixedTeam}'`);
    }
  } else if (team === undefined) problems = add(problems, line, index, 'team', 'required');
  else if (!isSlug(team)) problems = add(problems, line, index, 'team', `${TEAM_MESSAGE}, got ${show(team)}`);

  // run
  const run = r.run;
  if (run === undefined) {
    if (spec !== undefined && spec.runRequired) problems = add(problems, line, index, 'run', spec.requiredMessage);
  } else if (!isIdString(run)) problems = add(problems, line, index, 'run', `${ID_MESSAGE}, got ${show(run)}`);
  else problems = addIfUnstorable(problems, line, index, 'run', run);

  // agent, model, repo, branch
  const agent = r.agent;
  if (agent !== undefined && typeof agent !== 'string') problems = add(problems, line, index, 'agent', `must be a string, got ${show(agent)}`);
  else problems = addIfUnstorable(problems, line, index, 'agent', agent);
  const model = r.model;
  if (model === undefined) {
    if (spec !== undefined && spec.modelRequired) problems = add(problems, line, index, 'model', spec.requiredMessage);
  } else if (typeof model !== 'string' || model.length === 0) {
    problems = add(problems, line, index, 'model', `must be a non-empty string, got ${show(model)}`);
  } else problems = addIfUnstorable(problems, line, index, 'model', model);
  const repo = r.repo;
  if (repo !== undefined && !isRepo(repo)) problems = add(problems, line, index, 'repo', `must be 'owner/name', got ${show(repo)}`);
  else problems = addIfUnstorable(problems, line, index, 'repo', repo);
  const branch = r.branch;
  if (branch !== undefined && typeof branch !== 'string') problems = add(problems, line, index, 'branch', `must be a string, got ${show(branch)}`);
  else problems = addIfUnstorable(problems, line, index, 'branch', branch);

  // attrs
  const attrs = r.attrs;
  if (attrs !== undefined) {
    if (!isPlainObject(attrs)) problems = add(problems, line, index, 'attrs', `must be an object, got ${show(attrs)}`);
    else {
      const size = serializedSize(attrs);
      if (size < 0) problems = add(problems, line, index, 'attrs', 'must be JSON-serialisable');
      else if (size > MAX_ATTRS_BYTES) {
        problems = add(problems, line, index, 'attrs', `must be at most 8 KiB (${MAX_ATTRS_BYTES} bytes) serialized, got ${size} bytes`);
      }
    }
  }

  // type-specific fields
  if (spec !== undefined) {
    const fields = spec.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const v = r[f.name];
      if (v === undefined) {
        if (f.required) problems = add(problems, line, index, f.name, spec.requiredMessage);
        continue;
      }
      const message = checkField(f.kind, v);
      if (message !== null) problems = add(problems, line, index, f.name, message);
    }
  }

  if (problems !== null) return { ok: false, problems };

  const event: LoopEvent = { id: id as string, type: spec!.type, ts };
  const t = fixedTeam !== undefined ? fixedTeam : (team as string);
  if (t !== undefined) event.team = t;
  if (run !== undefined) event.run = run as string;
  if (agent !== undefined) event.agent = agent as string;
  if (model !== undefined) event.model = model as string;
  if (repo !== undefined) event.repo = repo as string;
  if (branch !== undefined) event.branch = branch as string;
  if (attrs !== undefined) event.attrs = attrs as Record<string, unknown>;
  const fields = spec!.fields;
  const out = event as unknown as Record<string, unknown>;
  for (let i = 0; i < fields.length; i++) {
    const name = fields[i].name;
    const v = r[name];
    if (v !== undefined) out[name] = v;
  }
  return { ok: true, event };
}

/** The reason `v` is not a valid value of a field of kind `kind`, or null when it is. */
function checkField(kind: number, v: unknown): string | null {
  switch (kind) {
    case K_ID:
      if (typeof v !== 'string' || v.length === 0) return `must be a non-empty string, got ${show(v)}`;
      return unstorable(v);
    case K_STR:
      if (typeof v !== 'string') return `must be a string, got ${show(v)}`;
      return unstorable(v);
    case K_INT0:
      if (isUnsafeInteger(v)) return UNSAFE_INTEGER_MESSAGE;
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? null : `must be an integer ≥ 0, got ${show(v)}`;
    case K_INT1:
      if (isUnsafeInteger(v)) return UNSAFE_INTEGER_MESSAGE;
      return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? null : `must be an integer ≥ 1, got ${show(v)}`;
    case K_NUM0:
      return typeof v === 'number' && v >= 0 && v !== Infinity ? null : `must be a number ≥ 0, got ${show(v)}`;
    case K_BOOL:
      return typeof v === 'boolean' ? null : `must be true or false, got ${show(v)}`;
    case K_STATUS:
      return typeof v === 'string' && (RUN_STATUSES as readonly string[]).includes(v) ? null : `${STATUS_MESSAGE}, got ${show(v)}`;
    case K_STRARR: {
      if (!Array.isArray(v)) return `must be an array of non-empty strings, got ${show(v)}`;
      for (let i = 0; i < v.length; i++) {
        const s: unknown = v[i];
        if (typeof s !== 'string' || s.length === 0) return `must be an array of non-empty strings, item ${i} is ${show(s)}`;
        const reason = unstorable(s);
        if (reason !== null) return `item ${i} ${reason}`;
      }
      return null;
    }
    default:
      return null;
  }
}

function problem(line: number, index: number | undefined, field: string, message: string): Problem {
  return index === undefined ? { line, field, message } : { line, index, field, message };
}

/**
 * An integer past 2^53 − 1: JSON.parse has already rounded it (9007199254740993 reads as …992),
 * so the message cannot quote what was sent, and says why instead.
 */
const isUnsafeInteger = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > Number.MAX_SAFE_INTEGER;
const UNSAFE_INTEGER_MESSAGE = `must be at most ${Number.MAX_SAFE_INTEGER} (2^53 − 1): larger integers lose their exact value`;

/** `problems` with that of a string field that cannot be stored as sent (see unstorable), if any. */
function addIfUnstorable(problems: Problem[] | null, line: number, index: number | undefined, field: string, v: unknown): Problem[] | null {
  const reason = unstorable(v);
  return reason === null ? problems : add(problems, line, index, field, reason);
}

function add(problems: Problem[] | null, line: number, index: number | undefined, field: string, message: string): Problem[] {
  const p = problem(line, index, field, message);
  if (problems === null) return [p];
  problems.push(p);
  return problems;
}

/** A value for a message: numbers and booleans as written, strings quoted (and cut when long). */
function show(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string': {
      const s = v.length > 60 ? v.slice(0, 60) : v;
      const quoted = JSON.stringify(s);
      return `'${quoted.slice(1, -1)}${v.length > 60 ? '…' : ''}'`;
    }
    case 'number':
    case 'boolean':
      return String(v);
    case 'object':
      return Array.isArray(v) ? 'an array' : 'an object';
    default:
      return typeof v;
  }
}

/** A string of 1–200 characters (counted as code points). */
function isIdString(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const n = v.length;
  if (n === 0) return false;
  if (n <= MAX_ID_CHARS) return true;
  if (n > 2 * MAX_ID_CHARS) return false;
  // Longer than 200 UTF-16 units: count surrogate pairs as one character.
  let chars = 0;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = v.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    chars++;
  }
  return chars <= MAX_ID_CHARS;
}

/** `[a-z0-9][a-z0-9-]{0,62}` */
export function isSlug(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const n = v.length;
  if (n === 0 || n > 63) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) continue;
    if (c === 0x2d && i > 0) continue;
    return false;
  }
  return true;
}

/** `owner/name`: exactly one slash, both parts non-empty. */
function isRepo(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const slash = v.indexOf('/');
  return slash > 0 && slash < v.length - 1 && v.indexOf('/', slash + 1) === -1;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * UTF-8 bytes of JSON.stringify(v), or -1 when it cannot be serialised. Small attrs (the usual
 * case) are cleared by a cheap upper bound without serialising them.
 */
function serializedSize(v: Record<string, unknown>): number {
  const bound = sizeBound(v, 0);
  if (bound <= MAX_ATTRS_BYTES) return bound;
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    return -1;
  }
  const n = s.length;
  // Every UTF-16 unit is at most 3 UTF-8 bytes, so a short string is surely within the limit
  // (its exact size is not needed then); otherwise count.
  if (n * 3 <= MAX_ATTRS_BYTES) return n;
  return utf8Length(s);
}

/**
 * An upper bound of the UTF-8 size of the JSON of `v` (every UTF-16 unit of a string is at most
 * 6 bytes, as a \uXXXX escape), or Infinity when it is not a plain JSON value or is nested deep.
 */
function sizeBound(v: unknown, depth: number): number {
  switch (typeof v) {
    case 'string':
      return v.length * 6 + 2;
    case 'number':
      return 24; // the longest serialisation of a double, e.g. -1.2345678901234567e-308
    case 'boolean':
      return 5;
    case 'object': {
      if (v === null) return 4;
      if (depth >= 4) return Infinity;
      let total = 2;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          total += sizeBound(v[i], depth + 1) + 1;
          if (total > MAX_ATTRS_BYTES) return Infinity;
        }
        return total;
      }
      if (depth > 0) {
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return Infinity; // may have toJSON
      }
      const o = v as Record<string, unknown>;
      for (const k in o) {
        total += k.length * 6 + 4 + sizeBound(o[k], depth + 1);
        if (total > MAX_ATTRS_BYTES) return Infinity;
      }
      return total;
    }
    default:
      return Infinity; // undefined, bigint, function, symbol: let JSON.stringify decide
  }
}

/** UTF-8 length of a well-formed string (lone surrogates count as 3 bytes, as U+FFFD). */
export function utf8Length(s: string): number {
  let bytes = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// RFC 3339 date-time:  YYYY-MM-DD ("T" | "t" | " ") hh:mm:ss [.frac] ("Z" | "z" | ("+"|"-") hh:mm)

/** Why the last parseRfc3339 call returned NaN (a module-level slot, so errors allocate nothing). */
let tsError = TS_MESSAGE;

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1000;
}

function two(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

/**
 * Epoch milliseconds of an RFC 3339 date-time with an offset, or NaN (reason in `tsError`).
 * Fractions finer than a millisecond are truncated; a leap second (:60) rolls into the next minute.
 */
export function parseRfc3339(s: string): number {
  const n = s.length;
  tsError = TS_MESSAGE;
  if (n < 19 || n > 64) return NaN;
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  const sep = s.charCodeAt(10);
  if (
    year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 ||
    s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d || s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a ||
    (sep !== 0x54 && sep !== 0x74 && sep !== 0x20)
  ) {
    return NaN;
  }
  let i = 19;
  let ms = 0;
  if (i < n && s.charCodeAt(i) === 0x2e) {
    i++;
    const start = i;
    while (i < n) {
      const d = digit(s, i);
      if (d < 0) break;
      if (i - start < 3) ms = ms * 10 + d;
      i++;
    }
    if (i === start) return NaN;
    const got = i - start;
    if (got === 1) ms *= 100;
    else if (got === 2) ms *= 10;
  }
  let offsetMin = 0;
  if (i === n) {
    tsError = 'must be RFC 3339 with an offset (Z or ±hh:mm) or epoch milliseconds';
    return NaN;
  }
  const z = s.charCodeAt(i);
  if (z === 0x5a || z === 0x7a) {
    if (i + 1 !== n) return NaN;
  } else if (z === 0x2b || z === 0x2d) {
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 0x3a) return NaN;
    const oh = two(s, i + 1);
    const om = two(s, i + 4);
    if (oh < 0 || om < 0) return NaN;
    if (oh > 23 || om > 59) {
      tsError = 'is not a valid date-time: offset out of range';
      return NaN;
    }
    offsetMin = (oh * 60 + om) * (z === 0x2b ? 1 : -1);
  } else return NaN;

  if (month < 1 || month > 12) {
    tsError = `is not a valid date-time: month ${month}`;
    return NaN;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const dim = month === 2 && leap ? 29 : DAYS_IN_MONTH[month];
  if (day < 1 || day > dim) {
    tsError = `is not a valid date-time: day ${day} of month ${month}`;
    return NaN;
  }
  if (hour > 23 || minute > 59 || second > 60) {
    tsError = 'is not a valid date-time: time out of range';
    return NaN;
  }
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offsetMin) * 60000 + second * 1000 + ms;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm), year >= 0. */
function daysFromCivil(y: number, m: number, d: number): number {
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
