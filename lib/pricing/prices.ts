/**
 * The builtin price table (kpis-v1.md "Price table"): USD per 1M tokens per model id.
 *
 * Rules for every entry:
 * - `model` is the id as the provider reports it in API responses (lower case). Matching is by
 *   exact id, then by the longest listed id that is a prefix of the reported one ending at a
 *   separator (see lookup.ts), so one entry covers dated snapshots such as
 *   `claude-sonnet-4-5-20250929` or `gpt-4.1-2025-04-14`. Dated ids are listed only where the
 *   snapshot is priced differently from its alias.
 * - `source` is the page or public dataset the price was read from; `asOf` is the date of the copy
 *   that was read (the dataset's snapshot date, or the earliest date the page copy can be from).
 *   It says when the price was known to be right, not that it still is.
 * - Prices are the standard (non-batch, non-priority, no data-residency uplift) rates. Where a
 *   provider prices long prompts higher, the base tier is listed; models are included only if that
 *   base tier covers prompts of at least 200K tokens (so it prices most calls correctly). Models
 *   priced by prompt length below that (Qwen3-Coder-Plus, Qwen3-Max, Claude Haiku 5.5), by time
 *   of day (DeepSeek since 2026-08-16) or by thinking mode (Qwen-Plus) are left out: see
 *   docs/pricing.md.
 * - Cache prices, when the provider publishes no separate one:
 *   - Anthropic: `cacheWrite` is the 5-minute cache write (1.25 × input; 1-hour writes cost 2 × and
 *     are not distinguished in the events), `cacheRead` is "cache hits and refreshes".
 *   - OpenAI (up to GPT-5.5, o-series, GPT-4.x): no charge for writing the cache, so tokens written
 *     cost the input price (`cacheWrite = input`). GPT-5.6 and GPT-6.x publish a cache-write price
 *     (1.25 × input for the default retention), which is used.
 *   - Google Gemini: tokens that create a cache are billed at the standard input price
 *     (`cacheWrite = input`); explicit-cache storage per hour is not a token price and is left out.
 *   - DeepSeek, Z.ai (GLM): a cache miss is billed as ordinary input (`cacheWrite = input`);
 *     `cacheRead` is the published cache-hit price.
 *   - Alibaba (Qwen): documented rule for Model Studio context cache: implicit-cache hits cost 20 %
 *     of input (`cacheRead = 0.2 × input`; the implicit cache is always on), explicit-cache creation
 *     costs 125 % of input (`cacheWrite = 1.25 × input`; only explicit caching reports written tokens).
 *   - Models with no cached-input price at all (e.g. OpenAI "pro" models): `cacheRead = input`.
 */

/** USD per 1M tokens for one model id. */
export interface ModelPrice {
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** URL of the provider's pricing page or of the public dataset the price was read from. */
  source: string;
  /** ISO date (YYYY-MM-DD) of the copy of `source` the price was read from. */
  asOf: string;
}

export const PRICE_TABLE_VERSION = '2026-11-26';

// ---------------------------------------------------------------------------------------------
// Sources

/** Official Anthropic pricing page; the copy read lists Claude Fable 5.1 (added 2026-09-01). */
const ANTHROPIC_PRICING = 'https://platform.claude.com/docs/en/about-claude/pricing';
const ANTHROPIC_PRICING_AS_OF = '2026-09-01';
/** pydantic/genai-prices, snapshot of 2026-08-21 (its Anthropic rows were checked 2026-07-29). */
const GENAI_PRICES_ANTHROPIC =
  'https://github.com/pydantic/genai-prices/blob/main/prices/providers/anthropic.yml';
const GENAI_PRICES_OPENAI =
  'https://github.com/pydantic/genai-prices/blob/main/prices/providers/openai.yml';
const GENAI_PRICES_GOOGLE =
  'https://github.com/pydantic/genai-prices/blob/main/prices/providers/google.yml';
