import { z } from 'zod';
import { planTimeline, summarizeTenantUsage } from '@mge/db';
import { planIdParam } from '../request-parsing.js';
import { defineRoute } from '../route.js';

/** `?from&to`: ISO 8601 instants; the period is `[from, to)`, open-ended when omitted. */
export const usageQuery = z
  .object({
    from: z.iso.datetime({ offset: true, error: 'from must be an ISO 8601 date-time' }).optional(),
    to: z.iso.datetime({ offset: true, error: 'to must be an ISO 8601 date-time' }).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { error: 'from must be before to' });

/** The caller's tenant's LLM calls, tokens, dollars and plans. */
export const usageRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v2/usage',
    summary: "The caller's tenant's LLM calls, tokens, dollars and plans",
    tag: 'usage',
    auth: 'key',
    query: usageQuery,
    success: { status: 200, description: 'the totals over `[from, to)`' },
    handler: async ({ query, caller, deps }) => {
      const from = query.from ? new Date(query.from) : undefined;
      const to = query.to ? new Date(query.to) : undefined;
      const usage = await summarizeTenantUsage(deps.db, caller.tenantId, { from, to });
      return {
        tenantId: caller.tenantId,
        period: { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null },
        ...usage,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/plans/{id}/timeline',
    summary: 'A plan over time: cumulative tokens and dollars per LLM call, atoms settled',
    tag: 'usage',
    auth: 'key',
    params: planIdParam,
    owns: 'plan',
    success: {
      status: 200,
      description:
        '`{ planId, simulated, spend: [{ at, tokens, dollars }], settled: [{ at, validated, failed }] }`, cumulative',
    },
    handler: async ({ plan, deps }) => {
      const { calls, settled } = await planTimeline(deps.db, plan.id);
      let tokens = 0;
      let dollars = 0;
      let validated = 0;
      let failed = 0;
      return {
        planId: plan.id,
        simulated: calls.some((c) => c.simulated),
        spend: calls.map((c) => {
          tokens += c.tokens;
          dollars += c.dollars;
          return { at: c.at.toISOString(), tokens, dollars: Math.round(dollars * 1e6) / 1e6 };
        }),
        settled: settled.map((s) => {
          if (s.status === 'validated') validated += 1;
          else failed += 1;
          return { at: s.at.toISOString(), validated, failed };
        }),
      };
    },
  }),
];
