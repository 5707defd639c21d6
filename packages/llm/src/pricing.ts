import type { TokenUsage } from './provider.js';

/** Dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

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
 * Dollars for one call. `inputTokens` excludes cache reads and writes (as the Messages API reports
 * them); an unknown model costs nothing but is reported by `priced: false`.
 */
export function costOf(
  usage: TokenUsage,
  model: string,
  prices: Record<string, ModelPrice>,
): { dollars: number; priced: boolean } {
  const price = prices[model];
  if (!price) return { dollars: 0, priced: false };
  const dollars =
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cachedTokens * price.cacheRead +
      usage.cacheWriteTokens * price.cacheWrite) /
    1_000_000;
  return { dollars, priced: true };
}
