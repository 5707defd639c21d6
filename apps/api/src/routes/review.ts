import { z } from 'zod';
import { listReviewQueue } from '@mge/db';
import { reviewAtom, reviewTest } from '@mge/pipeline';
import { ids, nextCursor, pageQuery } from '../request-parsing.js';
import { defineRoute } from '../route.js';

const note = z.string().max(10_000).optional();

/** Who resolves a review: the tenant and the prefix of the key used. */
const reviewer = (caller: { tenantId: string; keyPrefix: string }) => ({
  tenantId: caller.tenantId,
  reviewer: `${caller.tenantId}/${caller.keyPrefix}`,
});

const code = z.string().min(1).max(1_000_000);

/** A reviewer's decision: approve, edit (with the code), regenerate or reject; `subject` names it. */
const decision = <S extends z.ZodRawShape>(subject: S) =>
  z.discriminatedUnion('action', [
    z.object({ ...subject, action: z.literal('approve'), note }).strict(),
    z.object({ ...subject, action: z.literal('edit'), code, note }).strict(),
    z.object({ ...subject, action: z.literal('regenerate'), note }).strict(),
    z.object({ ...subject, action: z.literal('reject'), note }).strict(),
  ]);

/** Body of `POST /api/v2/review/:atomId`. */
export const reviewBody = decision({});

/**
 * Body of `POST /api/v2/review-queue/:planId/tests`: the test file and what to do with it: approve
 * (known-bad: L4 no longer runs it), edit (its new code), regenerate (the test designer designs it
 * again, the note as its feedback) or reject (the test stands).
 */
export const testReviewBody = decision({ file: z.string().min(1).max(1000) });

/** The human review workflow: a plan's review rows, and resolving an atom's open review. */
export const reviewRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v2/review-queue/{planId}',
    summary: "A plan's human review rows with their atoms (or test files)",
    tag: 'review',
    auth: 'key',
    params: z.object({ planId: ids.plan }),
    query: pageQuery,
    owns: 'plan',
    success: { status: 200, description: '`{ planId, planStatus, items, nextCursor }`' },
    handler: async ({ plan, query, deps }) => {
      const rows = await listReviewQueue(deps.db, plan.id, {
        limit: query.limit,
        after: query.cursor,
      });
      const tests = new Map(plan.input.tests.map((t) => [t.file, t.code]));
      return {
        planId: plan.id,
        planStatus: plan.status,
        items: rows.map(({ review, atom }) => ({
          id: review.id,
          atomId: review.atomId,
          reason: review.reason,
          status: review.status,
          note: review.note,
          resolvedBy: review.resolvedBy,
          createdAt: review.createdAt,
          resolvedAt: review.resolvedAt,
          atom: atom && {
            file: atom.file,
            name: atom.name,
            kind: atom.kind,
            status: atom.status,
            attempts: atom.attempt,
            diagnostics: atom.diagnostics,
            code: atom.code ?? atom.draftCode,
          },
          // A test's review (it failed at L4 on code a reviewer approved): the file and its code.
          test: review.testFile && {
            file: review.testFile,
            code: tests.get(review.testFile) ?? null,
          },
        })),
        nextCursor: nextCursor(rows, query.limit, (row) => row.review.id),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/review/{atomId}',
    summary: "Resolve an atom's open review: approve, edit, regenerate or reject",
    tag: 'review',
    auth: 'key',
    params: z.object({ atomId: ids.atom }),
    body: reviewBody,
    owns: 'atom',
    success: { status: 200, description: 'the outcome and the plan status' },
    errors: { 409: 'the atom has no open review, or it changed meanwhile' },
    handler: ({ atom, body, caller, deps }) => reviewAtom(deps, reviewer(caller), atom.id, body),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/review-queue/{planId}/tests',
    summary:
      "Resolve a test file's open review (it failed on approved code): approve, edit, regenerate or reject",
    tag: 'review',
    auth: 'key',
    params: z.object({ planId: ids.plan }),
    body: testReviewBody,
    owns: 'plan',
    success: { status: 200, description: 'the outcome and the plan status' },
    errors: { 409: 'the test has no open review, or it changed meanwhile' },
    handler: ({ plan, body: { file, ...action }, caller, deps }) =>
      reviewTest(deps, reviewer(caller), plan.id, file, action),
  }),
];
