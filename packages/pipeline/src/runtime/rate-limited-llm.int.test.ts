import { RateLimitedError } from '@mge/core';
import { OfflineProvider, type GenerateRequest } from '@mge/llm';
import { createLlmBudget, type LlmBudget } from '@mge/queue';
import { createMetrics } from '@mge/telemetry';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@test/services';
import { rateLimitedLlm } from './rate-limited-llm.js';

const request = (model: string, signal?: AbortSignal): GenerateRequest => ({
  planId: 'p',
  atomId: 'a',
  file: 'a.ts',
  system: 's'.repeat(400),
  prompt: 'p'.repeat(400),
  draftCode: 'd'.repeat(200),
  complexity: 1,
  attempt: 1,
  model,
  ...(signal ? { signal } : {}),
});

describe('rateLimitedLlm (real Redis budget)', () => {
  let budget: LlmBudget;
  const models = { m: { requestsPerMinute: 2, inputTokensPerMinute: 10_000 } };
  const metrics = createMetrics('test');

  beforeEach(() => {
    budget = createLlmBudget(TEST_REDIS_URL, uniqueQueuePrefix(), 500);
  });
  afterEach(() => budget.close());

  it('leaves a model it has no limits for alone', async () => {
    const llm = rateLimitedLlm(new OfflineProvider(), budget, { models, maxWaitMs: 0, metrics });
    for (let i = 0; i < 5; i++) await llm.generate(request('unlimited'));
    expect((await budget.used('unlimited')).requests).toBe(0);
  });

  it('settles each call to its real usage (the offline provider reports none)', async () => {
    const llm = rateLimitedLlm(new OfflineProvider(), budget, { models, maxWaitMs: 1000, metrics });
    await llm.generate(request('m'));
    expect(await budget.used('m')).toEqual({ requests: 1, inputTokens: 0, outputTokens: 0 });
  });

  it('waits for room within the window, then calls', async () => {
    const llm = rateLimitedLlm(new OfflineProvider(), budget, { models, maxWaitMs: 2000, metrics });
    const started = Date.now();
    for (let i = 0; i < 3; i++) await llm.generate(request('m'));
    // Two requests per 500 ms window: the third waited for the first to leave it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    const { values } = await metrics.llmLimitWait.get();
    const sum = values.find((v) => v.metricName === 'mge_llm_limit_wait_seconds_sum');
    expect(sum?.value).toBeGreaterThanOrEqual(0.35);
  });

  it('raises the retryable RateLimitedError, with the wait, past its longest wait', async () => {
    const llm = rateLimitedLlm(new OfflineProvider(), budget, { models, maxWaitMs: 10, metrics });
    await llm.generate(request('m'));
    await llm.generate(request('m'));
    const error = await llm.generate(request('m')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(10);
  });

  it('stops waiting when the call is aborted', async () => {
    const llm = rateLimitedLlm(new OfflineProvider(), budget, { models, maxWaitMs: 5000, metrics });
    await llm.generate(request('m'));
    await llm.generate(request('m'));
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    await expect(llm.generate(request('m', abort.signal))).rejects.toThrow(/abort/i);
    expect((await budget.used('m')).requests).toBe(2);
  });
});
