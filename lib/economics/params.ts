/**
 * The economics parameters of GET /api/v1/compare (`by`) and GET /api/v1/whatif (`scenario` and
 * its parameters), beside the window and filters every read endpoint takes. A bad one is named:
 * `{field, error}` (→ 400). Pure: the `model` scenario's "is it priced" is decided by repricingOf.
 */
import { z } from 'zod';
import { singleParam } from '@/lib/http/query';
import { COMPARE_BY, SCENARIO_KINDS, type CompareBy, type Scenario } from './types';

export type ParamResult<T> = { ok: true; value: T } | { ok: false; field: string; error: string };

/** Longest model id accepted, as the filters' MAX_FILTER_CHARS. */
const MAX_MODEL_CHARS = 200;

/**
 * A plain decimal number (no hex, no Infinity, no blank): what a form or a script sends. A sign is
 * read, so that a negative value is refused by its field's bound ("must be 0 or more").
 */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const decimal = z.string().regex(DECIMAL, 'must be a decimal number').transform(Number).pipe(z.number({ error: 'is too large a number' }));

const FIELD_RULES = {
  rate: decimal.pipe(z.number().min(0, 'must be 0 or more (USD per million tokens)')),
  positive: decimal.pipe(z.number().positive('must be more than 0')),
  gpus: decimal.pipe(z.number().int('must be a whole number').min(1, 'must be at least 1')),
  utilization: decimal.pipe(z.number().positive('must be more than 0').max(1, 'must be at most 1')),
  model: z.string().min(1, 'must not be empty').max(MAX_MODEL_CHARS, `may be at most ${MAX_MODEL_CHARS} characters`),
} as const;

/** A required (or defaulted) parameter read through its rule. */
function field<T>(params: URLSearchParams, name: string, rule: z.ZodType<T, string>, fallback?: T): ParamResult<T> {
  const raw = singleParam(params, name);
  if (!raw.ok) return raw;
  if (raw.value === undefined) {
    return fallback === undefined ? { ok: false, field: name, error: `${name} is required` } : { ok: true, value: fallback };
  }
  const parsed = rule.safeParse(raw.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, field: name, error: `${name} ${parsed.error.issues[0]?.message ?? 'is not valid'}; got ${JSON.stringify(raw.value.slice(0, 80))}` };
}

/** Several parameters, each by its rule, into one object; the first bad one named. */
function fields<K extends string>(params: URLSearchParams, rules: Record<K, [z.ZodType<number, string>, number?]>): ParamResult<Record<K, number>> {
  const out = {} as Record<K, number>;
  for (const name of Object.keys(rules) as K[]) {
    const [rule, fallback] = rules[name];
    const got = field(params, name, rule, fallback);
    if (!got.ok) return got;
    out[name] = got.value;
  }
  return { ok: true, value: out };
}

function oneOf<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[]): ParamResult<T> {
  const raw = singleParam(params, name);
  if (!raw.ok) return raw;
  const value = allowed.find((a) => a === raw.value);
  if (value) return { ok: true, value };
  if (raw.value === undefined) return { ok: false, field: name, error: `${name} is required (${allowed.join(', ')})` };
  return { ok: false, field: name, error: `${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(raw.value.slice(0, 80))}` };
}

/** `by` of GET /api/v1/compare: `agent` or `model`. */
export function parseCompareBy(params: URLSearchParams): ParamResult<CompareBy> {
  return oneOf(params, 'by', COMPARE_BY);
}

/** The scenario of GET /api/v1/whatif and its parameters (economics-v1 "What if"). */
export function parseScenario(params: URLSearchParams): ParamResult<Scenario> {
  const kind = oneOf(params, 'scenario', SCENARIO_KINDS);
  if (!kind.ok) return kind;
  switch (kind.value) {
    case 'price': {
      const { rate } = FIELD_RULES;
      const got = fields(params, { inputPerM: [rate], outputPerM: [rate], cacheReadPerM: [rate], cacheWritePerM: [rate] });
      return got.ok ? { ok: true, value: { kind: 'price', ...got.value } } : got;
    }
    case 'model': {
      const got = field(params, 'model', FIELD_RULES.model);
      return got.ok ? { ok: true, value: { kind: 'model', model: got.value } } : got;
    }
    case 'selfhosted': {
      const { positive, gpus, utilization } = FIELD_RULES;
      const got = fields(params, {
        gpuHourUsd: [positive], gpus: [gpus], prefillTokensPerSecond: [positive], decodeTokensPerSecond: [positive], utilization: [utilization, 1],
      });
      return got.ok ? { ok: true, value: { kind: 'selfhosted', ...got.value } } : got;
    }
  }
}

/** A scenario as the query parameters that give it back (links, share views, the panel's form). */
export function scenarioParams(scenario: Scenario): Record<string, string> {
  const { kind, ...rest } = scenario;
  return { scenario: kind, ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)])) };
}
