export {
  buildDependencyGraph,
  EDGE_STRENGTH,
  type DependencyEdge,
  type DependencyGraph,
  type GraphSourceFile,
} from './build-dependency-graph.js';
export {
  graphFromSources,
  graphReport,
  sourceAtomId,
  type GraphAtomInfo,
  type GraphReport,
} from './graph-from-sources.js';
export { planWaves, type WavePlan } from './dag/wave-planner.js';
export type { AtomSpan } from './atom-locator.js';
export type { Boundaries, ComponentBoundary, ModuleBoundary } from './boundaries.js';
export { renderGraphSvg, type SvgInput } from './render-svg.js';
