import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callCostUsd, createPriceTable, isIsoDate, loadPriceTable, type ModelPrice } from './lookup';
import { BUILTIN_PRICES, PRICE_TABLE_VERSION } from './prices';

function price(model: string, input: number, extra: Partial<ModelPrice> = {}): ModelPrice {
  return {
    model,
    input,
    output: input * 5,
    cacheRead: input / 10,
    cacheWrite: input * 1.25,
    source: 'https://example.com/pricing',
    asOf: '2026-11-26',
    ...extra,
  };
}

const FIXTURE = [
  price('claude-sonnet-4-5', 3),
  price('claude-sonnet-4-5-20250929', 4),
  price('gpt-5', 1.25),
  price('gpt-5-mini', 0.25),
  price('glm-4.5', 0.6),
];

describe('createPriceTable: matching', () => {
  const table = createPriceTable(FIXTURE, 'test');

  it('matches the exact id first', () => {
    expect(table.lookup('claude-sonnet-4-5')?.input).toBe(3);
    expect(table.lookup('claude-sonnet-4-5-20250929')?.input).toBe(4);
    expect(table.lookup('gpt-5-mini')?.input).toBe(0.25);
  });

  it('falls back to the longest listed prefix', () => {
    expect(table.lookup('claude-sonnet-4-5-20250929-v2')?.model).toBe('claude-sonnet-4-5-20250929');
    expect(table.lookup('claude-sonnet-4-5-20991231')?.model).toBe('claude-sonnet-4-5');
    expect(table.lookup('claude-sonnet-4-5[1m]')?.model).toBe('claude-sonnet-4-5');
    expect(table.lookup('gpt-5-mini-2025-08-07')?.model).toBe('gpt-5-mini');
    expect(table.lookup('gpt-5-2025-08-07')?.model).toBe('gpt-5');
  });

  it('only takes a prefix that ends at a separator', () => {
    // A later version or a sibling model is not priced as its shorter namesake.
    expect(table.lookup('gpt-5.7')).toBeNull();
    expect(table.lookup('gpt-50')).toBeNull();
    expect(table.lookup('glm-4.5v')).toBeNull();
    expect(table.lookup('glm-4.5-air')?.model).toBe('glm-4.5');
  });

  it('strips one leading provider/ when the full id does not match (kpis-v1), not two', () => {
    expect(table.lookup('anthropic/claude-sonnet-4-5')?.model).toBe('claude-sonnet-4-5');
    expect(table.lookup('openai/gpt-5-mini')?.model).toBe('gpt-5-mini');
    expect(table.lookup('openai/gpt-5-2025-08-07')?.model).toBe('gpt-5');
    expect(table.lookup('openrouter/openai/gpt-5-2025-08-07')).toBeNull();
    expect(table.lookup('openai/unknown-model')).toBeNull();
  });

  it('prefers an entry whose id itself contains the provider', () => {
    const t = createPriceTable([...FIXTURE, price('openai/gpt-5', 9)], 'test');
    expect(t.lookup('openai/gpt-5')?.input).toBe(9);
    expect(t.lookup('azure/gpt-5')?.input).toBe(1.25);
  });

  it('ignores case, and matches the id as reported (blanks are part of it)', () => {
    expect(table.lookup('GLM-4.5')?.model).toBe('glm-4.5');
    expect(table.lookup(' gpt-5')).toBeNull();
    expect(table.lookup('gpt-5 ')?.model).toBe('gpt-5');
  });

  it('returns null for unknown models and empty ids', () => {
    expect(table.lookup('llama-3-70b')).toBeNull();
    expect(table.lookup('')).toBeNull();
    expect(table.lookup('claude')).toBeNull();
    expect(table.lookup('/')).toBeNull();
  });

  it('answers repeated lookups from its cache with the same object', () => {
    const a = table.lookup('claude-sonnet-4-5-20250929-v2');
    expect(table.lookup('claude-sonnet-4-5-20250929-v2')).toBe(a);
    expect(table.lookup('nope')).toBeNull();
    expect(table.lookup('nope')).toBeNull();
  });

  it('exposes its entries keyed by lower-case id, and its version', () => {
    const t = createPriceTable([price('GLM-4.6', 0.6)], 'v1');
    expect(t.version).toBe('v1');
    expect([...t.prices.keys()]).toEqual(['glm-4.6']);
    expect(t.lookup('glm-4.6')?.model).toBe('GLM-4.6');
  });

  it('rejects duplicate ids and invalid rates', () => {
    expect(() => createPriceTable([price('gpt-5', 1), price('GPT-5', 2)], 'x')).toThrow(/duplicate.*GPT-5/);
    expect(() => createPriceTable([price('gpt-5', Number.NaN)], 'x')).toThrow(/gpt-5\.input/);
    expect(() => createPriceTable([price('gpt-5', 1, { cacheWrite: -1 })], 'x')).toThrow(/cacheWrite/);
  });
});

