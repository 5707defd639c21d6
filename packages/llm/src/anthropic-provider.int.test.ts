import { RateLimitedError, TransientError } from '@mge/core';
import { startFakeAnthropic, type FakeAnthropic, type Scripted } from '@test/fake-anthropic';
import { AnthropicProvider } from './anthropic-provider.js';
import type { GenerateRequest } from './provider.js';

const request: GenerateRequest = {
  planId: 'p',
  atomId: 'a',
  file: 'src/a.ts',
  system: 'You write one atom.',
  prompt: 'Specification (drafted code to write or improve):\nexport const a = 1;\n',
  draftCode: 'export const a = 1;\n',
  complexity: 1,
  attempt: 1,
  model: 'claude-haiku-4-5',
};

describe('AnthropicProvider against a local Messages API', () => {
  let fake: FakeAnthropic;
  const provider = (script: Scripted[], timeoutMs = 2000) =>
    startFakeAnthropic(script).then((f) => {
      fake = f;
      return new AnthropicProvider({
        apiKey: 'sk-ant-test',
        baseUrl: f.url,
        timeoutMs,
        maxRetries: 0,
      });
    });
  afterEach(() => fake?.close());

  it('returns the text with usage, cache tokens and the caching directive on the system prompt', async () => {
    const llm = await provider([]);
    const first = await llm.generate(request);
    const second = await llm.generate(request);
    expect(first.text).toBe('export const a = 1;\n');
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(second.usage).toMatchObject({
      cachedTokens: first.usage.cacheWriteTokens,
      cacheWriteTokens: 0,
    });
    expect(first).toMatchObject({
      model: 'claude-haiku-4-5',
      stopReason: 'end_turn',
      simulated: false,
    });
    expect(fake.requests[0]!.system).toEqual([
      { type: 'text', text: request.system, cache_control: { type: 'ephemeral' } },
    ]);
    expect(llm.suggestedConcurrency()).toBe(20);
  });

  it('turns a 429 into RateLimitedError with the retry-after delay', async () => {
    const llm = await provider([{ kind: 'status', status: 429, retryAfterSeconds: 3 }]);
    const error = await llm.generate(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(3000);
  });

  it('turns a 529 overload into RateLimitedError', async () => {
    const llm = await provider([{ kind: 'status', status: 529 }]);
    await expect(llm.generate(request)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('treats a malformed body and a timeout as transient', async () => {
    const malformed = await provider([{ kind: 'malformed' }]);
    await expect(malformed.generate(request)).rejects.toBeInstanceOf(TransientError);
    await fake.close();
    const slow = await provider([{ kind: 'hang', ms: 2000 }], 200);
    await expect(slow.generate(request)).rejects.toBeInstanceOf(TransientError);
  });
});
