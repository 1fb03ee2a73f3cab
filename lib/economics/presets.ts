/**
 * Self-hosted node presets of the What if panel. Illustrative starting points, not quotes: each
 * names where its GPU price and decode speed come from and when (docs/pricing.md, "Self-hosted
 * presets"). Prefill speeds are an assumption (about ten times decode, batched prefill being
 * compute-bound where decode is memory-bound), to be replaced by a team's own measurement.
 */
import type { SelfHostedNode } from './types';

export interface NodePreset extends SelfHostedNode {
  id: string;
  label: string;
  /** Where the numbers come from, as docs/pricing.md cites them. */
  source: string;
}

export const NODE_PRESETS: readonly NodePreset[] = [
  {
    id: 'h100x8-72b',
    label: '8× H100 SXM, 70B-class model in FP8',
    gpuHourUsd: 2.99,
    gpus: 8,
    prefillTokensPerSecond: 45_000,
    decodeTokensPerSecond: 4_500,
    utilization: 0.6,
    source: 'H100 SXM $2.49–3.99/GPU-hour on-demand (pricegpu.pages.dev, early 2026); Qwen3-72B FP8 on vLLM, 4,520 tok/s on one 8×H100 node (docs.alayanew.com, April 2026)',
  },
  {
    id: 'h100x2-gptoss120b',
    label: '2× H100 SXM, gpt-oss-120b',
    gpuHourUsd: 2.99,
    gpus: 2,
    prefillTokensPerSecond: 47_000,
    decodeTokensPerSecond: 4_700,
    utilization: 0.6,
    source: 'H100 SXM $2.49–3.99/GPU-hour on-demand (pricegpu.pages.dev, early 2026); gpt-oss-120b on vLLM, 4,741 tok/s on 2×H100 at 100 concurrent requests (morphllm.com/vllm-benchmarks, April 2026)',
  },
  {
    id: 'a100x1-14b',
    label: '1× A100 80GB, 14B-class model',
    gpuHourUsd: 1.79,
    gpus: 1,
    prefillTokensPerSecond: 30_000,
    decodeTokensPerSecond: 3_000,
    utilization: 0.6,
    source: 'A100 80GB $1.49–2.49/GPU-hour on-demand (pricegpu.pages.dev, early 2026); DeepSeek-R1-Distill-Qwen-14B on vLLM, 3,004 tok/s on 1×A100 80GB (morphllm.com/vllm-benchmarks, April 2026)',
  },
];

export const DEFAULT_NODE_PRESET = NODE_PRESETS[0];
