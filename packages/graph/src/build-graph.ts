import { Graph } from '@dagrejs/graphlib';
import type { EdgeKind } from '@mge/core';

/** What the graph needs to know of an atom. */
export interface GraphAtom {
  id: string;
  file: string;
  kind: string;
  defines: readonly string[];
  uses: readonly string[];
}

/** Prerequisite (`from`) -> dependent (`to`). */
export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  symbol: string;
}

/**
 * First cut of symbol resolution: a name binds to its definition in the same file, else to the
 * definitions of that name in other files (imports carry the names they bind, so a use links to
 * the file's import atom, and the import atom links to the exporting file's definition).
 */
export function resolveEdges(atoms: readonly GraphAtom[]): GraphEdge[] {
  const definers = new Map<string, GraphAtom[]>();
  for (const atom of atoms) {
    for (const name of atom.defines) {
      const list = definers.get(name) ?? [];
      list.push(atom);
      definers.set(name, list);
    }
  }
  const edges = new Map<string, GraphEdge>();
  for (const atom of atoms) {
    for (const name of atom.uses) {
      const candidates = (definers.get(name) ?? []).filter((d) => d.id !== atom.id);
      const local = candidates.filter((d) => d.file === atom.file);
      const chosen = local.length > 0 ? local : candidates.filter((d) => d.kind !== 'import');
      for (const definer of chosen) {
        const kind: EdgeKind = definer.kind === 'import' || atom.kind === 'import' ? 'import' : 'reference';
        const key = `${definer.id}>${atom.id}>${kind}`;
        if (!edges.has(key)) edges.set(key, { from: definer.id, to: atom.id, kind, symbol: name });
      }
    }
  }
  return [...edges.values()];
}

export function toGraph(atomIds: readonly string[], edges: readonly GraphEdge[]): Graph {
  const graph = new Graph({ directed: true });
  for (const id of atomIds) graph.setNode(id);
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  return graph;
}
