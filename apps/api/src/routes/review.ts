import { Router } from 'express';
import { z } from 'zod';
import { findPlanForTenant, listReviewQueue } from '@mge/db';
import { reviewAtom, type Resources } from '@mge/pipeline';
import { sendError } from '../http-errors.js';
import { nextCursor, pageQuery, parseOr400 } from '../request-parsing.js';

export const planIdParam = z.object({ planId: z.uuid({ error: 'plan id must be a UUID' }) });
export const atomIdParam = z.object({ atomId: z.uuid({ error: 'atom id must be a UUID' }) });
const note = z.string().max(10_000).optional();

/** Body of `POST /api/v2/review/:atomId`. */
export const reviewBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve'), note }).strict(),
  z.object({ action: z.literal('edit'), code: z.string().min(1).max(1_000_000), note }).strict(),
  z.object({ action: z.literal('regenerate'), note }).strict(),
  z.object({ action: z.literal('reject'), note }).strict(),
]);

/**
 * The human review workflow:
 * - GET /api/v2/review-queue/:planId lists a plan's review rows (open and resolved) with their
 *   atoms, paginated by `?limit&cursor`.
 * - POST /api/v2/review/:atomId resolves an atom's open review: approve | edit | regenerate | reject.
 */
export function reviewRouter(r: Resources): Router {
  const router = Router();

  router.get('/review-queue/:planId', async (req, res) => {
    const params = parseOr400(planIdParam, req.params, res);
    const page = params && parseOr400(pageQuery, req.query, res);
    if (!params || !page) return;
    const plan = await findPlanForTenant(r.db, params.planId, req.caller!.tenantId);
    if (!plan) return sendError(res, 404, 'not_found', `plan ${params.planId} not found`);
    const rows = await listReviewQueue(r.db, plan.id, { limit: page.limit, after: page.cursor });
    res.json({
      planId: plan.id,
      planStatus: plan.status,
      items: rows.map(({ review, atom }) => ({
        id: review.id,
        atomId: atom.id,
        reason: review.reason,
        status: review.status,
        note: review.note,
        resolvedBy: review.resolvedBy,
        createdAt: review.createdAt,
        resolvedAt: review.resolvedAt,
        atom: {
          file: atom.file,
          name: atom.name,
          kind: atom.kind,
          status: atom.status,
          attempts: atom.attempt,
          diagnostics: atom.diagnostics,
          code: atom.code ?? atom.draftCode,
        },
      })),
      nextCursor: nextCursor(rows, page.limit, (row) => row.review.id),
    });
  });

  router.post('/review/:atomId', async (req, res) => {
    const params = parseOr400(atomIdParam, req.params, res);
    const body = params && parseOr400(reviewBody, req.body, res);
    if (!params || !body) return;
    const caller = req.caller!;
    const outcome = await reviewAtom(
      r,
      { tenantId: caller.tenantId, reviewer: `${caller.tenantId}/${caller.keyPrefix}` },
      params.atomId,
      body,
    );
    res.json(outcome);
  });

  return router;
}
