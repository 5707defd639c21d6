import {
  costOf,
  wrapProvider,
  type CallChannel,
  type GenerateResult,
  type LlmProvider,
  type ModelPrice,
} from '@mge/llm';
import type { Metrics } from '@mge/telemetry';

/**
 * Wraps a provider so every call is measured the same way whatever the provider: latency,
 * tokens, dollars at list price (`prices`, dollars per million tokens) and atoms in flight.
 * Stages stay free of metric code.
 */
export function meteredLlm(
  llm: LlmProvider,
  metrics: Metrics,
  prices: Record<string, ModelPrice> = {},
): LlmProvider {
  return wrapProvider(llm, async (request) => {
    const stop = metrics.llmLatency.startTimer({ provider: llm.name });
    metrics.atomsInFlight.inc();
    try {
      const result = await llm.generate(request);
      stop({ model: result.model, outcome: 'ok' });
      countUsage(metrics, llm.name, result, prices, 'standard');
      return result;
    } catch (error) {
      stop({ model: 'unknown', outcome: 'error' });
      throw error;
    } finally {
      metrics.atomsInFlight.dec();
    }
  });
}

/**
 * Tokens and dollars of one paid answer. Direct calls are counted by the wrapper above; a batch
 * answer by the poller once it records the answer (results may be read more than once).
 */
export function countUsage(
  metrics: Metrics,
  provider: string,
  { model, usage }: Pick<GenerateResult, 'model' | 'usage'>,
  prices: Record<string, ModelPrice>,
  channel: CallChannel,
): void {
  const labels = { provider, model };
  metrics.llmTokens.inc({ ...labels, kind: 'input' }, usage.inputTokens);
  metrics.llmTokens.inc({ ...labels, kind: 'output' }, usage.outputTokens);
  metrics.llmTokens.inc({ ...labels, kind: 'cached' }, usage.cachedTokens);
  const { dollars, priced } = costOf(usage, model, prices, channel);
  if (priced) metrics.llmDollars.inc(labels, dollars);
}
