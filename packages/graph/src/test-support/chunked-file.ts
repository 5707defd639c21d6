import {
  buildDependencyGraph,
  type DependencyGraph,
  type GraphSourceFile,
} from '../build-dependency-graph.js';

/**
 * A test file cut into named atoms by hand, so graph tests do not depend on how the atomizer
 * cuts: `chunkedFile('a.ts', { add: 'function add() {}\n', main: 'add();\n' })` has atoms
 * `a.ts:add` and `a.ts:main`.
 */
export function chunkedFile(path: string, chunks: Record<string, string>): GraphSourceFile {
  let byte = 0;
  const atoms = Object.entries(chunks).map(([name, code]) => {
    const startByte = byte;
    byte += Buffer.byteLength(code);
    return { id: `${path}:${name}`, startByte, endByte: byte };
  });
  return { path, code: Object.values(chunks).join(''), atoms };
}

/** Edges as sorted `from -> to (kind)` lines: exact and readable in a failing test. */
export function edgeLines(graph: DependencyGraph): string[] {
  return graph.edges.map((e) => `${e.from} -> ${e.to} (${e.kind})`).sort();
}

export function graphOf(...files: GraphSourceFile[]): DependencyGraph {
  return buildDependencyGraph(files);
}
