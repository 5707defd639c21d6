import { z } from 'zod';
import { cancelPlan, executeWave, getPlanView, pausePlan, resumePlan } from '@mge/pipeline';
import { planIdParam } from '../request-parsing.js';
import { defineRoute } from '../route.js';

const budget = z
  .object({
    dollars: z.number().positive().optional(),
    tokens: z.number().int().positive().optional(),
  })
  .strict();
export const resumeBody = z.object({ budget: budget.optional() }).strict();
export const waveBody = z
  .object({ planId: z.uuid({ error: 'planId must be a UUID' }), wave: z.number().int().min(0) })
  .strict();

const planView = { status: 200, description: 'the plan view' };

/** Plan control: cancel, pause, resume (optionally with a new budget), and one wave by hand. */
export const planControlRoutes = [
  ...(
    [
      ['cancel', cancelPlan],
      ['pause', pausePlan],
    ] as const
  ).map(([action, act]) =>
    defineRoute({
      method: 'post',
      path: `/api/v2/plans/{id}/${action}`,
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} a plan`,
      tag: 'plans',
      auth: 'key',
      params: planIdParam,
      owns: 'plan',
      success: planView,
      handler: async ({ plan, caller, deps }) => {
        await act(deps, plan.id, caller.tenantId);
        return getPlanView(deps.db, plan.id, caller.tenantId);
      },
    }),
  ),
  defineRoute({
    method: 'post',
    path: '/api/v2/plans/{id}/resume',
    summary: 'Resume a paused plan or one stopped by its budget, optionally with a new budget',
    tag: 'plans',
    auth: 'key',
    params: planIdParam,
    body: resumeBody,
    owns: 'plan',
    success: planView,
    handler: async ({ plan, body, caller, deps }) => {
      await resumePlan(deps, plan.id, caller.tenantId, body.budget);
      return getPlanView(deps.db, plan.id, caller.tenantId);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/execute/wave',
    summary: 'Release one wave of a `waves` plan by hand',
    tag: 'plans',
    auth: 'key',
    body: waveBody,
    owns: 'plan',
    ownerId: ({ body }) => body.planId,
    success: { status: 202, description: '`{ planId, wave, released }`' },
    handler: async ({ plan, body, caller, deps }) => {
      const released = await executeWave(deps, plan.id, caller.tenantId, body.wave);
      return { planId: plan.id, wave: body.wave, released };
    },
  }),
];
