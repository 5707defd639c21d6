import type { Ranked } from './bm25.js';

/**
 * Reciprocal rank fusion (Cormack et al., 2009): each list adds 1 / (k + rank) to a document's
 * score, so documents ranked well by several rankers rise without calibrating their scores.
 * @param k Damping constant. @defaultValue 60
 */
export function reciprocalRankFusion(lists: readonly (readonly Ranked[])[], k = 60): Ranked[] {
  const scores = new Map<string, number>();
  for (const list of lists)
    list.forEach(({ id }, rank) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + rank + 1)));
  return [...scores]
    .map(([id, score]) => ({ id, score }))
    .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1));
}
