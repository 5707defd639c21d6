import express, { Router } from 'express';
import { z } from 'zod';
import { parsePlan, parsePlanText } from '@mge/core';
import { getPlanView, submitPlan, type Resources } from '@mge/pipeline';
import { sendError } from '../http-errors.js';

const planIdParam = z.object({ id: z.uuid({ error: 'plan id must be a UUID' }) });

/** POST /api/v2/plans (JSON or YAML body) and GET /api/v2/plans/:id. */
export function plansRouter(r: Resources): Router {
  const router = Router();
  const yamlBody = express.text({
    type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'],
    limit: '20mb',
  });

  router.post('/', yamlBody, async (req, res) => {
    const input = typeof req.body === 'string' ? parsePlanText(req.body) : parsePlan(req.body);
    const { planId, enqueued } = await submitPlan(r, req.caller!.tenantId, input);
    res
      .status(202)
      .location(`/api/v2/plans/${planId}`)
      .json({
        id: planId,
        status: 'atomizing',
        enqueued,
        links: { self: `/api/v2/plans/${planId}` },
      });
  });

  router.get('/:id', async (req, res) => {
    const params = planIdParam.safeParse(req.params);
    if (!params.success)
      return sendError(res, 400, 'invalid_input', params.error.issues[0]!.message);
    const view = await getPlanView(r.db, params.data.id, req.caller!.tenantId);
    if (!view) return sendError(res, 404, 'not_found', `plan ${params.data.id} not found`);
    res.json(view);
  });

  return router;
}
