import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, parsePlan } from '@mge/core';
import { findDiscoveryForTenant, findTaskForTenant, insertDiscovery, listTasks } from '@mge/db';
import {
  executeStoredPlan,
  getPlanView,
  retryTask,
  storePlan,
  type Resources,
} from '@mge/pipeline';
import { sendError } from '../http-errors.js';
import { parseOr400 } from '../request-parsing.js';

/** Body of `POST /api/v1/discovery/start`. */
export const discoveryStartBody = z
  .object({ requirements: z.string().trim().min(1, 'must not be empty').max(200_000) })
  .strict();
/**
 * Body of `POST /api/v1/masterplan/generate`: a plan (the `POST /api/v2/plans` schema, parsed by
 * `parsePlan`) plus an optional `discoveryId`; this schema checks the extra field only.
 */
export const masterplanGenerateExtras = z.object({
  discoveryId: z.uuid({ error: 'discoveryId must be a UUID' }).optional(),
});
/** Body of `POST /api/v1/masterplan/execute`. */
export const masterplanExecuteBody = z
  .object({ masterplanId: z.uuid({ error: 'masterplanId must be a UUID' }) })
  .strict();
export const masterplanIdParam = z.object({
  id: z.uuid({ error: 'masterplan id must be a UUID' }),
});
export const taskIdParam = z.object({ id: z.uuid({ error: 'task id must be a UUID' }) });

/**
 * The v1 (task-level) API. v1 is an API version: the plan's mode (mvp | v2) decides the engine.
 * Discovery stores requirements only; drafting a masterplan from them (the planner) is not built,
 * so `masterplan/generate` takes a plan document.
 */
export function v1Router(r: Resources): Router {
  const router = Router();

  router.post('/discovery/start', async (req, res) => {
    const body = parseOr400(discoveryStartBody, req.body, res);
    if (!body) return;
    const doc = await insertDiscovery(r.db, req.caller!.tenantId, body.requirements);
    res.status(201).json({
      discoveryId: doc.id,
      analysis: doc.analysis ?? null,
      createdAt: doc.createdAt,
    });
  });

  router.post('/masterplan/generate', async (req, res) => {
    const extras = parseOr400(masterplanGenerateExtras, req.body, res);
    if (!extras) return;
    // The plan schema strips fields it does not know, `discoveryId` among them.
    const input = parsePlan(req.body);
    if (
      extras.discoveryId &&
      !(await findDiscoveryForTenant(r.db, extras.discoveryId, req.caller!.tenantId))
    )
      throw new NotFoundError('discovery document', extras.discoveryId);
    const stored = await storePlan(r, req.caller!.tenantId, input, extras.discoveryId);
    res
      .status(201)
      .location(`/api/v1/masterplan/${stored.id}`)
      .json({
        masterplanId: stored.id,
        status: stored.status,
        // Provisional: execute resolves the mode again.
        mode: stored.mode,
        discoveryId: stored.discoveryId,
        tasks: input.tasks.length,
        links: { self: `/api/v1/masterplan/${stored.id}`, execute: '/api/v1/masterplan/execute' },
      });
  });

  router.post('/masterplan/execute', async (req, res) => {
    const body = parseOr400(masterplanExecuteBody, req.body, res);
    if (!body) return;
    const started = await executeStoredPlan(r, req.caller!.tenantId, body.masterplanId);
    res.status(202).json({
      masterplanId: started.planId,
      status: started.mode === 'mvp' ? 'generating' : 'atomizing',
      mode: started.mode,
      modeDecidedBy: started.modeDecidedBy,
      enqueued: started.enqueued,
      links: { self: `/api/v1/masterplan/${started.planId}` },
    });
  });

  router.get('/masterplan/:id', async (req, res) => {
    const params = parseOr400(masterplanIdParam, req.params, res);
    if (!params) return;
    const view = await getPlanView(r.db, params.id, req.caller!.tenantId);
    if (!view) return sendError(res, 404, 'not_found', `masterplan ${params.id} not found`);
    const tasks = await listTasks(r.db, params.id);
    res.json({
      ...view,
      tasks: tasks.map((t) => ({
        id: t.id,
        key: t.key,
        title: t.title,
        file: t.file,
        status: t.status,
        attempts: t.attempt,
        error: t.error,
        links: { self: `/api/v1/task/${t.id}` },
      })),
    });
  });

  router.get('/task/:id', async (req, res) => {
    const params = parseOr400(taskIdParam, req.params, res);
    if (!params) return;
    const found = await findTaskForTenant(r.db, params.id, req.caller!.tenantId);
    if (!found) return sendError(res, 404, 'not_found', `task ${params.id} not found`);
    const { task, plan } = found;
    res.json({
      id: task.id,
      masterplanId: plan.id,
      mode: plan.mode,
      key: task.key,
      title: task.title,
      description: task.description,
      file: task.file,
      dependsOn: task.dependsOn,
      status: task.status,
      attempts: task.attempt,
      error: task.error,
      draftCode: task.code,
      generatedCode: task.generatedCode,
    });
  });

  router.post('/task/:id/retry', async (req, res) => {
    const params = parseOr400(taskIdParam, req.params, res);
    if (!params) return;
    res.status(202).json(await retryTask(r, req.caller!.tenantId, params.id));
  });

  return router;
}
