import { BATCH_PRICE_FACTOR, costOf, DEFAULT_PRICES } from './pricing.js';

describe('costOf', () => {
  const usage = { inputTokens: 1000, outputTokens: 500, cachedTokens: 2000, cacheWriteTokens: 300 };

  it('prices each kind of token at its own rate', () => {
    // haiku: input 1, output 5, cache read 0.1, cache write 1.25 dollars per million tokens.
    const expected = (1000 * 1 + 500 * 5 + 2000 * 0.1 + 300 * 1.25) / 1_000_000;
    expect(costOf(usage, 'claude-haiku-4-5', DEFAULT_PRICES)).toEqual({
      dollars: expected,
      priced: true,
    });
  });

  it('bills a batch call at half of every rate', () => {
    const standard = costOf(usage, 'claude-sonnet-4-5', DEFAULT_PRICES).dollars;
    const batch = costOf(usage, 'claude-sonnet-4-5', DEFAULT_PRICES, 'batch').dollars;
    expect(BATCH_PRICE_FACTOR).toBe(0.5);
    expect(batch).toBeCloseTo(standard / 2, 12);
    expect(batch).toBeGreaterThan(0);
  });

  it('reports an unknown model as unpriced', () => {
    expect(costOf(usage, 'no-such-model', DEFAULT_PRICES, 'batch')).toEqual({
      dollars: 0,
      priced: false,
    });
  });
});
