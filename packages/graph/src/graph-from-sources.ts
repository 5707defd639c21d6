import type { AtomKind } from '@mge/core';
import { assembleGraph, type DependencyGraph } from './build-dependency-graph.js';
import type { FactsTask, FileFacts } from './file-facts.js';
import { collectFacts, collectFactsOnThreads, type GraphPool } from './graph-pool.js';

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
 * their graph on the calling thread. Throws InvalidInputError (from the atomizer) when a file does
 * not parse.
 */
export function graphFromSources(sources: readonly { path: string; code: string }[]): BuiltGraph {
  return graphOfCuts(sources, collectFacts(sources.map(atomizeTask)));
}

/** `graphFromSources` with atomization and the per-file graph work on worker threads. */
export async function graphFromSourcesOnThreads(
  sources: readonly { path: string; code: string }[],
  pool: GraphPool,
): Promise<BuiltGraph> {
  return graphOfCuts(sources, await collectFactsOnThreads(sources.map(atomizeTask), pool));
}

export interface BuiltGraph {
  atoms: GraphAtomInfo[];
  graph: DependencyGraph;
}

function atomizeTask({ path, code }: { path: string; code: string }): FactsTask {
  return { file: path, code };
}

function graphOfCuts(
  sources: readonly { path: string; code: string }[],
  facts: readonly FileFacts[],
): BuiltGraph {
  const atoms: GraphAtomInfo[] = [];
  const files = sources.map(({ path, code }, i) => {
    const cut = facts[i]!.cut!;
    for (const { ordinal, name, kind, startLine, endLine } of cut)
      atoms.push({ id: sourceAtomId(path, ordinal), file: path, name, kind, startLine, endLine });
    const spans = cut.map((a) => ({
      id: sourceAtomId(path, a.ordinal),
      startByte: a.startByte,
      endByte: a.endByte,
    }));
    return { path, code, atoms: spans };
  });
  return { atoms, graph: assembleGraph(files, facts) };
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
