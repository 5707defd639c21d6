import { alg } from '@dagrejs/graphlib';
import fc from 'fast-check';
import { atomGraph } from './atom-graph.js';
import { planWaves } from './wave-planner.js';

/** Longest path (in edges) of a DAG given in topological order of its ids, by dynamic programming. */
function longestPath(n: number, edges: { from: string; to: string }[]): number {
  const depth = new Array<number>(n).fill(0);
  const sorted = [...edges].sort((a, b) => Number(a.from) - Number(b.from));
  for (const e of sorted)
    depth[Number(e.to)] = Math.max(depth[Number(e.to)]!, depth[Number(e.from)]! + 1);
  return Math.max(0, ...depth);
}

/** A random DAG: edges only go from a lower to a higher node number; ids are shuffled into the input. */
const randomDag = fc
  .integer({ min: 1, max: 60 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }),
      order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
    }),
  )
  .map(({ n, edges, order }) => ({
    n,
    ids: order.map(String),
    edges: edges
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => ({ from: String(Math.min(a, b)), to: String(Math.max(a, b)) })),
  }));

describe('planWaves', () => {
  it('puts every prerequisite in an earlier wave, in exactly longest-path + 1 waves, on thousands of random DAGs', () => {
    fc.assert(
      fc.property(randomDag, ({ n, ids, edges }) => {
        const plan = planWaves(ids, edges);
        // Plain checks, not expect(), in the per-edge loop: thousands of runs stay fast.
        expect(edges.filter((e) => plan.waveOf.get(e.from)! >= plan.waveOf.get(e.to)!)).toEqual([]);
        expect(plan.waves.length).toBe(longestPath(n, edges) + 1);
        expect(plan.waves.flat().sort()).toEqual([...ids].sort());
        expect(plan.criticalPath.length).toBe(plan.waves.length);
        expect(plan.maxParallelism).toBe(Math.max(...plan.waves.map((w) => w.length)));
        expect(plan.cycleGroups).toEqual([]);
        // The critical path is a chain of real edges.
        const has = new Set(edges.map((e) => `${e.from}>${e.to}`));
        expect(
          plan.criticalPath.slice(1).every((id, i) => has.has(`${plan.criticalPath[i]}>${id}`)),
        ).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the cycles graphlib finds, on thousands of random directed graphs', () => {
    const randomGraph = fc.integer({ min: 1, max: 40 }).chain((n) =>
      fc.record({
        ids: fc.constant(Array.from({ length: n }, (_, i) => `a${i}`)),
        pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }),
      }),
    );
    const sorted = (groups: string[][]) => groups.map((g) => [...g].sort()).sort();
    fc.assert(
      fc.property(randomGraph, ({ ids, pairs }) => {
        const edges = pairs
          .filter(([a, b]) => a !== b)
          .map(([a, b]) => ({ from: ids[a]!, to: ids[b]!, kind: 'call' }));
        const plan = planWaves(ids, edges);
        const graph = atomGraph(ids, edges);
        expect(sorted(plan.cycleGroups)).toEqual(sorted(alg.findCycles(graph)));
        expect(plan.cycleGroups.length === 0).toBe(alg.isAcyclic(graph));
        // Every edge leaving a cycle group goes to a later wave; inside one it stays in its wave.
        const groupOf = new Map(plan.cycleGroups.flatMap((g, i) => g.map((id) => [id, i])));
        for (const { from, to } of edges) {
          const same = groupOf.has(from) && groupOf.get(from) === groupOf.get(to);
          if (same) expect(plan.waveOf.get(from)).toBe(plan.waveOf.get(to));
          else expect(plan.waveOf.get(from)!).toBeLessThan(plan.waveOf.get(to)!);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('collapses a cycle into one group in one wave and keeps its edges', () => {
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'b' },
      { from: 'c', to: 'd' },
    ];
    const plan = planWaves(['a', 'b', 'c', 'd'], edges);
    expect(plan.cycleGroups).toEqual([['b', 'c']]);
    expect(plan.waves).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(plan.criticalPath).toEqual(['a', 'b', 'c', 'd']);
  });

  it('handles a chain of 200,000 atoms without overflowing the stack', () => {
    const ids = Array.from({ length: 200_000 }, (_, i) => `a${i}`);
    const edges = ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id }));
    const plan = planWaves(ids, [...edges, { from: ids.at(-1)!, to: ids[0]! }]);
    expect(plan.waves).toHaveLength(1);
    expect(plan.cycleGroups[0]).toHaveLength(200_000);
    expect(planWaves(ids, edges).waves).toHaveLength(200_000);
  });

  it('returns no waves for no atoms', () => {
    expect(planWaves([], [])).toMatchObject({ waves: [], criticalPath: [], maxParallelism: 0 });
  });
});