const GENAI_PRICES_ZAI = 'https://github.com/pydantic/genai-prices/blob/main/prices/providers/zai.yml';
const GENAI_PRICES_AS_OF = '2026-08-21';
/** LiteLLM's table, read through the Wei-Shaw/model-price-repo mirror of 2026-07-24. */
const LITELLM = 'https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json';
const LITELLM_AS_OF = '2026-07-24';
/** models.dev (anomalyco/models.dev), snapshot of 2026-07-02. */
const MODELS_DEV = 'https://github.com/anomalyco/models.dev/blob/dev/providers';
const MODELS_DEV_AS_OF = '2026-07-02';
/** Verbatim transcript of https://ai.google.dev/gemini-api/docs/pricing read on 2026-10-07. */
const GEMINI_PRICING_2026_10_07 =
  'https://raw.githubusercontent.com/api-evangelist/deepmind/refs/heads/main/plans/deepmind-plans-pricing.yml';
/** Official DeepSeek pricing page; the copy read lists DeepSeek-V4-Pro-0813, before the 2026-08-16 change. */
const DEEPSEEK_PRICING = 'https://api-docs.deepseek.com/quick_start/pricing';

// ---------------------------------------------------------------------------------------------
// Helpers (keep the table readable and the cache rules in one place)

function entry(
  model: string,
  input: number,
  output: number,
  cacheRead: number,
  cacheWrite: number,
  source: string,
  asOf: string,
): ModelPrice {
  return Object.freeze({ model, input, output, cacheRead, cacheWrite, source, asOf });
}

/** Anthropic: cacheWrite = the published 5-minute cache write, cacheRead = cache hits. */
function anthropic(
  model: string,
  input: number,
  output: number,
  cacheWrite5m: number,
  cacheHit: number,
  source = ANTHROPIC_PRICING,
  asOf = ANTHROPIC_PRICING_AS_OF,
): ModelPrice {
  return entry(model, input, output, cacheHit, cacheWrite5m, source, asOf);
}

/** OpenAI without a cache-write price: written tokens cost the input price; no cached price -> input. */
function openai(
  model: string,
  input: number,
  output: number,
  cachedInput: number | null,
  source = GENAI_PRICES_OPENAI,
  asOf = GENAI_PRICES_AS_OF,
): ModelPrice {
  return entry(model, input, output, cachedInput ?? input, input, source, asOf);
}

/** Gemini: cache creation is billed at the input price. */
function gemini(
  model: string,
  input: number,
  output: number,
  cachedInput: number,
  source = GENAI_PRICES_GOOGLE,
  asOf = GENAI_PRICES_AS_OF,
): ModelPrice {
  return entry(model, input, output, cachedInput, input, source, asOf);
}

/** Z.ai GLM: cache miss = input; cacheRead = published cached-input price. */
function zai(
  model: string,
  input: number,
  output: number,
  cachedInput: number,
  source = `${MODELS_DEV}/zai/models/${model}.toml`,
  asOf = MODELS_DEV_AS_OF,
): ModelPrice {
  return entry(model, input, output, cachedInput, input, source, asOf);
}

/** Alibaba Qwen: implicit-cache hit 20 % of input, explicit-cache creation 125 % of input. */
function qwen(model: string, input: number, output: number): ModelPrice {
  return entry(
    model,
    input,
    output,
    round(input * 0.2),
    round(input * 1.25),
    `${MODELS_DEV}/alibaba/models/${model}.toml`,
    MODELS_DEV_AS_OF,
  );
}

/** Rounds away binary noise from the multipliers above (prices have at most 6 decimals). */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// The table

