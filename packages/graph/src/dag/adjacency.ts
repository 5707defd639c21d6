/** Compressed adjacency (CSR) of a directed graph on nodes 0..n-1: `targets[offsets[v]..offsets[v+1])`. */
export interface Adjacency {
  offsets: Int32Array;
  targets: Int32Array;
}

/** Builds the successor lists of `n` nodes from parallel `from` / `to` arrays in O(n + m). */
export function adjacency(n: number, from: ArrayLike<number>, to: ArrayLike<number>): Adjacency {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < from.length; i++) offsets[from[i]! + 1]! += 1;
  for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(from.length);
  for (let i = 0; i < from.length; i++) targets[fill[from[i]!]!++] = to[i]!;
  return { offsets, targets };
}
