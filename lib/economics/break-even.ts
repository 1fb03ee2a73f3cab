/**
 * Self-hosting's break-even (the What if panel): a node is a fixed monthly cost, the API a price
 * per token, so there is a monthly token volume above which the node is cheaper.
 */
import type { SelfHostedNode } from './types';

/** Hours in an average month (365.25 × 24 ÷ 12). */
export const HOURS_PER_MONTH = 730.5;

export interface BreakEven {
  /** What the node costs a month, whether busy or not: gpus × gpuHourUsd × HOURS_PER_MONTH. */
  nodeMonthlyUsd: number;
  /** The monthly tokens (of the window's mix) at which the API costs what the node does; null when today's cost is 0. */
  breakEvenTokensPerMonth: number | null;
  /** The monthly tokens (same mix) the node can serve at its utilisation; null when the scenario costs 0. */
  capacityTokensPerMonth: number | null;
}

/**
 * For the window's `tokens` (total of the four kinds), costing `baselineUsd` today and
 * `whatIfUsd` on the node: the API's price per token is baselineUsd ÷ tokens, so the break-even
 * volume is nodeMonthlyUsd ÷ that; the node serves those tokens in whatIfUsd's worth of its time,
 * so it serves tokens × nodeMonthlyUsd ÷ whatIfUsd a month. Above capacity the break-even cannot
 * be reached on one node.
 */
export function breakEven(node: SelfHostedNode, tokens: number, baselineUsd: number, whatIfUsd: number): BreakEven {
  const nodeMonthlyUsd = node.gpus * node.gpuHourUsd * HOURS_PER_MONTH;
  return {
    nodeMonthlyUsd,
    breakEvenTokensPerMonth: baselineUsd > 0 && tokens > 0 ? (tokens * nodeMonthlyUsd) / baselineUsd : null,
    capacityTokensPerMonth: whatIfUsd > 0 && tokens > 0 ? (tokens * nodeMonthlyUsd) / whatIfUsd : null,
  };
}

/** The window's tokens as a monthly volume (tokens ÷ window days × days in an average month). */
export function tokensPerMonth(tokens: number, w: { from: number; to: number }): number | null {
  const days = (w.to - w.from) / 86_400_000;
  return days > 0 ? (tokens / days) * (HOURS_PER_MONTH / 24) : null;
}
