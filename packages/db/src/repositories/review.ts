import { and, asc, count, desc, eq, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import { PLAN_TRANSITIONS, type ReviewStatus } from '@mge/core';
import type { Db } from '../client.js';
import {
  atomDependencies,
  atomicUnits,
  humanReviewQueue,
  masterplans,
  type AtomicUnit,
  type Masterplan,
} from '../schema/index.js';
import { appendHistory } from './plans.js';

/** What a reviewer did; `regenerating` stays until the new attempt settles. */
export type ReviewResolution = Exclude<ReviewStatus, 'open'>;

export type ReviewRow = typeof humanReviewQueue.$inferSelect;

/** A review row with the atom it is about (null for a test's review), as the review queue shows it. */
export interface ReviewEntry {
  review: ReviewRow;
  atom: Pick<
    AtomicUnit,
    'id' | 'file' | 'name' | 'kind' | 'status' | 'attempt' | 'diagnostics' | 'code' | 'draftCode'
  > | null;
}

/**
 * A plan's review rows (open first, then resolved, oldest first within each), keyset-paginated
 * by row id: `after` is the last id of the previous page.
 */
export async function listReviewQueue(
  db: Db,
  planId: string,
  page: { limit: number; after?: string | undefined },
): Promise<ReviewEntry[]> {
  return db
    .select({
      review: humanReviewQueue,
      atom: {
        id: atomicUnits.id,
        file: atomicUnits.file,
        name: atomicUnits.name,
        kind: atomicUnits.kind,
        status: atomicUnits.status,
        attempt: atomicUnits.attempt,
        diagnostics: atomicUnits.diagnostics,
        code: atomicUnits.code,
        draftCode: atomicUnits.draftCode,
      },
    })
    .from(humanReviewQueue)
    .leftJoin(atomicUnits, eq(atomicUnits.id, humanReviewQueue.atomId))
    .where(
      and(
        eq(humanReviewQueue.masterplanId, planId),
        page.after ? gt(humanReviewQueue.id, page.after) : undefined,
      ),
    )
    .orderBy(asc(humanReviewQueue.id))
    .limit(page.limit);
}

/** An atom of the tenant with its plan and its open review row (if any); undefined when not the tenant's. */
export async function findAtomUnderReview(
  db: Db,
  atomId: string,
  tenantId: string,
): Promise<{ atom: AtomicUnit; plan: Masterplan; review: ReviewRow | undefined } | undefined> {
  const [row] = await db
    .select({ atom: atomicUnits, plan: masterplans })
    .from(atomicUnits)
    .innerJoin(masterplans, eq(masterplans.id, atomicUnits.masterplanId))
    .where(and(eq(atomicUnits.id, atomId), eq(masterplans.tenantId, tenantId)));
  if (!row) return undefined;
  const [review] = await db
    .select()
    .from(humanReviewQueue)
    .where(and(eq(humanReviewQueue.atomId, atomId), eq(humanReviewQueue.status, 'open')));
  return { ...row, review };
}

/**
 * The plan's atoms whose code a reviewer accepted: their latest resolved review is `approved` or
 * `edited` (a later `regenerate` withdraws it). L4 does not blame them again.
 */
export async function listApprovedAtoms(db: Db, planId: string): Promise<Set<string>> {
  const rows = await db
    .selectDistinctOn([humanReviewQueue.atomId], {
      atomId: humanReviewQueue.atomId,
      status: humanReviewQueue.status,
    })
    .from(humanReviewQueue)
    .where(
      and(
        eq(humanReviewQueue.masterplanId, planId),
        isNotNull(humanReviewQueue.atomId),
        isNotNull(humanReviewQueue.resolvedAt),
      ),
    )
    .orderBy(humanReviewQueue.atomId, desc(humanReviewQueue.resolvedAt));
  return new Set(
    rows.filter((r) => r.status === 'approved' || r.status === 'edited').map((r) => r.atomId!),
  );
}

/** Opens a review of one of the plan's test files (no-op when one is open already). */
export async function openTestReview(
  db: Db,
  planId: string,
  testFile: string,
  reason: string,
): Promise<void> {
  await db
    .insert(humanReviewQueue)
    .values({ masterplanId: planId, testFile, reason })
    .onConflictDoNothing();
}

/** The open review of a plan's test file, if any. */
export async function findOpenTestReview(
  db: Db,
  planId: string,
  testFile: string,
): Promise<ReviewRow | undefined> {
  const [row] = await db
    .select()
    .from(humanReviewQueue)
    .where(
      and(
        eq(humanReviewQueue.masterplanId, planId),
        eq(humanReviewQueue.testFile, testFile),
        eq(humanReviewQueue.status, 'open'),
      ),
    );
  return row;
}

/** Test files a reviewer approved as failing (known-bad): L4 no longer runs them. */
export async function listExcusedTests(db: Db, planId: string): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ file: humanReviewQueue.testFile })
    .from(humanReviewQueue)
    .where(
      and(
        eq(humanReviewQueue.masterplanId, planId),
        isNotNull(humanReviewQueue.testFile),
        eq(humanReviewQueue.status, 'approved'),
      ),
    );
  return new Set(rows.map((r) => r.file!));
}

/** How many reviews of the plan are still open. */
export async function countOpenReviews(db: Db, planId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(humanReviewQueue)
    .where(and(eq(humanReviewQueue.masterplanId, planId), eq(humanReviewQueue.status, 'open')));
  return row?.n ?? 0;
}

