import { Graph, type Label } from '@dagrejs/graphlib';

/** An edge between two atoms, as the graph stores it (prerequisite -> dependent). */
export interface AtomEdge {
  from: string;
  to: string;
  kind: string;
}

/**
 * The dependency graph as a graphlib multigraph: one node per atom, one edge per (from, to, kind)
 * named by its kind and labelled with the edge itself. This is the graph type at the package's
 * seam, the one a dagre layout builds on; the scheduling algorithms run on compact arrays instead
 * (see docs/benchmarks.md: graphlib is several times slower at 100k atoms and recursive).
 */
export type AtomGraph<E extends AtomEdge = AtomEdge> = Graph<Label, Label, E>;

export function atomGraph<E extends AtomEdge>(
  atomIds: readonly string[],
  edges: readonly E[],
): AtomGraph<E> {
  const graph: AtomGraph<E> = new Graph({ directed: true, multigraph: true });
  for (const id of atomIds) graph.setNode(id);
  for (const edge of edges) graph.setEdge(edge.from, edge.to, edge, edge.kind);
  return graph;
}
