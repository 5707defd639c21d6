import { reciprocalRankFusion } from './fusion.js';

const list = (...ids: string[]) => ids.map((id, i) => ({ id, score: 100 - i }));

describe('reciprocalRankFusion', () => {
  it('puts a document ranked well by both lists above one ranked first by only one', () => {
    const fused = reciprocalRankFusion([list('a', 'b', 'c'), list('d', 'b', 'e')]);
    expect(fused.map((r) => r.id)).toEqual(['b', 'a', 'd', 'c', 'e']);
  });

  it('scores by 1 / (k + rank), ignoring the rankers own scores', () => {
    const [top] = reciprocalRankFusion([list('x')], 60);
    expect(top).toEqual({ id: 'x', score: 1 / 61 });
    expect(reciprocalRankFusion([[{ id: 'x', score: 1e9 }]], 60)[0]!.score).toBe(1 / 61);
  });

  it('returns nothing for no lists', () => {
    expect(reciprocalRankFusion([])).toEqual([]);
  });
});
