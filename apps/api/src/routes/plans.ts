import { z } from 'zod';
import { parsePlan, parsePlanText, PLAN_MODES, PLAN_STATUSES, planInputSchema } from '@mge/core';
import { listPlansForTenant } from '@mge/db';
import { getPlanView, submitPlan } from '@mge/pipeline';
import { nextCursor, pageQuery, planIdParam } from '../request-parsing.js';
import { defineRoute, Reply } from '../route.js';

/** `?limit&cursor&status&mode` of `GET /api/v2/plans`. */
export const planListQuery = pageQuery.extend({
  status: z.enum(PLAN_STATUSES).optional(),
  mode: z.enum(PLAN_MODES).optional(),
});
/** Media types of a YAML plan (JSON goes through the app's JSON parser). */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];
/** A plan body, as documented. */
export const planBody = planInputSchema.meta({
  description: 'A plan (JSON, or YAML with a YAML type).',
});

/** Submit (JSON or YAML), list (newest first, paginated, by status and mode) and show plans. */
export const planRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v2/plans',
    summary: "The caller's tenant's plans, newest first, with mode and spend; by status and mode",
    tag: 'plans',
    auth: 'key',
    query: planListQuery,
    success: { status: 200, description: '`{ items, nextCursor }`' },
    handler: async ({ query, caller, deps }) => {
      const plans = await listPlansForTenant(deps.db, caller.tenantId, {
        limit: query.limit,
        after: query.cursor,
        status: query.status,
        mode: query.mode,
      });
      return {
        items: plans.map((p) => ({ ...p, links: { self: `/api/v2/plans/${p.id}` } })),
        nextCursor: nextCursor(plans, query.limit, (p) => p.id),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/plans',
    summary: 'Submit a plan; atomization starts at once',
    tag: 'plans',
    auth: 'key',
    body: planBody,
    bodyTypes: ['application/json', ...YAML_TYPES],
    parseBody: (raw) => (typeof raw === 'string' ? parsePlanText(raw) : parsePlan(raw)),
    success: { status: 202, description: '`{ id, status, enqueued, links }`; Location: the plan' },
    handler: async ({ body, caller, deps }) => {
      const { planId, mode, modeDecidedBy, enqueued } = await submitPlan(
        deps,
        caller.tenantId,
        body,
      );
      const self = `/api/v2/plans/${planId}`;
      return new Reply(
        {
          id: planId,
          status: mode === 'mvp' ? 'generating' : 'atomizing',
          mode,
          modeDecidedBy,
          enqueued,
          links: { self },
        },
        { location: self },
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/plans/{id}',
    summary: "A plan's status, progress, spending and history",
    tag: 'plans',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: { status: 200, description: 'the plan view' },
    handler: ({ plan, caller, deps }) => getPlanView(deps.db, plan.id, caller.tenantId),
  }),
];
