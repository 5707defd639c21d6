import { z } from 'zod';
import type { TokenUsage } from './provider.js';

/** Dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** A price table by model, as `MGE_LLM_PRICES` gives it (merged over `DEFAULT_PRICES`). */
export const priceTableSchema = z.record(
  z.string(),
  z.object({
    input: z.number().min(0),
    output: z.number().min(0),
    cacheRead: z.number().min(0),
    cacheWrite: z.number().min(0),
  }),
);

/** List prices (USD per million tokens); `sim-*` models reuse them so simulated costs are realistic. */
export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  // Reaches end of life on 2026-11-30 (the SDK warns); kept so that older usage rows still price.
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-5-5': { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'sim-small': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'sim-large': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
};

export interface ModelRouting {
  small: string;
  large: string;
  /** Atoms with cyclomatic complexity above this go to the large model. */
  complexityThreshold: number;
}

/** Model routing by atom complexity: simple atoms are cheap, complex ones get the stronger model. */
export function chooseModel(complexity: number, routing: ModelRouting): string {
  return complexity > routing.complexityThreshold ? routing.large : routing.small;
}

/**
 * The Message Batches API bills every kind of token (input, output, cache reads and writes) at
 * half the standard price; prompt-caching multipliers stack with it.
 */
export const BATCH_PRICE_FACTOR = 0.5;

/** How a call was made: `standard` (the Messages API) or `batch` (the Message Batches API). */
export type CallChannel = 'standard' | 'batch';

/**
 * Dollars for one call. `inputTokens` excludes cache reads and writes (as the Messages API reports
 * them); an unknown model costs nothing but is reported by `priced: false`. A `batch` call costs
 * `BATCH_PRICE_FACTOR` of the standard price.
 */
export function costOf(
  usage: TokenUsage,
  model: string,
  prices: Record<string, ModelPrice>,
  channel: CallChannel = 'standard',
): { dollars: number; priced: boolean } {
  const price = prices[model];
  if (!price) return { dollars: 0, priced: false };
  const standard =
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cachedTokens * price.cacheRead +
      usage.cacheWriteTokens * price.cacheWrite) /
    1_000_000;
  return { dollars: channel === 'batch' ? standard * BATCH_PRICE_FACTOR : standard, priced: true };
}