describe('builtin prices', () => {
  it('has a dated version', () => {
    expect(isIsoDate(PRICE_TABLE_VERSION)).toBe(true);
  });

  it('every entry has positive prices, a source URL and an ISO date', () => {
    expect(BUILTIN_PRICES.length).toBeGreaterThan(50);
    for (const p of BUILTIN_PRICES) {
      const where = `${p.model}: `;
      expect(p.model, where).toMatch(/^[a-z0-9][a-z0-9.\-]*$/);
      for (const rate of [p.input, p.output, p.cacheRead, p.cacheWrite]) {
        expect(Number.isFinite(rate) && rate > 0, `${where}${rate}`).toBe(true);
      }
      expect(p.source, where).toMatch(/^https:\/\/[^\s]+$/);
      expect(isIsoDate(p.asOf), `${where}${p.asOf}`).toBe(true);
      expect(p.asOf <= PRICE_TABLE_VERSION, where).toBe(true);
    }
  });

  it('has no duplicate ids', () => {
    const ids = BUILTIN_PRICES.map((p) => p.model.toLowerCase());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('prices the ids providers report, dated snapshots included', () => {
    const t = loadPriceTable({});
    expect(t.version).toBe(PRICE_TABLE_VERSION);
    const cases: [string, string, number, number][] = [
      ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5', 3, 15],
      ['claude-opus-4-1-20250805', 'claude-opus-4-1', 15, 75],
      ['claude-opus-4-5-20251101', 'claude-opus-4-5', 5, 25],
      ['claude-haiku-4-5-20251001', 'claude-haiku-4-5', 1, 5],
      ['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet', 3, 15],
      ['claude-opus-4-20250514', 'claude-opus-4-20250514', 15, 75],
      ['anthropic/claude-opus-4-6', 'claude-opus-4-6', 5, 25],
      ['gpt-5-codex', 'gpt-5-codex', 1.25, 10],
      ['gpt-5-mini-2025-08-07', 'gpt-5-mini', 0.25, 2],
      ['gpt-4.1-2025-04-14', 'gpt-4.1', 2, 8],
      ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13', 5, 15],
      ['gpt-4o-2024-08-06', 'gpt-4o', 2.5, 10],
      ['o4-mini-2025-04-16', 'o4-mini', 1.1, 4.4],
      ['openai/o3', 'o3', 2, 8],
      ['gemini-2.5-pro', 'gemini-2.5-pro', 1.25, 10],
      ['models/gemini-2.5-flash', 'gemini-2.5-flash', 0.3, 2.5],
      ['gemini-2.5-flash-lite', 'gemini-2.5-flash-lite', 0.1, 0.4],
      ['deepseek-chat', 'deepseek-chat', 0.14, 0.28],
      ['glm-4.6', 'glm-4.6', 0.6, 2.2],
      ['qwen-max-latest', 'qwen-max', 1.6, 6.4],
    ];
    for (const [reported, model, input, output] of cases) {
      const p = t.lookup(reported);
      expect(p?.model, reported).toBe(model);
      expect([p?.input, p?.output], reported).toEqual([input, output]);
    }
  });

  it('keeps unlisted newer versions unpriced rather than priced as an older one', () => {
    const t = loadPriceTable({});
    expect(t.lookup('gpt-5.9')).toBeNull();
    expect(t.lookup('claude-opus-4-9')).toBeNull();
    expect(t.lookup('claude-opus-4')).toBeNull();
    expect(t.lookup('gemini-9-pro')).toBeNull();
  });

  it('follows the documented cache rules', () => {
    const t = loadPriceTable({});
    // Anthropic: 5-minute write 1.25 × input, hit 0.1 × input.
    expect(t.lookup('claude-sonnet-4-5')).toMatchObject({ cacheWrite: 3.75, cacheRead: 0.3 });
    // OpenAI without a cache-write price: writes cost the input price.
    expect(t.lookup('gpt-5')).toMatchObject({ cacheWrite: 1.25, cacheRead: 0.125 });
    // No cached-input price at all: cached tokens cost the input price.
    expect(t.lookup('gpt-5-pro')).toMatchObject({ cacheRead: 15, cacheWrite: 15 });
    // Qwen: implicit hit 20 %, explicit creation 125 %.
    expect(t.lookup('qwen3.6-plus')).toMatchObject({ cacheRead: 0.1, cacheWrite: 0.625 });
  });
});

describe('loadPriceTable: override file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loopscope-prices-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  function writeFile(content: unknown): string {
    const file = join(dir, `prices-${n++}.json`);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  it('without the variable (or blank) is the builtin table', () => {
    expect(loadPriceTable({}).version).toBe(PRICE_TABLE_VERSION);
    expect(loadPriceTable({ LOOPSCOPE_PRICES_FILE: '  ' }).version).toBe(PRICE_TABLE_VERSION);
    expect(loadPriceTable({}).prices.size).toBe(BUILTIN_PRICES.length);
  });

  it('adds and replaces models and keeps the rest', () => {
    const file = writeFile({
      version: 'acme-2026-11',
      prices: [
        { model: 'claude-sonnet-4-5', input: 2.7, output: 13.5, cacheRead: 0.27, cacheWrite: 3.375, source: 'https://acme.example/contract' },
        { model: 'acme-coder-7b', input: 0.2, output: 0.4 },
        { model: 'glm-4.5-flash', input: 0, output: 0 },
      ],
    });
    const t = loadPriceTable({ LOOPSCOPE_PRICES_FILE: file });
    expect(t.version).toBe(`${PRICE_TABLE_VERSION}+override:acme-2026-11`);
    expect(t.prices.size).toBe(BUILTIN_PRICES.length + 2);

    expect(t.lookup('claude-sonnet-4-5-20250929')).toMatchObject({
      model: 'claude-sonnet-4-5',
      input: 2.7,
      cacheWrite: 3.375,
      source: 'https://acme.example/contract',
    });
    // Missing cache prices default to the input price; source and asOf to the file.
    const added = t.lookup('acme-coder-7b-q4');
    expect(added).toMatchObject({ model: 'acme-coder-7b', input: 0.2, output: 0.4, cacheRead: 0.2, cacheWrite: 0.2 });
    expect(added?.source).toMatch(/^file:\/\/.*prices-\d+\.json$/);
    expect(isIsoDate(added!.asOf)).toBe(true);
    // A free model shadows the prefix match on its paid namesake.
    expect(t.lookup('glm-4.5-flash')).toMatchObject({ input: 0, output: 0, cacheRead: 0 });
    // Untouched builtin entries stay.
    expect(t.lookup('gpt-5')).toBe(BUILTIN_PRICES.find((p) => p.model === 'gpt-5'));
  });

  it('replaces a builtin id case-insensitively', () => {
    const file = writeFile({ prices: [{ model: 'GPT-5', input: 1, output: 8 }] });
    const t = loadPriceTable({ LOOPSCOPE_PRICES_FILE: file });
    expect(t.prices.size).toBe(BUILTIN_PRICES.length);
    expect(t.lookup('gpt-5')).toMatchObject({ model: 'GPT-5', input: 1, output: 8, cacheRead: 1, cacheWrite: 1 });
  });

  it('takes the file mtime as version when the file has none', () => {
    const file = writeFile({ prices: [] });
    const mtime = new Date('2026-11-20T08:30:00.000Z');
    utimesSync(file, mtime, mtime);
    const t = loadPriceTable({ LOOPSCOPE_PRICES_FILE: file });
    expect(t.version).toBe(`${PRICE_TABLE_VERSION}+override:2026-11-20T08:30:00.000Z`);
  });

  it('names the file, the entry index and the field of a bad entry', () => {
    const bad: [unknown[], RegExp][] = [
      [[{ model: 'a', input: 1, output: 2 }, { model: 'b', input: '2', output: 3 }], /prices\[1\]\.input must be a finite number >= 0.*"2"/],
      [[{ model: 'a', input: 1 }], /prices\[0\]\.output must be a finite number/],
      [[{ model: 'a', input: 1, output: -2 }], /prices\[0\]\.output/],
      [[{ model: 'a', input: 1, output: 2, cacheRead: null }], /prices\[0\]\.cacheRead/],
      [[{ model: 'a', input: 1, output: 2 }, { model: 'b', input: 1, output: 2, cacheWrite: 'x' }], /prices\[1\]\.cacheWrite/],
      [[{ model: '', input: 1, output: 2 }], /prices\[0\]\.model/],
      [[{ input: 1, output: 2 }], /prices\[0\]\.model/],
      [[{ model: 'a b', input: 1, output: 2 }], /prices\[0\]\.model/],
      [[{ model: 'a', input: 1, output: 2, price: 3 }], /prices\[0\]\.price is not a known field/],
      [[{ model: 'a', input: 1, output: 2, source: '' }], /prices\[0\]\.source/],
      [[{ model: 'a', input: 1, output: 2, asOf: '2026-02-30' }], /prices\[0\]\.asOf/],
      [[{ model: 'x', input: 1, output: 2 }, 'y'], /prices\[1\] must be an object/],
      [[{ model: 'x', input: 1, output: 2 }, { model: 'X', input: 1, output: 2 }], /prices\[1\]\.model "X" repeats prices\[0\]\.model/],
    ];
    for (const [prices, message] of bad) {
      const file = writeFile({ prices });
      const load = () => loadPriceTable({ LOOPSCOPE_PRICES_FILE: file });
      expect(load).toThrow(message);
      expect(load).toThrow(file);
    }
  });

  it('rejects a file that is missing, not JSON or not of the documented shape', () => {
    const missing = join(dir, 'missing.json');
    expect(() => loadPriceTable({ LOOPSCOPE_PRICES_FILE: missing })).toThrow(/missing\.json.*cannot be read/);
    const cases: [unknown, RegExp][] = [
      ['{"prices": [', /is not valid JSON/],
      [[], /must hold a JSON object/],
      [{}, /prices must be an array/],
      [{ prices: {} }, /prices must be an array/],
      [{ version: '', prices: [] }, /version must be a non-empty string/],
      [{ version: 3, prices: [] }, /version must be a non-empty string/],
      [{ prices: [], extra: 1 }, /unknown top-level field "extra"/],
    ];
    for (const [content, message] of cases) {
      const file = writeFile(content);
      expect(() => loadPriceTable({ LOOPSCOPE_PRICES_FILE: file })).toThrow(message);
      expect(() => loadPriceTable({ LOOPSCOPE_PRICES_FILE: file })).toThrow(file);
    }
  });
});

describe('callCostUsd', () => {
  it('sums tokens × rate / 1e6 over the four token kinds', () => {
    const sonnet = createPriceTable(BUILTIN_PRICES, 'b').lookup('claude-sonnet-4-5')!;
    // 12,000 × $3 + 800 × $15 + 100,000 × $0.30 + 5,000 × $3.75, per million:
    // 0.036 + 0.012 + 0.03 + 0.01875 = 0.09675
    expect(callCostUsd(sonnet, { input: 12_000, output: 800, cacheRead: 100_000, cacheWrite: 5_000 })).toBeCloseTo(0.09675, 12);
  });

  it('prices each kind at its own rate', () => {
    const p = price('m', 2, { output: 10, cacheRead: 0.5, cacheWrite: 2.5 });
    expect(callCostUsd(p, { input: 1_000_000, output: 0, cacheRead: 0, cacheWrite: 0 })).toBe(2);
    expect(callCostUsd(p, { input: 0, output: 1_000_000, cacheRead: 0, cacheWrite: 0 })).toBe(10);
    expect(callCostUsd(p, { input: 0, output: 0, cacheRead: 1_000_000, cacheWrite: 0 })).toBe(0.5);
    expect(callCostUsd(p, { input: 0, output: 0, cacheRead: 0, cacheWrite: 1_000_000 })).toBe(2.5);
    // 1,500 × $2 + 250 × $10 + 4,000 × $0.5 + 0 = 0.003 + 0.0025 + 0.002 = 0.0075
    expect(callCostUsd(p, { input: 1_500, output: 250, cacheRead: 4_000, cacheWrite: 0 })).toBeCloseTo(0.0075, 12);
  });

  it('is 0 for no tokens', () => {
    expect(callCostUsd(price('m', 3), { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 })).toBe(0);
  });
});
