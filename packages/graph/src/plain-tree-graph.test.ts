import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  atomizeSource,
  listSourceFiles,
  NODE_MODULES,
  parseChecked,
  pythonStdlib,
} from '@mge/atomizer';
import { fileLanguage } from '@mge/core';
import { extractSymbols, normalizePath } from '@mge/source';
import { AtomLocator } from './atom-locator.js';
import {
  assembleGraph,
  buildDependencyGraph,
  type DependencyGraph,
  type GraphSourceFile,
} from './build-dependency-graph.js';
import type { FileFacts } from './file-facts.js';
import { graphFromSources, sourceAtomId } from './graph-from-sources.js';
import { orderEdges } from './order-edges.js';

/**
 * The graph's per-file walks read plain copies of the syntax tree (`plainTree`). The reference
 * here is the walk as it was before: the same symbol walk and ordering edges over tree-sitter's
 * own nodes, one parse per file. Whole packages nobody here wrote must give the same graph: every
 * edge (kind, symbol, strength, in order), the waves and the critical path.
 */
function referenceFacts(file: GraphSourceFile): FileFacts {
  const language = fileLanguage(file.path)!;
  const { tree } = parseChecked(file.code, language, file.path);
  const locator = new AtomLocator(file.code, file.atoms);
  return {
    symbols: extractSymbols(tree.rootNode, normalizePath(file.path), language),
    order: orderEdges(tree.rootNode, locator),
  };
}

const nodeModules = NODE_MODULES;
const stdlib = pythonStdlib();
const plans: [string, string[]][] = [
  ['zod/src/v4/core (TypeScript)', [path.join(nodeModules, 'zod', 'src', 'v4', 'core')]],
  [
    'yaml/dist and express/lib (CommonJS)',
    [path.join(nodeModules, 'yaml', 'dist'), path.join(nodeModules, 'express', 'lib')],
  ],
  [
    'email and json of the Python standard library',
    [path.join(stdlib, 'email'), path.join(stdlib, 'json')],
  ],
];

describe('the graph from plain tree copies, against the walk over tree-sitter nodes', () => {
  it.each(plans)('%s: the same edges, waves and critical path', (_name, roots) => {
    const sources = listSourceFiles(roots, ['.ts', '.js', '.cjs', '.py'])
      .filter((file) => !/[/\\]tests?[/\\]/.test(file))
      .map((file) => ({
        path: path.relative(path.dirname(roots[0]!), file),
        code: readFileSync(file, 'utf8'),
      }));
    expect(sources.length).toBeGreaterThanOrEqual(5);
    const files: GraphSourceFile[] = sources.map(({ path: file, code }) => ({
      path: file,
      code,
      atoms: atomizeSource(code, file).atoms.map((a) => ({
        id: sourceAtomId(file, a.ordinal),
        startByte: a.startByte,
        endByte: a.endByte,
      })),
    }));
    const reference = assembleGraph(files, files.map(referenceFacts));
    const shape = (graph: DependencyGraph) => ({
      edges: graph.edges,
      waves: graph.waves,
      criticalPath: graph.criticalPath,
      cycleGroups: graph.cycleGroups,
    });
    expect(reference.edges.length).toBeGreaterThan(300);
    expect(shape(buildDependencyGraph(files))).toEqual(shape(reference));
    // Atomized on the way (`mge graph`): the tree the atomizer cut is the one walked.
    expect(shape(graphFromSources(sources).graph)).toEqual(shape(reference));
  });
});
