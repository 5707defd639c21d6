import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelLimits } from '@mge/config';
import { RateLimitedError } from '@mge/core';
import { estimateTokens, wrapProvider, type LlmProvider } from '@mge/llm';
import type { LlmBudget, LlmSpend } from '@mge/queue';
import type { Metrics } from '@mge/telemetry';

export interface RateLimitSettings {
  /** Limits per model; a model not named here is not limited. */
  models: Record<string, ModelLimits>;
  /**
   * Longest a call waits here for room (in all); past it the call fails with RateLimitedError,
   * which pauses the queue fleet-wide for the wait instead of holding a job slot.
   */
  maxWaitMs: number;
  metrics: Pick<Metrics, 'llmLimitWait'>;
}

/**
 * Wraps a provider so every call first reserves room in its model's fleet-wide budget (one
 * request, the estimated input and output tokens), waits while the window is full, and afterwards
 * settles the reservation to the usage the provider reported (refunding what it did not use).
 * 429s from the provider remain the backstop.
 */
export function rateLimitedLlm(
  llm: LlmProvider,
  budget: LlmBudget,
  settings: RateLimitSettings,
): LlmProvider {
  return wrapProvider(llm, async (request) => {
    const limits = settings.models[request.model];
    if (!limits) return llm.generate(request);
    const id = randomUUID();
    const estimate: LlmSpend = { requests: 1, ...estimateTokens(request) };
    const waited = settings.metrics.llmLimitWait.startTimer({ model: request.model });
    await reserve(budget, request.model, id, estimate, limits, settings.maxWaitMs, request.signal);
    waited();
    let spent = { ...estimate, outputTokens: 0 };
    try {
      const result = await llm.generate(request);
      const { inputTokens, cacheWriteTokens, outputTokens } = result.usage;
      // Providers count uncached input against the input limit: cache reads do not count.
      spent = { requests: 1, inputTokens: inputTokens + cacheWriteTokens, outputTokens };
      return result;
    } finally {
      // Failing to settle must not lose a paid answer: the reservation then simply stands (at
      // the estimate) until it leaves the window.
      await budget.settle(request.model, id, spent).catch(() => undefined);
    }
  });
}

async function reserve(
  budget: LlmBudget,
  model: string,
  id: string,
  spend: LlmSpend,
  limits: ModelLimits,
  maxWaitMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const caps = {
    requests: limits.requestsPerMinute,
    inputTokens: limits.inputTokensPerMinute,
    outputTokens: limits.outputTokensPerMinute,
  };
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const reservation = await budget.reserve(model, id, spend, caps);
    if (reservation.granted) return;
    // A little jitter so the waiters of a fleet do not all ask again in the same millisecond.
    const waitMs = reservation.waitMs + Math.floor(Math.random() * 50);
    if (Date.now() + waitMs > deadline)
      throw new RateLimitedError(`the fleet's budget for ${model} is spent`, waitMs);
    await sleep(waitMs, undefined, signal ? { signal } : undefined);
  }
}
