export {
  buildDependencyGraph,
  buildDependencyGraphOnThreads,
  EDGE_STRENGTH,
  type DependencyEdge,
  type DependencyGraph,
  type GraphSourceFile,
} from './build-dependency-graph.js';
export {
  graphFromSources,
  graphFromSourcesOnThreads,
  graphReport,
  sourceAtomId,
  type BuiltGraph,
  type GraphAtomInfo,
  type GraphReport,
} from './graph-from-sources.js';
export { planWaves, type WavePlan } from './dag/wave-planner.js';
export { atomGraph, type AtomEdge, type AtomGraph } from './dag/atom-graph.js';
export type { AtomSpan } from './atom-locator.js';
export type { Boundaries, ComponentBoundary, ModuleBoundary } from './boundaries.js';
export { renderGraphSvg, type SvgInput } from './render-svg.js';
export { adjacency, type Adjacency } from './dag/adjacency.js';
export { stronglyConnected, type Components } from './dag/strongly-connected.js';
export { createGraphPool, type GraphPool } from './graph-pool.js';
