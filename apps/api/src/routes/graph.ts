import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { InvalidInputError, parsePlan } from '@mge/core';
import { findPlan, loadPlanGraph, listWaves } from '@mge/db';
import { graphFromSources, graphReport, renderGraphSvg } from '@mge/graph';
import type { Resources } from '@mge/pipeline';
import { sendError } from '../http-errors.js';

export const planIdParam = z.object({ id: z.uuid({ error: 'plan id must be a UUID' }) });
export const sourcesBody = z.object({
  files: z
    .array(z.object({ path: z.string().min(1).max(500), code: z.string().max(2_000_000) }))
    .min(1)
    .max(10_000),
});

/** Loads the caller's plan graph, or answers 400/404 and returns undefined. */
async function planGraph(r: Resources, req: Request, res: Response) {
  const params = planIdParam.safeParse(req.params);
  if (!params.success) return sendError(res, 400, 'invalid_input', params.error.issues[0]!.message);
  const plan = await findPlan(r.db, params.data.id, req.caller!.tenantId);
  if (!plan) return sendError(res, 404, 'not_found', `plan ${params.data.id} not found`);
  const graph = await loadPlanGraph(r.db, plan.id);
  if (!graph)
    return sendError(
      res,
      404,
      'not_found',
      `plan ${plan.id} has no dependency graph yet (status ${plan.status})`,
    );
  return graph;
}

/**
 * /api/v2/dependency-graph: `POST /build` computes the graph of posted files or a plan without
 * storing anything; `GET /:id` and `GET /:id.svg` show a stored plan's graph.
 */
export function dependencyGraphRouter(r: Resources): Router {
  const router = Router();

  router.post('/build', (req, res) => {
    const body = req.body as { tasks?: unknown } | undefined;
    let files: { path: string; code: string }[];
    if (body && typeof body === 'object' && 'tasks' in body)
      files = parsePlan(body).tasks.map((t) => ({ path: t.file, code: t.code }));
    else {
      const parsed = sourcesBody.safeParse(body);
      if (!parsed.success)
        return sendError(
          res,
          400,
          'invalid_input',
          'send a plan or { "files": [ { "path", "code" } ] }',
          parsed.error.issues,
        );
      files = parsed.data.files;
    }
    if (new Set(files.map((f) => f.path)).size !== files.length)
      throw new InvalidInputError('a file path is given twice');
    const { atoms, graph } = graphFromSources(files);
    const report = graphReport(atoms, graph);
    res.json({
      ...report,
      edges: graph.edges,
      cycleGroups: graph.cycleGroups,
      boundaries: graph.boundaries,
    });
  });

  // Before '/:id', which would otherwise take "<uuid>.svg" as the id.
  router.get('/:id.svg', async (req, res) => {
    const graph = await planGraph(r, req, res);
    if (!graph) return;
    const atoms = graph.atoms.map((a) => ({ id: a.id, label: `${a.file}: ${a.name}` }));
    const svg = renderGraphSvg({
      atoms,
      edges: graph.edges,
      waves: graph.waves.map((w) => w.atomIds),
      criticalPath: graph.summary.criticalPath,
      cycleGroups: graph.summary.cycleGroups,
    });
    res.type('image/svg+xml').send(svg);
  });

  router.get('/:id', async (req, res) => {
    const graph = await planGraph(r, req, res);
    if (!graph) return;
    const { summary } = graph;
    res.json({
      planId: summary.masterplanId,
      atomCount: summary.atomCount,
      edgeCount: summary.edgeCount,
      waveCount: summary.waveCount,
      maxParallelism: summary.maxParallelism,
      criticalPath: summary.criticalPath,
      cycleGroups: summary.cycleGroups,
      atoms: graph.atoms,
      edges: graph.edges,
      waves: graph.waves.map((w) => w.atomIds),
      links: {
        svg: `/api/v2/dependency-graph/${summary.masterplanId}.svg`,
        waves: `/api/v2/execution-waves/${summary.masterplanId}`,
      },
    });
  });

  return router;
}

/** GET /api/v2/execution-waves/:id: a stored plan's waves with each atom's status. */
export function executionWavesRouter(r: Resources): Router {
  const router = Router();
  router.get('/:id', async (req, res) => {
    const graph = await planGraph(r, req, res);
    if (!graph) return;
    const status = new Map(graph.atoms.map((a) => [a.id, a.status]));
    const waves = await listWaves(r.db, graph.summary.masterplanId);
    res.json({
      planId: graph.summary.masterplanId,
      waves: waves.map((w) => ({
        index: w.index,
        status: w.status,
        atoms: w.atomIds.map((id) => ({ id, status: status.get(id) })),
        done: w.atomIds.filter((id) => status.get(id) === 'validated').length,
      })),
    });
  });
  return router;
}
