import { DEFAULT_MAX_TOKENS, estimateTokens } from './estimate.js';

describe('estimateTokens', () => {
  const request = { system: 'a'.repeat(10), prompt: 'b'.repeat(7), draftCode: 'c'.repeat(40) };

  it('counts input per block at four characters a token, rounding each block up', () => {
    expect(estimateTokens(request).inputTokens).toBe(3 + 2);
  });

  it('expects an answer up to twice the draft', () => {
    expect(estimateTokens(request).outputTokens).toBe(20);
  });

  it('never expects more output than max_tokens allows', () => {
    expect(estimateTokens({ ...request, maxTokens: 8 }).outputTokens).toBe(8);
    const huge = { ...request, draftCode: 'c'.repeat(DEFAULT_MAX_TOKENS * 4) };
    expect(estimateTokens(huge).outputTokens).toBe(DEFAULT_MAX_TOKENS);
  });
});
