import { z } from 'zod';
import { formatZodError, InvalidInputError, parsePlan } from '@mge/core';
import { validateOnDemand } from '@mge/pipeline';
import { defineRoute } from '../route.js';

const upTo = z.enum(['module', 'component', 'system']).default('system');
/** Body of `POST /api/v2/validate/hierarchical`. */
export const validateBody = z.union([
  z.object({ planId: z.uuid({ error: 'planId must be a UUID' }), upTo }),
  z.object({ plan: z.unknown(), upTo }),
]);

/**
 * L2 module, L3 component and L4 system validation (tests in the sandbox) of a stored plan's
 * current code (`{ planId }`, the caller's tenant only) or of a plan document's drafted code
 * (`{ plan }`). A dry run: nothing is stored or regenerated.
 */
export const validationRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v2/validate/hierarchical',
    summary: 'L2-L4 validation of a stored plan or a plan document (a dry run)',
    tag: 'validation',
    auth: 'key',
    body: validateBody,
    parseBody: (raw) => {
      const parsed = validateBody.safeParse(raw);
      if (parsed.success) return parsed.data;
      throw new InvalidInputError(
        'send { "planId": UUID } or { "plan": PLAN }: ' + formatZodError(parsed.error),
      );
    },
    owns: 'plan',
    ownerId: ({ body }) => ('planId' in body ? body.planId : undefined),
    success: { status: 200, description: 'the result of each level' },
    handler: ({ body, caller, deps }) => {
      const target = 'planId' in body ? { planId: body.planId } : { plan: parsePlan(body.plan) };
      return validateOnDemand(deps, caller.tenantId, target, body.upTo);
    },
  }),
];