/** Closes an open review with who did what and when; false when someone else closed it first. */
export async function resolveReview(
  db: Db,
  reviewId: string,
  resolution: { status: ReviewResolution; note?: string | undefined; resolvedBy: string; at: Date },
): Promise<boolean> {
  const rows = await db
    .update(humanReviewQueue)
    .set({
      status: resolution.status,
      action: resolution.status,
      note: resolution.note ?? null,
      resolvedBy: resolution.resolvedBy,
      resolvedAt: resolution.at,
    })
    .where(and(eq(humanReviewQueue.id, reviewId), eq(humanReviewQueue.status, 'open')))
    .returning({ id: humanReviewQueue.id, planId: humanReviewQueue.masterplanId });
  const [row] = rows;
  if (row)
    await appendHistory(db, row.planId, `review:${resolution.status}`, {
      reviewId,
      by: resolution.resolvedBy,
    });
  return rows.length > 0;
}

/** The note of the latest `regenerate` review of an atom: the reviewer's words for the next prompt. */
export async function latestRegenerateNote(db: Db, atomId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ note: humanReviewQueue.note })
    .from(humanReviewQueue)
    .where(and(eq(humanReviewQueue.atomId, atomId), eq(humanReviewQueue.status, 'regenerating')))
    .orderBy(sql`${humanReviewQueue.resolvedAt} desc nulls last`)
    .limit(1);
  return row?.note ?? undefined;
}

/** failed -> validated with the reviewed code (approve: its current or drafted code; edit: the human's). */
export async function acceptReviewedAtom(db: Db, atomId: string, code: string): Promise<boolean> {
  const rows = await db
    .update(atomicUnits)
    .set({ status: 'validated', code, diagnostics: [], failedLevel: null, settledAt: new Date() })
    .where(and(eq(atomicUnits.id, atomId), eq(atomicUnits.status, 'failed')))
    .returning({ id: atomicUnits.id });
  return rows.length > 0;
}

/** failed -> ready, keeping its attempt count: the next attempt is one beyond the budget. */
export async function requeueReviewedAtom(db: Db, atomId: string): Promise<boolean> {
  const rows = await db
    .update(atomicUnits)
    .set({ status: 'ready', readyAt: new Date(), settledAt: null })
    .where(and(eq(atomicUnits.id, atomId), eq(atomicUnits.status, 'failed')))
    .returning({ id: atomicUnits.id });
  return rows.length > 0;
}

/** A plan's atoms and edges: what deciding which blocked atoms a review frees needs. */
export async function loadPlanGraphState(
  db: Db,
  planId: string,
): Promise<{
  atoms: Pick<AtomicUnit, 'id' | 'status' | 'cycleGroup'>[];
  edges: { from: string; to: string }[];
}> {
  const [atoms, edges] = await Promise.all([
    db
      .select({
        id: atomicUnits.id,
        status: atomicUnits.status,
        cycleGroup: atomicUnits.cycleGroup,
      })
      .from(atomicUnits)
      .where(eq(atomicUnits.masterplanId, planId)),
    db
      .selectDistinct({ from: atomDependencies.fromAtomId, to: atomDependencies.toAtomId })
      .from(atomDependencies)
      .where(eq(atomDependencies.masterplanId, planId)),
  ]);
  return { atoms, edges };
}

/**
 * blocked -> pending with a fresh prerequisite count (eager scheduling: -> ready at zero). Returns
 * the ids that became ready.
 */
export async function unblockAtoms(
  db: Db,
  atoms: readonly { id: string; pending: number }[],
  scheduling: 'eager' | 'waves',
): Promise<string[]> {
  const ready: string[] = [];
  for (const atom of atoms) {
    const toReady = scheduling === 'eager' && atom.pending === 0;
    const rows = await db
      .update(atomicUnits)
      .set({
        status: toReady ? 'ready' : 'pending',
        pendingPrerequisites: atom.pending,
        settledAt: null,
        ...(toReady ? { readyAt: new Date() } : {}),
      })
      .where(and(eq(atomicUnits.id, atom.id), eq(atomicUnits.status, 'blocked')))
      .returning({ id: atomicUnits.id });
    if (toReady && rows.length > 0) ready.push(atom.id);
  }
  return ready;
}

/**
 * needs_review -> generating with `reopened` more atoms to settle and the next validation round
 * (its validate job id must be new). Returns the atoms remaining, or undefined when the plan was
 * not waiting for review.
 */
export async function reopenPlanAfterReview(
  db: Db,
  planId: string,
  reopened: number,
): Promise<number | undefined> {
  const [row] = await db
    .update(masterplans)
    .set({
      status: PLAN_TRANSITIONS.reviewed.to,
      error: null,
      atomsRemaining: sql`${masterplans.atomsRemaining} + ${reopened}`,
      validationRound: sql`${masterplans.validationRound} + 1`,
    })
    .where(
      and(
        eq(masterplans.id, planId),
        inArray(masterplans.status, [...PLAN_TRANSITIONS.reviewed.from]),
      ),
    )
    .returning({ remaining: masterplans.atomsRemaining, status: masterplans.status });
  if (!row) return undefined;
  await appendHistory(db, planId, 'status:generating', { review: { reopened } });
  return row.remaining;
}
