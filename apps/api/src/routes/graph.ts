import { z } from 'zod';
import { InvalidInputError, NotFoundError, parsePlan } from '@mge/core';
import { listWaves, loadPlanGraph, type Db, type Masterplan } from '@mge/db';
import { graphFromSourcesOnThreads, graphReport, renderGraphSvg } from '@mge/graph';
import { planIdParam } from '../request-parsing.js';
import { defineRoute } from '../route.js';
import { planBody } from './plans.js';

export const sourcesBody = z.object({
  files: z
    .array(z.object({ path: z.string().min(1).max(500), code: z.string().max(2_000_000) }))
    .min(1)
    .max(10_000),
});

/** A plan's files, or posted files: `send a plan or { "files": [ { "path", "code" } ] }`. */
function sourceFiles(raw: unknown): { path: string; code: string }[] {
  if (raw && typeof raw === 'object' && 'tasks' in raw)
    return parsePlan(raw).tasks.map((t) => ({ path: t.file, code: t.code }));
  const parsed = sourcesBody.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError(
      'send a plan or { "files": [ { "path", "code" } ] }',
      parsed.error.issues,
    );
  return parsed.data.files;
}

/** The plan's stored graph; 404 until the graph stage has built it. */
async function storedGraph(db: Db, plan: Masterplan) {
  const graph = await loadPlanGraph(db, plan.id);
  if (!graph) throw new NotFoundError('dependency graph of plan', plan.id);
  return graph;
}

/**
 * The dependency graph: built from posted files or a plan without storing anything (on the
 * graph pool), or a stored plan's graph as JSON, as SVG, and as waves with atom statuses.
 */
export const graphRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v2/dependency-graph/build',
    summary: 'The dependency graph of posted files or a plan (nothing is stored)',
    tag: 'graph',
    auth: 'key',
    body: z.union([planBody, sourcesBody]),
    parseBody: (raw) => ({ files: sourceFiles(raw) }),
    success: { status: 200, description: 'atoms, edges, waves, cycle groups and boundaries' },
    handler: async ({ body: { files }, deps }) => {
      if (new Set(files.map((f) => f.path)).size !== files.length)
        throw new InvalidInputError('a file path is given twice');
      // Parsing up to the body limit of source would block the event loop: on the graph pool.
      const { atoms, graph } = await graphFromSourcesOnThreads(files, deps.graphPool);
      return {
        ...graphReport(atoms, graph),
        edges: graph.edges,
        cycleGroups: graph.cycleGroups,
        boundaries: graph.boundaries,
      };
    },
  }),
  // Before '{id}', which would otherwise take "<uuid>.svg" as the id.
  defineRoute({
    method: 'get',
    path: '/api/v2/dependency-graph/{id}.svg',
    summary: "A plan's dependency graph as an SVG picture",
    tag: 'graph',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: { status: 200, description: 'the picture', type: 'image/svg+xml' },
    handler: async ({ plan, deps }) => {
      const graph = await storedGraph(deps.db, plan);
      return renderGraphSvg({
        atoms: graph.atoms.map((a) => ({ id: a.id, label: `${a.file}: ${a.name}` })),
        edges: graph.edges,
        waves: graph.waves.map((w) => w.atomIds),
        criticalPath: graph.summary.criticalPath,
        cycleGroups: graph.summary.cycleGroups,
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/dependency-graph/{id}',
    summary: "A plan's stored dependency graph",
    tag: 'graph',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: { status: 200, description: 'atoms, edges, waves and the critical path' },
    handler: async ({ plan, deps }) => {
      const { summary, atoms, edges, waves } = await storedGraph(deps.db, plan);
      return {
        planId: summary.masterplanId,
        atomCount: summary.atomCount,
        edgeCount: summary.edgeCount,
        waveCount: summary.waveCount,
        maxParallelism: summary.maxParallelism,
        criticalPath: summary.criticalPath,
        cycleGroups: summary.cycleGroups,
        atoms,
        edges,
        waves: waves.map((w) => w.atomIds),
        links: {
          svg: `/api/v2/dependency-graph/${summary.masterplanId}.svg`,
          waves: `/api/v2/execution-waves/${summary.masterplanId}`,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/execution-waves/{id}',
    summary: "A plan's waves with each atom's status",
    tag: 'graph',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: { status: 200, description: '`{ planId, waves }`' },
    handler: async ({ plan, deps }) => {
      const graph = await storedGraph(deps.db, plan);
      const status = new Map(graph.atoms.map((a) => [a.id, a.status]));
      const waves = await listWaves(deps.db, plan.id);
      return {
        planId: plan.id,
        waves: waves.map((w) => ({
          index: w.index,
          status: w.status,
          atoms: w.atomIds.map((id) => ({ id, status: status.get(id) })),
          done: w.atomIds.filter((id) => status.get(id) === 'validated').length,
        })),
      };
    },
  }),
];
