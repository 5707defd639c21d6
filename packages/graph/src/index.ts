export { resolveEdges, toGraph, type GraphAtom, type GraphEdge } from './build-graph.js';
export { planWaves, type WavePlan } from './waves.js';
