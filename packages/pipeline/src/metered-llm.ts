import type { ModelPrice } from '@mge/config';
import { costOf, type LlmProvider } from '@mge/llm';
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
  return {
    name: llm.name,
    ...(llm.suggestedConcurrency
      ? { suggestedConcurrency: () => llm.suggestedConcurrency?.() }
      : {}),
    async generate(request) {
      const stop = metrics.llmLatency.startTimer({ provider: llm.name });
      metrics.atomsInFlight.inc();
      try {
        const result = await llm.generate(request);
        const { model, usage } = result;
        stop({ model, outcome: 'ok' });
        const labels = { provider: llm.name, model };
        metrics.llmTokens.inc({ ...labels, kind: 'input' }, usage.inputTokens);
        metrics.llmTokens.inc({ ...labels, kind: 'output' }, usage.outputTokens);
        metrics.llmTokens.inc({ ...labels, kind: 'cached' }, usage.cachedTokens);
        const { dollars, priced } = costOf(usage, model, prices);
        if (priced) metrics.llmDollars.inc(labels, dollars);
        return result;
      } catch (error) {
        stop({ model: 'unknown', outcome: 'error' });
        throw error;
      } finally {
        metrics.atomsInFlight.dec();
      }
    },
  };
}
