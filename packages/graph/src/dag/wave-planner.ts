import { adjacency } from './adjacency.js';
import { stronglyConnected } from './strongly-connected.js';

/** The schedule a DAG allows: what runs together, what must wait, and the longest chain. */
export interface WavePlan {
  /** Atom ids per wave (input order within a wave). Every edge between groups goes from an earlier wave to a later one. */
  waves: string[][];
  /** Strongly connected components of more than one atom: co-generated, in the same wave. */
  cycleGroups: string[][];
  /** Longest chain of (groups of) atoms, prerequisite first; its group count equals the wave count. */
  criticalPath: string[];
  /** Size of the largest wave. */
  maxParallelism: number;
  /** Wave index of each atom. */
  waveOf: Map<string, number>;
}

/**
 * Longest-path layering of the condensed DAG: each cycle becomes one node, and each node goes into
 * the wave after its latest prerequisite. The wave count then equals the number of groups on the
 * longest chain, which no valid schedule can beat. O(atoms + edges).
 */
export function planWaves(
  atomIds: readonly string[],
  edges: readonly { from: string; to: string }[],
): WavePlan {
  const position = new Map<string, number>();
  atomIds.forEach((id, i) => position.set(id, i));
  const from: number[] = [];
  const to: number[] = [];
  for (const edge of edges) {
    const u = position.get(edge.from);
    const v = position.get(edge.to);
    if (u === undefined || v === undefined) continue;
    from.push(u);
    to.push(v);
  }
  return planWavesOfIndices(atomIds, from, to);
}

/** `planWaves` with edges given as positions in `atomIds` (parallel `from` / `to` arrays). */
export function planWavesOfIndices(
  atomIds: readonly string[],
  from: readonly number[],
  to: readonly number[],
): WavePlan {
  const n = atomIds.length;
  const { count, componentOf } = stronglyConnected(n, adjacency(n, from, to));

  // Condensed edges, grouped by source component (components are already in topological order).
  const cFrom: number[] = [];
  const cTo: number[] = [];
  for (let i = 0; i < from.length; i++) {
    const a = componentOf[from[i]!]!;
    const b = componentOf[to[i]!]!;
    if (a !== b) {
      cFrom.push(a);
      cTo.push(b);
    }
  }
  const condensed = adjacency(count, cFrom, cTo);
  // Ties on the critical path go to the group holding the earliest atom, so the path reads in plan order.
  const firstMember = new Int32Array(count).fill(n);
  for (let v = n - 1; v >= 0; v--) firstMember[componentOf[v]!] = v;
  const depth = new Int32Array(count);
  const via = new Int32Array(count).fill(-1);
  for (let c = 0; c < count; c++) {
    for (let e = condensed.offsets[c]!; e < condensed.offsets[c + 1]!; e++) {
      const next = condensed.targets[e]!;
      const longer = depth[c]! + 1 > depth[next]!;
      if (
        longer ||
        (depth[c]! + 1 === depth[next]! && firstMember[c]! < firstMember[via[next]!]!)
      ) {
        depth[next] = depth[c]! + 1;
        via[next] = c;
      }
    }
  }

  const members: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < n; v++) members[componentOf[v]!]!.push(v);
  const waves: string[][] = [];
  const waveOf = new Map<string, number>();
  for (let v = 0; v < n; v++) {
    const d = depth[componentOf[v]!]!;
    (waves[d] ??= []).push(atomIds[v]!);
    waveOf.set(atomIds[v]!, d);
  }

  let deepest = -1;
  for (let c = 0; c < count; c++) {
    if (
      deepest === -1 ||
      depth[c]! > depth[deepest]! ||
      (depth[c] === depth[deepest] && firstMember[c]! < firstMember[deepest]!)
    )
      deepest = c;
  }
  const path: number[][] = [];
  for (let c = deepest; c !== -1; c = via[c]!) path.push(members[c]!);
  const criticalPath = path.reverse().flatMap((group) => group.map((v) => atomIds[v]!));

  return {
    waves,
    cycleGroups: members.filter((m) => m.length > 1).map((m) => m.map((v) => atomIds[v]!)),
    criticalPath,
    maxParallelism: waves.reduce((max, wave) => Math.max(max, wave.length), 0),
    waveOf,
  };
}
