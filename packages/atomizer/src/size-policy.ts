/**
 * Atom size targets, in lines of code. Decomposition aims at `target`, accepts `min`..`max`, and
 * cuts anything splittable above `max`.
 */
export interface SizePolicy {
  /** @defaultValue 5 */
  min: number;
  /** @defaultValue 10 */
  target: number;
  /** @defaultValue 15 */
  max: number;
}

export const DEFAULT_SIZE_POLICY: SizePolicy = { min: 5, target: 10, max: 15 };

/** A piece of source: the smallest thing the partitioner moves around. */
export interface Piece {
  /** String indexes, end exclusive. */
  start: number;
  end: number;
  loc: number;
  /** Index of its statement in `SyntaxScan.entries`; for a header, of the node it opens; -1 for the file. */
  entry: number;
  /** `header`: the opening of a split node (signature, class line, `if (...) {`). */
  role: 'header' | 'member';
  isImport: boolean;
}

/**
 * Cost of putting imports and other code in one atom: prohibitive, because an import block is
 * its own unit (the graph turns it into import edges; generators get it as context).
 */
const MIXED_IMPORT_PENALTY = 10_000;

/**
 * Groups consecutive pieces into atoms by dynamic programming (optimal linear partition): each
 * group costs its squared distance from the target, groups under `min` cost more the smaller
 * they are, and only a single piece may exceed `max`. Greedy merging gets stuck with a 3-line
 * tail after a 14-line atom; the DP rebalances to 9 + 8.
 */
export function partitionPieces(pieces: readonly Piece[], policy: SizePolicy): Piece[][] {
  const n = pieces.length;
  const best = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const cut = new Int32Array(n + 1);
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    let loc = 0;
    let imports = false;
    let others = false;
    for (let i = j - 1; i >= 0; i--) {
      const piece = pieces[i]!;
      loc += piece.loc;
      if (piece.isImport) imports = true;
      else if (piece.loc > 0) others = true;
      if (loc > policy.max && i < j - 1) break;
      const cost =
        best[i]! + groupCost(loc, policy) + (imports && others ? MIXED_IMPORT_PENALTY : 0);
      if (cost < best[j]!) {
        best[j] = cost;
        cut[j] = i;
      }
    }
  }
  const groups: Piece[][] = [];
  for (let j = n; j > 0; j = cut[j]!) groups.push(pieces.slice(cut[j], j));
  return groups.reverse();
}

function groupCost(loc: number, { min, target, max }: SizePolicy): number {
  if (loc > max) return 1000;
  if (loc >= min) return (loc - target) ** 2;
  return (min - target) ** 2 + 20 * (min - loc);
}
