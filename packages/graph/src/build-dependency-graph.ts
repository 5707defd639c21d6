import { fileLanguage, type EdgeKind, type FileLanguage } from '@mge/core';
import { parseSource } from '@mge/atomizer';
import { AtomLocator, type AtomSpan } from './atom-locator.js';
import { boundaries, type Boundaries } from './boundaries.js';
import { planWaves, type WavePlan } from './dag/wave-planner.js';
import { orderEdges } from './order-edges.js';
import { linkSymbols } from './resolve/link.js';
import { ModuleIndex, normalizePath } from './resolve/module-paths.js';
import { extractSymbols } from './symbols/extract-symbols.js';
import type { FileSymbols } from './symbols/types.js';

/** One file of a plan with the atoms it was cut into. */
export interface GraphSourceFile {
  /** The file's path as the plan (or command line) names it; reported back unchanged. */
  path: string;
  code: string;
  /** @defaultValue from the file extension */
  language?: FileLanguage;
  /** The file's atoms in order; their byte ranges tile the file. */
  atoms: readonly AtomSpan[];
}

/** Prerequisite (`from`) -> dependent (`to`). */
export interface DependencyEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The name that links them (for `order` edges, the atom position). */
  symbol: string;
  /** How much the dependent's code relies on the prerequisite's, 0..1; orders context in prompts. */
  strength: number;
}

export interface DependencyGraph extends Omit<WavePlan, 'waveOf'> {
  atomIds: string[];
  edges: DependencyEdge[];
  waveOf: Map<string, number>;
  boundaries: Boundaries;
}

/**
 * Edge strength per kind. Inheritance and the order of a split function are structural (the
 * dependent cannot be written without the prerequisite); a call needs the callee's signature; a
 * type use needs only the type's shape.
 */
export const EDGE_STRENGTH: Readonly<Record<EdgeKind, number>> = {
  inheritance: 1,
  order: 1,
  call: 0.9,
  import: 0.8,
  data: 0.8,
  reference: 0.7,
  type: 0.5,
};

/**
 * The dependency graph of a plan's atoms: symbols are extracted from each file's syntax tree,
 * references are resolved across the plan's files, and each dependency becomes an edge between
 * the atoms containing its two ends. Then cycles, waves and the critical path.
 */
export function buildDependencyGraph(files: readonly GraphSourceFile[]): DependencyGraph {
  const locators = new Map<string, AtomLocator>();
  const symbols: FileSymbols[] = [];
  const edges = new EdgeSet();
  for (const file of files) {
    const key = normalizePath(file.path);
    const locator = new AtomLocator(file.code, file.atoms);
    locators.set(key, locator);
    const language = file.language ?? fileLanguage(file.path);
    if (!language || file.atoms.length === 0) continue;
    const tree = parseSource(file.code, language);
    symbols.push(extractSymbols(tree.rootNode, key, language));
    for (const [a, b] of orderEdges(tree.rootNode, locator))
      edges.add(locator.idOf(a), locator.idOf(b), 'order', `#${b}`);
  }
  for (const dep of linkSymbols(symbols, new ModuleIndex(locators.keys()))) {
    edges.add(
      locators.get(dep.from.file)?.idAt(dep.from.offset),
      locators.get(dep.to.file)?.idAt(dep.to.offset),
      dep.kind,
      dep.symbol,
    );
  }

  const atomIds = files.flatMap((f) => f.atoms.map((a) => a.id));
  const list = edges.list();
  const plan = planWaves(atomIds, list);
  const atomFiles = files.flatMap((f) => f.atoms.map((a) => ({ id: a.id, file: f.path })));
  return { atomIds, edges: list, ...plan, boundaries: boundaries(atomFiles, list) };
}

/** Edges deduplicated by (from, to, kind), the key of `atom_dependencies`; self-loops dropped. */
class EdgeSet {
  private readonly edges = new Map<string, DependencyEdge>();

  add(from: string | undefined, to: string | undefined, kind: EdgeKind, symbol: string): void {
    if (from === undefined || to === undefined || from === to) return;
    const key = `${from}\0${to}\0${kind}`;
    if (!this.edges.has(key))
      this.edges.set(key, { from, to, kind, symbol, strength: EDGE_STRENGTH[kind] });
  }

  list(): DependencyEdge[] {
    return [...this.edges.values()];
  }
}
