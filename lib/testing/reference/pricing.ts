/**
 * kpis-v1 "Price table", the lookup rule written from the spec over the shipped rates (the data
 * of lib/pricing/prices.ts; no LOOPSCOPE_PRICES_FILE override: the reference prices with the
 * default table, and the comparison test runs the product without an override).
 *
 * "A reported id is matched, ignoring case, by the exact id first; then by the longest known id
 * that is a prefix of it and ends where the reported id's next character is not a letter, digit
 * or `.` ...; then the same after dropping a leading `provider/`."
 */
import { BUILTIN_PRICES } from '@/lib/pricing/prices';
import { num, type Ev } from './events';

export interface Rates {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const KNOWN: ReadonlyMap<string, Rates> = new Map(BUILTIN_PRICES.map((p) => [p.model.toLowerCase(), p]));

function exactOrPrefix(id: string): Rates | null {
  const exact = KNOWN.get(id);
  if (exact) return exact;
  let best: string | null = null;
  for (const known of KNOWN.keys()) {
    if (known.length >= id.length || !id.startsWith(known)) continue;
    if (/[a-z0-9.]/.test(id[known.length])) continue;
    if (best === null || known.length > best.length) best = known;
  }
  return best === null ? null : KNOWN.get(best)!;
}

/** The rates of a reported model id, or null when the table has none for it. */
export function ratesOf(model: string): Rates | null {
  const id = model.toLowerCase();
  const found = exactOrPrefix(id);
  if (found) return found;
  // "a leading `provider/`": one segment, dropped once.
  const slash = id.indexOf('/');
  return slash < 0 ? null : exactOrPrefix(id.slice(slash + 1));
}

/** The four token counts of an `llm.call` (absent cache counts are 0). */
export function callTokens(e: Ev) {
  const input = num(e, 'input_tokens');
  const output = num(e, 'output_tokens');
  const cacheRead = num(e, 'cache_read_tokens');
  const cacheWrite = num(e, 'cache_write_tokens');
  return { input, output, cacheRead, cacheWrite, total: input + output + cacheRead + cacheWrite };
}

/**
 * "sum of `cost_usd` where the event has it, else tokens × the price table's per-million rates
 * for its model; `unpricedCalls` counts calls with neither (they add 0)".
 */
export function callCost(e: Ev): { usd: number; priced: boolean } {
  if (typeof e.cost_usd === 'number') return { usd: e.cost_usd, priced: true };
  const rates = typeof e.model === 'string' ? ratesOf(e.model) : null;
  if (!rates) return { usd: 0, priced: false };
  const t = callTokens(e);
  return {
    usd: (t.input * rates.input + t.output * rates.output + t.cacheRead * rates.cacheRead + t.cacheWrite * rates.cacheWrite) / 1e6,
    priced: true,
  };
}
