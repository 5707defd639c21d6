import express, { Router } from 'express';
import { z } from 'zod';
import { parsePlan, parsePlanText, PLAN_STATUSES } from '@mge/core';
import { listPlansForTenant } from '@mge/db';
import { getPlanView, submitPlan, type Resources } from '@mge/pipeline';
import { sendError } from '../http-errors.js';
import { nextCursor, pageQuery, parseOr400 } from '../request-parsing.js';

export const planIdParam = z.object({ id: z.uuid({ error: 'plan id must be a UUID' }) });
/** `?limit&cursor&status` of `GET /api/v2/plans`. */
export const planListQuery = pageQuery.extend({ status: z.enum(PLAN_STATUSES).optional() });
/** Media types of a YAML plan (JSON goes through the app's JSON parser). */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

/**
 * POST /api/v2/plans (JSON or YAML body), GET /api/v2/plans (the caller's tenant's plans, newest
 * first, paginated by `?limit&cursor`, optionally `?status=`) and GET /api/v2/plans/:id.
 */
export function plansRouter(r: Resources): Router {
  const router = Router();
  const yamlBody = express.text({ type: YAML_TYPES, limit: r.config.apiBodyLimitBytes });

  router.get('/', async (req, res) => {
    const query = parseOr400(planListQuery, req.query, res);
    if (!query) return;
    const plans = await listPlansForTenant(r.db, req.caller!.tenantId, {
      limit: query.limit,
      after: query.cursor,
      status: query.status,
    });
    res.json({
      items: plans.map((p) => ({ ...p, links: { self: `/api/v2/plans/${p.id}` } })),
      nextCursor: nextCursor(plans, query.limit, (p) => p.id),
    });
  });

  router.post('/', yamlBody, async (req, res) => {
    const input = typeof req.body === 'string' ? parsePlanText(req.body) : parsePlan(req.body);
    const { planId, mode, modeDecidedBy, enqueued } = await submitPlan(
      r,
      req.caller!.tenantId,
      input,
    );
    res
      .status(202)
      .location(`/api/v2/plans/${planId}`)
      .json({
        id: planId,
        status: mode === 'mvp' ? 'generating' : 'atomizing',
        mode,
        modeDecidedBy,
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
