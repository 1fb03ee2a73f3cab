/**
 * Price lookup (kpis-v1.md "Price table"): the builtin table of ./prices, optionally overridden
 * and extended per installation by a JSON file named by `LOOPSCOPE_PRICES_FILE`.
 *
 * Matching, for a reported model id exactly as reported (compared case-insensitively):
 *   1. the exact id;
 *   2. else the longest listed id that is a prefix of it and ends at a separator — the next
 *      character of the reported id is not a letter, digit or `.` — so `claude-sonnet-4-5` prices
 *      `claude-sonnet-4-5-20250929` and `claude-opus-4-6[1m]`, but `gpt-5` does not price
 *      `gpt-5.7` nor `glm-4.5` `glm-4.5v` (a new version is unpriced rather than mispriced);
 *   3. else the same after dropping one leading `<provider>/` (`anthropic/…`, `openai/…`; not a
 *      second one: `openrouter/anthropic/…` is unpriced, as kpis-v1 has it).
 * Answers are cached per reported id, so pricing a large import costs one map hit per call.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILTIN_PRICES, PRICE_TABLE_VERSION, type ModelPrice } from './prices';

export type { ModelPrice } from './prices';

export interface PriceTable {
  /** `PRICE_TABLE_VERSION`, or `<builtin>+override:<file version or file mtime>`. */
  version: string;
  /** Every entry, keyed by its id in lower case. */
  prices: ReadonlyMap<string, ModelPrice>;
  /** The price of a reported model id, or null when no entry matches. */
  lookup(model: string): ModelPrice | null;
}

export interface CallTokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** The lookup cache is dropped when it reaches this many distinct reported ids. */
const LOOKUP_CACHE_LIMIT = 10_000;

function normalizeId(model: string): string {
  return model.trim().toLowerCase();
}

/** True when `c` may follow a matched prefix: anything but a letter, a digit or a dot. */
function isSeparator(c: string): boolean {
  return !/[a-z0-9.]/.test(c);
}

function matchId(prices: ReadonlyMap<string, ModelPrice>, id: string): ModelPrice | null {
  const exact = prices.get(id);
  if (exact) return exact;
  for (let end = id.length - 1; end > 0; end--) {
    if (!isSeparator(id[end])) continue;
    const p = prices.get(id.slice(0, end));
    if (p) return p;
  }
  return null;
}

/**
 * A price table over `entries`: exact id first, then the longest listed prefix ending at a
 * separator, then the same without a leading `<provider>/`. Throws on two entries with the same
 * id (case-insensitively) and on a rate that is not a finite number >= 0.
 */
export function createPriceTable(entries: readonly ModelPrice[], version: string): PriceTable {
  const prices = new Map<string, ModelPrice>();
  for (const e of entries) {
    const id = normalizeId(e.model);
    if (id === '') throw new Error(`Price table ${version}: an entry has an empty model id`);
    if (prices.has(id)) throw new Error(`Price table ${version}: duplicate model id "${e.model}"`);
    for (const field of ['input', 'output', 'cacheRead', 'cacheWrite'] as const) {
      const v = e[field];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new Error(`Price table ${version}: ${e.model}.${field} must be a finite number >= 0`);
      }
    }
    prices.set(id, e);
  }

  const cache = new Map<string, ModelPrice | null>();
  function lookup(model: string): ModelPrice | null {
    const hit = cache.get(model);
    if (hit !== undefined) return hit;
    const id = model.toLowerCase();
    const slash = id.indexOf('/');
    const found = matchId(prices, id) ?? (slash > 0 ? matchId(prices, id.slice(slash + 1)) : null);
    if (cache.size >= LOOKUP_CACHE_LIMIT) cache.clear();
    cache.set(model, found);
    return found;
  }

  return { version, prices, lookup };
}

// ---------------------------------------------------------------------------------------------
// Override file

const TOP_LEVEL_FIELDS = new Set(['version', 'prices']);
const ENTRY_FIELDS = new Set(['model', 'input', 'output', 'cacheRead', 'cacheWrite', 'source', 'asOf']);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

interface OverrideFile {
  version: string | null;
  prices: ModelPrice[];
  mtime: Date;
}

/**
 * Reads and strictly validates an override file. Every problem throws an Error naming the file,
 * and for an entry its index and field: `prices[3].input must be a finite number >= 0 (got "2")`.
 */
