import { listTenantOverviews } from '@mge/db';
import { defineRoute } from '../route.js';

/** The fleet's tenants, for its admins (who also set each one's mode override: `POST /api/v2/mode`). */
export const tenantRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v2/tenants',
    summary: 'Every tenant with its mode override, plans and spending',
    tag: 'mode',
    auth: 'admin',
    success: {
      status: 200,
      description:
        '`{ items: [{ id, name, modeOverride, createdAt, plans, spentDollars, spentTokens }] }`',
    },
    handler: async ({ deps }) => ({ items: await listTenantOverviews(deps.db) }),
  }),
];
