import type { EdgeKind, FileLanguage } from '@mge/core';
import { normalizePath, PlanModules, type FileSymbols } from '@mge/source';
import { AtomLocator, type AtomSpan } from './atom-locator.js';
import { boundaries, type Boundaries } from './boundaries.js';
import { planWavesOfIndices, type WavePlan } from './dag/wave-planner.js';
import type { FactsTask, FileFacts } from './file-facts.js';
import { collectFacts, collectFactsOnThreads, type GraphPool } from './graph-pool.js';
import { linkSymbols, type Site } from './resolve/link.js';

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
 * the atoms containing its two ends. Then cycles, waves and the critical path. Per-file work runs
 * on the calling thread (see `buildDependencyGraphOnThreads`); unchanged files come from a cache.
 */
export function buildDependencyGraph(files: readonly GraphSourceFile[]): DependencyGraph {
  return assembleGraph(files, collectFacts(files.map(factsTask)));
}

/** `buildDependencyGraph` with the per-file work on worker threads, off the event loop. */
export async function buildDependencyGraphOnThreads(
  files: readonly GraphSourceFile[],
  pool: GraphPool,
  /** Called between the per-file work and the assembly (the benchmark times the two). */
  onFactsCollected?: () => void,
): Promise<DependencyGraph> {
  const facts = await collectFactsOnThreads(files.map(factsTask), pool);
  onFactsCollected?.();
  return assembleGraph(files, facts);
}

function factsTask(file: GraphSourceFile): FactsTask {
  return { file: file.path, code: file.code, language: file.language, atoms: file.atoms };
}

/** Links the files' symbols and turns dependencies between sites into edges between atoms. */
export function assembleGraph(
  files: readonly GraphSourceFile[],
  facts: readonly FileFacts[],
): DependencyGraph {
  const atomIds = files.flatMap((f) => f.atoms.map((a) => a.id));
  // Atoms are numbered across files in order: the first atom of file i is number firstAtom[i].
  const located = new Map<string, { locator: AtomLocator; firstAtom: number }>();
  const symbols: FileSymbols[] = [];
  const edges = new EdgeSet(atomIds);
  let firstAtom = 0;
  files.forEach((file, i) => {
    const locator = new AtomLocator(file.code, file.atoms);
    located.set(normalizePath(file.path), { locator, firstAtom });
    const { symbols: fileSymbols, order } = facts[i]!;
    if (fileSymbols) symbols.push(fileSymbols);
    for (const [a, b] of order) edges.add(firstAtom + a, firstAtom + b, 'order', `#${b}`);
    firstAtom += file.atoms.length;
  });
  const atomAt = (site: Site) => {
    const file = located.get(site.file);
    const position = file?.locator.indexAt(site.offset) ?? -1;
    return position === -1 ? -1 : file!.firstAtom + position;
  };
  for (const dep of linkSymbols(symbols, new PlanModules(located.keys())))
    edges.add(atomAt(dep.from), atomAt(dep.to), dep.kind, dep.symbol);

  const plan = planWavesOfIndices(atomIds, edges.from, edges.to);
  const groups = files.map((f) => ({ path: f.path, atomIds: f.atoms.map((a) => a.id) }));
  return {
    atomIds,
    edges: edges.list,
    ...plan,
    boundaries: boundaries(groups, edges.from, edges.to),
  };
}

const KIND_NUMBER = new Map(Object.keys(EDGE_STRENGTH).map((kind, i) => [kind, i]));

/**
 * Edges deduplicated by (from, to, kind), the key of `atom_dependencies`, in the order first
 * added; self-loops and unplaced ends (-1) dropped. Ends are atom numbers. The keys seen are kept
 * per prerequisite as (to, kind) in one small integer: one key for the whole triple passes 2^31
 * at 100k atoms, and V8 then boxes every key as a heap number.
 */
class EdgeSet {
  readonly list: DependencyEdge[] = [];
  readonly from: number[] = [];
  readonly to: number[] = [];
  private readonly seen: (Set<number> | undefined)[] = [];

  constructor(private readonly atomIds: readonly string[]) {}

  add(from: number, to: number, kind: EdgeKind, symbol: string): void {
    if (from < 0 || to < 0 || from === to) return;
    const key = to * KIND_NUMBER.size + KIND_NUMBER.get(kind)!;
    const seen = (this.seen[from] ??= new Set());
    if (seen.has(key)) return;
    seen.add(key);
    this.from.push(from);
    this.to.push(to);
    const strength = EDGE_STRENGTH[kind];
    this.list.push({ from: this.atomIds[from]!, to: this.atomIds[to]!, kind, symbol, strength });
  }
}
