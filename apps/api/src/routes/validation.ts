import { Router } from 'express';
import { z } from 'zod';
import { formatZodError, parsePlan } from '@mge/core';
import { validateOnDemand } from '@mge/pipeline';
import type { Resources } from '@mge/pipeline';
import { sendError } from '../http-errors.js';

/** Body of `POST /api/v2/validate/hierarchical`. */
export const validateBody = z.union([
  z.object({
    planId: z.uuid({ error: 'planId must be a UUID' }),
    upTo: z.enum(['module', 'component', 'system']).default('system'),
  }),
  z.object({
    plan: z.unknown(),
    upTo: z.enum(['module', 'component', 'system']).default('system'),
  }),
]);

/**
 * POST /api/v2/validate/hierarchical: L2 module, L3 component and L4 system validation (tests in
 * the sandbox) of a stored plan's current code (`{ planId }`, the caller's tenant only) or of a
 * plan document's drafted code (`{ plan }`). A dry run: nothing is stored or regenerated.
 */
export function validationRouter(r: Resources): Router {
  const router = Router();
  router.post('/hierarchical', async (req, res) => {
    const parsed = validateBody.safeParse(req.body);
    if (!parsed.success)
      return sendError(
        res,
        400,
        'invalid_input',
        'send { "planId": UUID } or { "plan": PLAN }: ' + formatZodError(parsed.error),
      );
    const target =
      'planId' in parsed.data
        ? { planId: parsed.data.planId }
        : { plan: parsePlan(parsed.data.plan) };
    const result = await validateOnDemand(r, req.caller!.tenantId, target, parsed.data.upTo);
    res.json(result);
  });
  return router;
}
