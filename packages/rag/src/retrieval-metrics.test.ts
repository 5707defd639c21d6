import { scoreRetrieval } from './retrieval-metrics.js';

describe('scoreRetrieval', () => {
  it('averages reciprocal ranks within 10 and hits within 5', () => {
    const scores = scoreRetrieval([
      { relevant: 'a', ranked: ['a', 'b'] },
      { relevant: 'b', ranked: ['x', 'b'] },
      { relevant: 'c', ranked: ['1', '2', '3', '4', '5', '6', 'c'] },
      { relevant: 'd', ranked: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'd'] },
    ]);
    expect(scores.queries).toBe(4);
    expect(scores.mrrAt10).toBeCloseTo((1 + 1 / 2 + 1 / 7 + 0) / 4, 12);
    expect(scores.recallAt5).toBe(2 / 4);
  });

  it('scores no runs as zero', () => {
    expect(scoreRetrieval([])).toEqual({ queries: 0, mrrAt10: 0, recallAt5: 0 });
  });
});
