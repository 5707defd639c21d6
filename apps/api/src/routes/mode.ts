import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { NotFoundError, PLAN_MODES } from '@mge/core';
import {
  getModeSettings,
  getTenantModeOverride,
  modeStats,
  setTenantModeOverride,
  updateModeSettings,
} from '@mge/db';
import type { Resources } from '@mge/pipeline';
import { parseOr400 } from '../request-parsing.js';

/** Body of `POST /api/v2/mode`: at least one of the fields. */
export const modeUpdateBody = z
  .object({
    /** The mode of plans that no override or rollout decides. */
    defaultMode: z.enum(PLAN_MODES).optional(),
    /** Share of plans (0-100) drawn into v2, the rest mvp; null removes the rollout. */
    rolloutPercent: z.number().min(0).max(100).nullable().optional(),
    /** Sets (`mvp` | `v2`) or clears (null) one tenant's override. */
    tenant: z
      .object({
        id: z.uuid({ error: 'tenant.id must be a UUID' }),
        mode: z.enum(PLAN_MODES).nullable(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, {
    error: 'send at least one of defaultMode, rolloutPercent, tenant',
  });

/**
 * Dual mode:
 * - GET /api/v2/mode: the fleet's setting and the caller's tenant's override.
 * - POST /api/v2/mode (admin): change the default mode, the v2 rollout percentage or a tenant's
 *   override. A plan's mode is fixed when it starts: plan override > tenant override > rollout
 *   (a stable hash of tenant and plan ids) > default.
 * - GET /api/v2/mode/stats: per-mode outcome, time and cost side by side; every tenant's plans for
 *   an admin key, the caller's tenant's otherwise.
 */
export function modeRouter(r: Resources, adminOnly: RequestHandler): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const [settings, tenantOverride] = await Promise.all([
      getModeSettings(r.db),
      getTenantModeOverride(r.db, req.caller!.tenantId),
    ]);
    res.json({ ...settings, tenantOverride });
  });

  router.post('/', adminOnly, async (req, res) => {
    const body = parseOr400(modeUpdateBody, req.body, res);
    if (!body) return;
    const caller = req.caller!;
    // The tenant first: an unknown tenant changes nothing.
    if (body.tenant && !(await setTenantModeOverride(r.db, body.tenant.id, body.tenant.mode)))
      throw new NotFoundError('tenant', body.tenant.id);
    const { tenant: _tenant, ...fleet } = body;
    const settings =
      Object.keys(fleet).length > 0
        ? await updateModeSettings(r.db, fleet, `${caller.tenantId}/${caller.keyPrefix}`)
        : await getModeSettings(r.db);
    res.json({
      ...settings,
      ...(body.tenant ? { tenant: { id: body.tenant.id, mode: body.tenant.mode } } : {}),
    });
  });

  router.get('/stats', async (req, res) => {
    const caller = req.caller!;
    const all = caller.role === 'admin';
    const modes = await modeStats(r.db, all ? undefined : caller.tenantId);
    res.json({
      scope: all ? 'all-tenants' : 'tenant',
      ...(all ? {} : { tenantId: caller.tenantId }),
      // Figures from the `sim` provider are simulated: time and cost are not measurements.
      simulated: modes.mvp.simulatedPlans + modes.v2.simulatedPlans > 0,
      modes,
    });
  });

  return router;
}
