import { Router } from 'express';
import { z } from 'zod';
import { summarizeTenantUsage } from '@mge/db';
import type { Resources } from '@mge/pipeline';
import { parseOr400 } from '../request-parsing.js';

/** `?from&to`: ISO 8601 instants; the period is `[from, to)`, open-ended when omitted. */
export const usageQuery = z
  .object({
    from: z.iso.datetime({ offset: true, error: 'from must be an ISO 8601 date-time' }).optional(),
    to: z.iso.datetime({ offset: true, error: 'to must be an ISO 8601 date-time' }).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { error: 'from must be before to' });

/** GET /api/v2/usage: the caller's tenant's LLM calls, tokens, dollars and plans. */
export function usageRouter(r: Resources): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parseOr400(usageQuery, req.query, res);
    if (!query) return;
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    const usage = await summarizeTenantUsage(r.db, req.caller!.tenantId, { from, to });
    res.json({
      tenantId: req.caller!.tenantId,
      period: { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null },
      ...usage,
    });
  });
  return router;
}
