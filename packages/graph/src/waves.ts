import { alg, Graph } from '@dagrejs/graphlib';

export interface WavePlan {
  /** Atom ids per wave; every edge goes from an earlier wave to a later one. */
  waves: string[][];
  /** Strongly connected components of more than one atom: generated together. */
  cycleGroups: string[][];
  /** Longest chain of atoms, prerequisite first. */
  criticalPath: string[];
  maxParallelism: number;
}

/**
 * Longest-path layering of the condensed DAG (cycles collapsed with Tarjan's algorithm), so the
 * number of waves equals the longest chain: the minimum any schedule can reach.
 */
export function planWaves(graph: Graph): WavePlan {
  const components = alg.tarjan(graph);
  const componentOf = new Map<string, number>();
  components.forEach((members, index) => members.forEach((id) => componentOf.set(id, index)));

  const condensed = new Graph({ directed: true });
  components.forEach((_, index) => condensed.setNode(String(index)));
  for (const edge of graph.edges()) {
    const from = componentOf.get(edge.v)!;
    const to = componentOf.get(edge.w)!;
    if (from !== to) condensed.setEdge(String(from), String(to));
  }

  const depth = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  for (const node of alg.topsort(condensed)) {
    let best = 0;
    let parent: string | undefined;
    for (const pred of condensed.predecessors(node) ?? []) {
      const d = depth.get(pred)! + 1;
      if (d > best) {
        best = d;
        parent = pred;
      }
    }
    depth.set(node, best);
    via.set(node, parent);
  }

  const waves: string[][] = [];
  for (const [node, d] of depth) {
    (waves[d] ??= []).push(...components[Number(node)]!);
  }
  for (const wave of waves) wave.sort();

  let deepest: string | undefined;
  for (const [node, d] of depth) if (deepest === undefined || d > depth.get(deepest)!) deepest = node;
  const criticalPath: string[] = [];
  for (let node = deepest; node !== undefined; node = via.get(node)) {
    criticalPath.unshift(...components[Number(node)]!);
  }

  return {
    waves,
    cycleGroups: components.filter((c) => c.length > 1).map((c) => [...c].sort()),
    criticalPath,
    maxParallelism: waves.reduce((max, wave) => Math.max(max, wave.length), 0),
  };
}
