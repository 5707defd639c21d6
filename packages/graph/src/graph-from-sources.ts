import { atomizeSource } from '@mge/atomizer';
import type { AtomKind } from '@mge/core';
import { buildDependencyGraph, type DependencyGraph } from './build-dependency-graph.js';

/** An atom as `mge graph --json` reports it (lines 1-based, inclusive). */
export interface GraphAtomInfo {
  id: string;
  file: string;
  name: string;
  kind: AtomKind;
  startLine: number;
  endLine: number;
}

/** The JSON contract of `mge graph --json` (ARCHITECTURE.md section 7). */
export interface GraphReport {
  atoms: GraphAtomInfo[];
  edges: { from: string; to: string; kind: string }[];
  waves: string[][];
  criticalPath: string[];
  maxParallelism: number;
}

/** Id of an atom cut from a file outside the database: `<file>#<ordinal>`, stable and readable. */
export function sourceAtomId(file: string, ordinal: number): string {
  return `${file}#${ordinal}`;
}

/**
 * Atomizes files that are not in the database yet (the CLI, the API's build endpoint) and builds
 * their graph. Throws InvalidInputError (from the atomizer) when a file does not parse.
 */
export function graphFromSources(sources: readonly { path: string; code: string }[]): {
  atoms: GraphAtomInfo[];
  graph: DependencyGraph;
} {
  const atoms: GraphAtomInfo[] = [];
  const files = sources.map(({ path, code }) => {
    const cut = atomizeSource(code, path).atoms.map((a) => ({
      ...a,
      id: sourceAtomId(path, a.ordinal),
    }));
    for (const a of cut)
      atoms.push({
        id: a.id,
        file: path,
        name: a.name,
        kind: a.kind,
        startLine: a.startLine,
        endLine: a.endLine,
      });
    return { path, code, atoms: cut };
  });
  return { atoms, graph: buildDependencyGraph(files) };
}

/** Exactly the fields the contract names, nothing more: scripts compare this output verbatim. */
export function graphReport(atoms: readonly GraphAtomInfo[], graph: DependencyGraph): GraphReport {
  return {
    atoms: atoms.map(({ id, file, name, kind, startLine, endLine }) => ({
      id,
      file,
      name,
      kind,
      startLine,
      endLine,
    })),
    edges: graph.edges.map(({ from, to, kind }) => ({ from, to, kind })),
    waves: graph.waves,
    criticalPath: graph.criticalPath,
    maxParallelism: graph.maxParallelism,
  };
}