function readOverrideFile(file: string): OverrideFile {
  const path = resolve(file);
  const fail = (what: string): never => {
    throw new Error(`Price override file ${file} (LOOPSCOPE_PRICES_FILE): ${what}`);
  };

  let text: string;
  let mtime: Date;
  try {
    text = readFileSync(path, 'utf8');
    mtime = statSync(path).mtime;
  } catch (err) {
    return fail(`cannot be read: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return fail(`is not valid JSON: ${(err as Error).message}`);
  }

  if (!isPlainObject(doc)) return fail(`must hold a JSON object {"version"?, "prices": [...]}`);
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_FIELDS.has(key)) fail(`unknown top-level field "${key}" (allowed: version, prices)`);
  }
  let version: string | null = null;
  if (doc.version !== undefined) {
    if (typeof doc.version !== 'string' || doc.version.trim() === '') {
      fail(`version must be a non-empty string (got ${describe(doc.version)})`);
    }
    version = (doc.version as string).trim();
  }
  if (!Array.isArray(doc.prices)) return fail(`prices must be an array (got ${describe(doc.prices)})`);

  const defaultSource = pathToFileURL(path).href;
  const defaultAsOf = mtime.toISOString().slice(0, 10);
  const seen = new Map<string, number>();
  const prices: ModelPrice[] = [];
  doc.prices.forEach((raw: unknown, i: number) => {
    const at = `prices[${i}]`;
    if (!isPlainObject(raw)) fail(`${at} must be an object (got ${describe(raw)})`);
    const e = raw as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!ENTRY_FIELDS.has(key)) {
        fail(`${at}.${key} is not a known field (allowed: ${[...ENTRY_FIELDS].join(', ')})`);
      }
    }

    if (typeof e.model !== 'string' || e.model.trim() === '' || /\s/.test(e.model.trim())) {
      fail(`${at}.model must be a non-empty model id without blanks (got ${describe(e.model)})`);
    }
    const model = (e.model as string).trim();
    const id = normalizeId(model);
    const first = seen.get(id);
    if (first !== undefined) fail(`${at}.model "${model}" repeats prices[${first}].model`);
    seen.set(id, i);

    const rate = (field: 'input' | 'output' | 'cacheRead' | 'cacheWrite', required: boolean): number | null => {
      const v = e[field];
      if (v === undefined && !required) return null;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        fail(`${at}.${field} must be a finite number >= 0 (USD per 1M tokens; got ${describe(v)})`);
      }
      return v as number;
    };
    const input = rate('input', true)!;
    const output = rate('output', true)!;
    // Missing cache prices default to the model's input price (no cache discount, no surcharge).
    const cacheRead = rate('cacheRead', false) ?? input;
    const cacheWrite = rate('cacheWrite', false) ?? input;

    let source = defaultSource;
    if (e.source !== undefined) {
      if (typeof e.source !== 'string' || e.source.trim() === '') {
        fail(`${at}.source must be a non-empty string (got ${describe(e.source)})`);
      }
      source = (e.source as string).trim();
    }
    let asOf = defaultAsOf;
    if (e.asOf !== undefined) {
      if (typeof e.asOf !== 'string' || !isIsoDate(e.asOf)) {
        fail(`${at}.asOf must be a date written YYYY-MM-DD (got ${describe(e.asOf)})`);
      }
      asOf = e.asOf as string;
    }
    prices.push(Object.freeze({ model, input, output, cacheRead, cacheWrite, source, asOf }));
  });

  return { version, prices, mtime };
}

/**
 * The builtin table, overridden and extended by the JSON file named by `LOOPSCOPE_PRICES_FILE`
 * when that variable is set (not blank). A file entry replaces the builtin entry with the same id
 * (case-insensitively) or adds a new one; the other builtin entries stay. The version becomes
 * `<PRICE_TABLE_VERSION>+override:<file "version", else the file's mtime as ISO 8601>`.
 * Throws an Error naming the file (and entry index and field) when the file is unreadable or
 * invalid; see readOverrideFile.
 */
export function loadPriceTable(
  // The index signature keeps `process.env` (whose keys are all optional) assignable.
  env: { LOOPSCOPE_PRICES_FILE?: string; readonly [name: string]: string | undefined } = process.env,
): PriceTable {
  const file = env.LOOPSCOPE_PRICES_FILE?.trim();
  if (!file) return createPriceTable(BUILTIN_PRICES, PRICE_TABLE_VERSION);

  const override = readOverrideFile(file);
  const merged = new Map<string, ModelPrice>();
  for (const p of BUILTIN_PRICES) merged.set(normalizeId(p.model), p);
  for (const p of override.prices) merged.set(normalizeId(p.model), p);
  const suffix = override.version ?? override.mtime.toISOString();
  return createPriceTable([...merged.values()], `${PRICE_TABLE_VERSION}+override:${suffix}`);
}

/**
 * USD cost of one call: the sum over the four token kinds of `tokens × rate / 1e6` (each term
 * divided separately, as lib/kpi/cost.ts does). `input` is the uncached input only: cache reads
 * and writes are counted in their own fields, never also in `input`.
 */
export function callCostUsd(price: ModelPrice, tokens: CallTokens): number {
  return (
    (tokens.input * price.input) / 1e6 +
    (tokens.output * price.output) / 1e6 +
    (tokens.cacheRead * price.cacheRead) / 1e6 +
    (tokens.cacheWrite * price.cacheWrite) / 1e6
  );
}
