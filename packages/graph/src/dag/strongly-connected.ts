import type { Adjacency } from './adjacency.js';

/** Strongly connected components, numbered in topological order of the condensed DAG. */
export interface Components {
  count: number;
  /** Component of each node. Every edge u -> v between components has componentOf[u] < componentOf[v]. */
  componentOf: Int32Array;
}

/**
 * Tarjan's algorithm with an explicit stack: real plans produce chains deep enough to overflow
 * the call stack of a recursive version. O(n + m).
 */
export function stronglyConnected(n: number, graph: Adjacency): Components {
  const { offsets, targets } = graph;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  const emitted = new Int32Array(n);
  let stackTop = 0;
  let nextIndex = 0;
  let count = 0;

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = offsets[root]!;
    index[root] = low[root] = nextIndex++;
    stack[stackTop++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth]!;
      const edge = callEdge[depth]!;
      if (edge < offsets[v + 1]!) {
        callEdge[depth] = edge + 1;
        const w = targets[edge]!;
        if (index[w] === -1) {
          index[w] = low[w] = nextIndex++;
          stack[stackTop++] = w;
          onStack[w] = 1;
          depth += 1;
          callNode[depth] = w;
          callEdge[depth] = offsets[w]!;
        } else if (onStack[w] && index[w]! < low[v]!) {
          low[v] = index[w]!;
        }
        continue;
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--stackTop]!;
          onStack[w] = 0;
          emitted[w] = count;
        } while (w !== v);
        count += 1;
      }
      depth -= 1;
      if (depth >= 0) {
        const parent = callNode[depth]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  // Tarjan completes sinks first: reverse the numbering to get a topological order.
  const componentOf = new Int32Array(n);
  for (let v = 0; v < n; v++) componentOf[v] = count - 1 - emitted[v]!;
  return { count, componentOf };
}
