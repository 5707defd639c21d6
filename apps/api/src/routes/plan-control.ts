import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { formatZodError } from '@mge/core';
import {
  cancelPlan,
  executeWave,
  getPlanView,
  pausePlan,
  resumePlan,
  type Resources,
} from '@mge/pipeline';
import { sendError } from '../http-errors.js';

export const planIdParam = z.object({ id: z.uuid({ error: 'plan id must be a UUID' }) });
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

/** Plan control: cancel, pause, resume (optionally with a new budget), and one wave by hand. */
export function planControlRouter(r: Resources): Router {
  const router = Router();

  /** Validates `:id` (and the body), runs the action, answers with the plan's view. */
  const control =
    <B>(body: z.ZodType<B>, action: (planId: string, tenantId: string, body: B) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const params = planIdParam.safeParse(req.params);
      if (!params.success)
        return sendError(res, 400, 'invalid_input', params.error.issues[0]!.message);
      const parsed = body.safeParse(req.body ?? {});
      if (!parsed.success)
        return sendError(res, 400, 'invalid_input', formatZodError(parsed.error));
      await action(params.data.id, req.caller!.tenantId, parsed.data);
      res.json(await getPlanView(r.db, params.data.id, req.caller!.tenantId));
    };
  const noBody = z.unknown();

  router.post(
    '/plans/:id/cancel',
    control(noBody, (id, tenant) => cancelPlan(r, id, tenant)),
  );
  router.post(
    '/plans/:id/pause',
    control(noBody, (id, tenant) => pausePlan(r, id, tenant)),
  );
  router.post(
    '/plans/:id/resume',
    control(resumeBody, (id, tenant, b) => resumePlan(r, id, tenant, b.budget)),
  );

  router.post('/execute/wave', async (req, res) => {
    const parsed = waveBody.safeParse(req.body ?? {});
    if (!parsed.success) return sendError(res, 400, 'invalid_input', formatZodError(parsed.error));
    const released = await executeWave(
      r,
      parsed.data.planId,
      req.caller!.tenantId,
      parsed.data.wave,
    );
    res.status(202).json({ planId: parsed.data.planId, wave: parsed.data.wave, released });
  });
  return router;
}