export const BUILTIN_PRICES: readonly ModelPrice[] = Object.freeze([
  // ---- Anthropic ------------------------------------------------------------------------------
  // Official pricing page: input, 5m cache write, (1h write = 2 × input, unused), cache hit, output.
  anthropic('claude-fable-5-1', 10, 50, 12.5, 0.25),
  anthropic('claude-mythos-5-1', 10, 50, 12.5, 0.25), // limited availability
  anthropic('claude-fable-5', 10, 50, 12.5, 1),
  anthropic('claude-mythos-5', 10, 50, 12.5, 1), // limited availability
  // Opus 5.5: model overview page (the pricing-page copy predates it); cache hits are 0.05 × input.
  anthropic('claude-opus-5-5', 4, 20, 5, 0.2, 'https://platform.claude.com/docs/zh-CN/models/opus-5-5/overview', '2026-09-23'),
  anthropic('claude-opus-5', 5, 25, 6.25, 0.5),
  anthropic('claude-opus-4-8', 5, 25, 6.25, 0.5),
  anthropic('claude-opus-4-7', 5, 25, 6.25, 0.5),
  anthropic('claude-opus-4-6', 5, 25, 6.25, 0.5),
  anthropic('claude-opus-4-5', 5, 25, 6.25, 0.5),
  anthropic('claude-opus-4-1', 15, 75, 18.75, 1.5),
  // Opus 4 / Sonnet 4: the alias and the dated id, never a bare `claude-opus-4` (it would also
  // match `claude-opus-4-8` and other later versions).
  anthropic('claude-opus-4-0', 15, 75, 18.75, 1.5),
  anthropic('claude-opus-4-20250514', 15, 75, 18.75, 1.5),
  // Sonnet 5.5: $2 / $10, 5m write $2.50; cache hits cut from $0.20 to $0.10 on 2026-10-07
  // (the stored copies of the official pages predate the cut; the release notes below re-checked
  // the live pricing page on 2026-10-24).
  anthropic('claude-sonnet-5-5', 2, 10, 2.5, 0.1, 'https://github.com/kurofune/claudit/releases/tag/v1.9.2', '2026-10-24'),
  // Sonnet 5: the launch price made standard (the increase planned for 2026-09-01 was cancelled).
  anthropic('claude-sonnet-5', 2, 10, 2.5, 0.2, 'https://platform.claude.com/docs/zh-CN/models/sonnet-5/overview', '2026-09-01'),
  anthropic('claude-sonnet-4-6', 3, 15, 3.75, 0.3, GENAI_PRICES_ANTHROPIC, GENAI_PRICES_AS_OF),
  // Sonnet 4.5 and Sonnet 4: prompts over 200K tokens cost $6 / $22.50 (not represented).
  anthropic('claude-sonnet-4-5', 3, 15, 3.75, 0.3, GENAI_PRICES_ANTHROPIC, GENAI_PRICES_AS_OF),
  anthropic('claude-sonnet-4-0', 3, 15, 3.75, 0.3, GENAI_PRICES_ANTHROPIC, GENAI_PRICES_AS_OF),
  anthropic('claude-sonnet-4-20250514', 3, 15, 3.75, 0.3, GENAI_PRICES_ANTHROPIC, GENAI_PRICES_AS_OF),
  anthropic('claude-3-7-sonnet', 3, 15, 3.75, 0.3, GENAI_PRICES_ANTHROPIC, GENAI_PRICES_AS_OF),
  anthropic('claude-3-5-sonnet', 3, 15, 3.75, 0.3, GENAI_PRICES_ANTHROPIC, GENAI_PRICES_AS_OF),
  anthropic('claude-haiku-4-5', 1, 5, 1.25, 0.1, GENAI_PRICES_ANTHROPIC, GENAI_PRICES_AS_OF),
  anthropic('claude-3-5-haiku', 0.8, 4, 1, 0.08, GENAI_PRICES_ANTHROPIC, GENAI_PRICES_AS_OF),
  anthropic('claude-3-haiku', 0.25, 1.25, 0.3, 0.03, GENAI_PRICES_ANTHROPIC, GENAI_PRICES_AS_OF),
  anthropic('claude-3-opus', 15, 75, 18.75, 1.5, GENAI_PRICES_ANTHROPIC, GENAI_PRICES_AS_OF),

  // ---- OpenAI ---------------------------------------------------------------------------------
  // genai-prices tracks https://developers.openai.com/api/docs/pricing. GPT-5.4 and later cost
  // 2 × input / 1.5 × output for prompts over 272K tokens (not represented).
  openai('gpt-4o', 2.5, 10, 1.25),
  openai('gpt-4o-2024-05-13', 5, 15, null, LITELLM, LITELLM_AS_OF), // the first gpt-4o snapshot
  openai('gpt-4o-mini', 0.15, 0.6, 0.075),
  openai('gpt-4.1', 2, 8, 0.5),
  openai('gpt-4.1-mini', 0.4, 1.6, 0.1),
  openai('gpt-4.1-nano', 0.1, 0.4, 0.025),
  openai('o1', 15, 60, 7.5),
  openai('o1-mini', 1.1, 4.4, 0.55),
  openai('o1-pro', 150, 600, null),
  openai('o3', 2, 8, 0.5), // price since 2025-06-10
  openai('o3-mini', 1.1, 4.4, 0.55),
  openai('o3-pro', 20, 80, null),
  openai('o3-deep-research', 10, 40, 2.5),
  openai('o4-mini', 1.1, 4.4, 0.275),
  openai('o4-mini-deep-research', 2, 8, 0.5),
  openai('gpt-5', 1.25, 10, 0.125),
  openai('gpt-5-codex', 1.25, 10, 0.125),
  openai('gpt-5-mini', 0.25, 2, 0.025),
  openai('gpt-5-nano', 0.05, 0.4, 0.005),
  openai('gpt-5-pro', 15, 120, null),
  openai('gpt-5.1', 1.25, 10, 0.125),
  openai('gpt-5.1-codex', 1.25, 10, 0.125),
  openai('gpt-5.1-codex-max', 1.25, 10, 0.125),
  openai('gpt-5.1-codex-mini', 0.25, 2, 0.025),
  openai('gpt-5.2', 1.75, 14, 0.175),
  openai('gpt-5.2-codex', 1.75, 14, 0.175),
  openai('gpt-5.2-pro', 21, 168, null),
  openai('gpt-5.3-codex', 1.75, 14, 0.175),
  openai('gpt-5.3-chat-latest', 1.75, 14, 0.175),
  openai('gpt-5.4', 2.5, 15, 0.25),
  openai('gpt-5.4-mini', 0.75, 4.5, 0.075),
  openai('gpt-5.4-nano', 0.2, 1.25, 0.02),
  openai('gpt-5.4-pro', 30, 180, null),
  openai('gpt-5.5', 5, 30, 0.5),
  openai('gpt-5.5-pro', 30, 180, null),
  // GPT-5.6 and GPT-6.x publish a cache-write price (1.25 × input), so entry() is used directly.
  // Terra and Luna: prices since the 2026-07-30 cut. `gpt-5.6` is the Sol alias.
  entry('gpt-5.6', 5, 30, 0.5, 6.25, GENAI_PRICES_OPENAI, GENAI_PRICES_AS_OF),
  entry('gpt-5.6-sol', 5, 30, 0.5, 6.25, GENAI_PRICES_OPENAI, GENAI_PRICES_AS_OF),
  entry('gpt-5.6-terra', 2, 12, 0.2, 2.5, GENAI_PRICES_OPENAI, GENAI_PRICES_AS_OF),
  entry('gpt-5.6-luna', 0.2, 1.2, 0.02, 0.25, GENAI_PRICES_OPENAI, GENAI_PRICES_AS_OF),
  // GPT-6.x: read from release notes quoting OpenAI's pricing page (no dataset snapshot here is
  // recent enough); each agrees with a second independent report (see docs/pricing.md).
  entry('gpt-6-sol', 2, 10, 0.2, 2.5, 'https://github.com/merefield/codexometer/releases/tag/v0.18.4', '2026-09-22'),
  entry('gpt-6-luna', 0.1, 0.5, 0.01, 0.125, 'https://github.com/merefield/codexometer/releases/tag/v0.18.4', '2026-09-22'),
  entry('gpt-6.1-sol', 2, 10, 0.1, 2.5, 'https://github.com/TheKrush/PromptFuel/releases/tag/v1.0.22', '2026-10-01'),
  entry('gpt-6.1-terra', 1, 5, 0.05, 1.25, 'https://github.com/TheKrush/PromptFuel/releases/tag/v1.0.24', '2026-10-27'),

  // ---- Google (Gemini API, paid tier) ---------------------------------------------------------
  // Pro models: prompts over 200K tokens cost about 2 × input / 1.5 × output (not represented).
  gemini('gemini-2.5-pro', 1.25, 10, 0.125),
  gemini('gemini-2.5-flash', 0.3, 2.5, 0.03),
  gemini('gemini-2.5-flash-lite', 0.1, 0.4, 0.01),
  gemini('gemini-3-pro-preview', 2, 12, 0.2),
  gemini('gemini-3.1-pro-preview', 2, 12, 0.2),
  gemini('gemini-3-flash-preview', 0.5, 3, 0.05),
  gemini('gemini-3.1-flash-lite', 0.25, 1.5, 0.025), // also covers gemini-3.1-flash-lite-preview
  // Gemini 3.5: input/output from the official page as read on 2026-10-07, cached input from genai-prices.
  gemini('gemini-3.5-flash', 1.5, 9, 0.15, GEMINI_PRICING_2026_10_07, '2026-10-07'),
  gemini('gemini-3.5-flash-lite', 0.3, 2.5, 0.03, GEMINI_PRICING_2026_10_07, '2026-10-07'),

  // ---- DeepSeek -------------------------------------------------------------------------------
  // Retired on 2026-07-24. From the V4 launch (2026-04-24) until then both aliases were served by
  // deepseek-v4-flash (chat = non-thinking, reasoner = thinking) at its price: cache hit $0.0028,
  // cache miss $0.14, output $0.28. Calls before 2026-04-24 were billed differently (V3.2:
  // $0.028 / $0.28 / $0.42); override the file for older imports (docs/pricing.md).
  entry('deepseek-chat', 0.14, 0.28, 0.0028, 0.14, DEEPSEEK_PRICING, '2026-08-13'),
  entry('deepseek-reasoner', 0.14, 0.28, 0.0028, 0.14, DEEPSEEK_PRICING, '2026-08-13'),

  // ---- Alibaba Qwen (Model Studio, international / Singapore) ---------------------------------
  qwen('qwen-max', 1.6, 6.4),
  // Qwen3.6 / 3.7 Plus: prompts over 256K tokens cost $2 / $6 (not represented).
  qwen('qwen3.6-plus', 0.5, 3),
  qwen('qwen3.7-plus', 0.5, 3),
  qwen('qwen3.7-max', 2.5, 7.5),

  // ---- Z.ai GLM (international API, api.z.ai) ------------------------------------------------
  zai('glm-4.5', 0.6, 2.2, 0.11),
  zai('glm-4.5-air', 0.2, 1.1, 0.03),
  zai('glm-4.6', 0.6, 2.2, 0.11),
  zai('glm-4.7', 0.6, 2.2, 0.11),
  zai('glm-4.7-flashx', 0.07, 0.4, 0.01),
  zai('glm-5', 1, 3.2, 0.2),
  zai('glm-5-turbo', 1.2, 4, 0.24),
  zai('glm-5.1', 1.4, 4.4, 0.26),
  zai('glm-5.2', 1.4, 4.4, 0.26, GENAI_PRICES_ZAI, GENAI_PRICES_AS_OF),
  zai('glm-5.3', 1.4, 4.4, 0.26, GENAI_PRICES_ZAI, GENAI_PRICES_AS_OF),
]);
