import { z } from 'zod';
import { NotFoundError, PLAN_MODES } from '@mge/core';
import {
  getModeSettings,
  getTenantModeOverride,
  modeStats,
  setTenantModeOverride,
  updateModeSettings,
} from '@mge/db';
import { defineRoute } from '../route.js';

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
 * Dual mode: the fleet's setting and the caller's tenant's override; changing them (admin); and
 * per-mode outcome, time and cost side by side. A plan's mode is fixed when it starts: plan
 * override > tenant override > rollout (a stable hash of tenant and plan ids) > default.
 */
export const modeRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v2/mode',
    summary: "The fleet's mode setting and the caller's tenant's override",
    tag: 'mode',
    auth: 'key',
    success: { status: 200, description: '`{ defaultMode, rolloutPercent, tenantOverride }`' },
    handler: async ({ caller, deps }) => {
      const [settings, tenantOverride] = await Promise.all([
        getModeSettings(deps.db),
        getTenantModeOverride(deps.db, caller.tenantId),
      ]);
      return { ...settings, tenantOverride };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/mode',
    summary: "Set the default mode, the v2 rollout percentage or a tenant's override",
    tag: 'mode',
    auth: 'admin',
    body: modeUpdateBody,
    success: { status: 200, description: '`{ defaultMode, rolloutPercent, tenant? }`' },
    errors: { 404: 'no such tenant (nothing changed)' },
    handler: async ({ body, caller, deps }) => {
      // The tenant first: an unknown tenant changes nothing.
      if (body.tenant && !(await setTenantModeOverride(deps.db, body.tenant.id, body.tenant.mode)))
        throw new NotFoundError('tenant', body.tenant.id);
      const { tenant: _tenant, ...fleet } = body;
      const settings =
        Object.keys(fleet).length > 0
          ? await updateModeSettings(deps.db, fleet, `${caller.tenantId}/${caller.keyPrefix}`)
          : await getModeSettings(deps.db);
      return {
        ...settings,
        ...(body.tenant ? { tenant: { id: body.tenant.id, mode: body.tenant.mode } } : {}),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/mode/stats',
    summary: 'Per-mode success rate, time and cost side by side (simulated figures labelled)',
    tag: 'mode',
    auth: 'key',
    success: {
      status: 200,
      description: "`{ scope, tenantId?, simulated, modes: { mvp, v2 } }`; admin: every tenant's",
    },
    handler: async ({ caller, deps }) => {
      const all = caller.role === 'admin';
      const modes = await modeStats(deps.db, all ? undefined : caller.tenantId);
      return {
        scope: all ? 'all-tenants' : 'tenant',
        ...(all ? {} : { tenantId: caller.tenantId }),
        // Figures from the `sim` provider are simulated: time and cost are not measurements.
        simulated: modes.mvp.simulatedPlans + modes.v2.simulatedPlans > 0,
        modes,
      };
    },
  }),
];
