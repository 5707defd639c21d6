import { and, asc, eq, gte, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  masterplans,
  planRetrievals,
  type NewPlanRetrieval,
  type PlanRetrieval,
} from '../schema/index.js';

/** The snippets a subject's prompt carries, in rank order (the `rank -1` marker included). */
export function findRetrievals(db: Db, subjectId: string): Promise<PlanRetrieval[]> {
  return db
    .select()
    .from(planRetrievals)
    .where(eq(planRetrievals.subjectId, subjectId))
    .orderBy(asc(planRetrievals.rank));
}

/**
 * Records a subject's snippets once: when another run recorded first, its rows win whole (a lock
 * on the subject serializes the two) and are returned, so every run builds the same prompt.
 */
export function recordRetrievals(
  db: Db,
  subjectId: string,
  rows: readonly NewPlanRetrieval[],
): Promise<PlanRetrieval[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`retrieval:${subjectId}`}))`);
    const recorded = await findRetrievals(tx, subjectId);
    if (recorded.length > 0 || rows.length === 0) return recorded;
    await tx
      .insert(planRetrievals)
      .values([...rows])
      .onConflictDoNothing();
    return findRetrievals(tx, subjectId);
  });
}

/**
 * The snippets a plan's prompts carried, by subject and rank (markers left out): every one, or a
 * page of `limit` after the row `after` names (keyset on the unique (subject, rank) pair).
 */
export function listPlanRetrievals(
  db: Db,
  planId: string,
  page?: { limit: number; after?: string },
): Promise<PlanRetrieval[]> {
  const after = page?.after
    ? sql`(${planRetrievals.subjectId}, ${planRetrievals.rank}) > (select r.subject_id, r.rank from plan_retrievals r where r.id = ${page.after} and r.masterplan_id = ${planId})`
    : undefined;
  const rows = db
    .select()
    .from(planRetrievals)
    .where(and(eq(planRetrievals.masterplanId, planId), gte(planRetrievals.rank, 0), after))
    .orderBy(asc(planRetrievals.subjectId), asc(planRetrievals.rank));
  return page ? rows.limit(page.limit) : rows;
}

/**
 * The snippets a discovery document's prompt carried, in rank order (the marker left out). The
 * document is its own subject: read through the (subject, rank) index.
 */
export function listDiscoveryRetrievals(db: Db, discoveryId: string): Promise<PlanRetrieval[]> {
  return db
    .select()
    .from(planRetrievals)
    .where(
      and(
        eq(planRetrievals.subjectId, discoveryId),
        eq(planRetrievals.subjectKind, 'discovery'),
        gte(planRetrievals.rank, 0),
      ),
    )
    .orderBy(asc(planRetrievals.rank));
}

/** Records that a completed plan is indexed for retrieval. */
export async function markPlanIndexed(db: Db, planId: string): Promise<void> {
  await db
    .update(masterplans)
    .set({ ragIndexedAt: sql`now()` })
    .where(eq(masterplans.id, planId));
}

/** Completed plans of a tenant not indexed yet, oldest first: what the reconciler re-enqueues. */
export function listPlansToIndex(db: Db, limit = 100): Promise<{ id: string }[]> {
  return db
    .select({ id: masterplans.id })
    .from(masterplans)
    .where(
      and(
        eq(masterplans.status, 'completed'),
        isNull(masterplans.ragIndexedAt),
        isNotNull(masterplans.tenantId),
      ),
    )
    .orderBy(asc(masterplans.completedAt))
    .limit(limit);
}
