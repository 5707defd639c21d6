import { and, asc, eq, isNotNull, like, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  atomicUnits,
  atomRetryHistory,
  humanReviewQueue,
  masterplans,
  usageEvents,
  type ConfidenceFeatures,
} from '../schema/index.js';

/** One refused attempt of an atom: what the check said, and what the model had answered. */
export interface RefusedAttempt {
  attempt: number;
  errorCategory: string;
  message: string;
  /** Null for attempts recorded before answers were kept (migration 0008). */
  answer: string | null;
  at: Date;
}

/** What the LLM calls of one attempt cost (several rows when a call was retried). */
export interface AttemptUsage {
  attempt: number;
  calls: number;
  tokens: number;
  dollars: number;
  simulated: boolean;
}

/** A closed review of the atom: who did what, when. */
export interface AtomReviewDecision {
  status: string;
  reason: string;
  note: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}

/**
 * An atom's history, oldest first: refused attempts (retry history), the cost of every attempt
 * (usage events), and the reviews closed on it. The caller checked tenant ownership.
 */
export async function loadAtomHistory(
  db: Db,
  atomId: string,
): Promise<{
  refused: RefusedAttempt[];
  usage: AttemptUsage[];
  reviews: AtomReviewDecision[];
}> {
  const [refused, usage, reviews] = await Promise.all([
    db
      .select({
        attempt: atomRetryHistory.attempt,
        errorCategory: atomRetryHistory.errorCategory,
        message: atomRetryHistory.message,
        answer: atomRetryHistory.answer,
        at: atomRetryHistory.createdAt,
      })
      .from(atomRetryHistory)
      .where(eq(atomRetryHistory.atomId, atomId))
      .orderBy(asc(atomRetryHistory.attempt)),
    db
      .select({
        attempt: sql<number>`${usageEvents.attempt}`,
        calls: sql<number>`count(*)::int`,
        tokens: sql<number>`coalesce(sum(${usageEvents.inputTokens} + ${usageEvents.outputTokens}), 0)::int`,
        dollars: sql<number>`coalesce(sum(${usageEvents.dollars}), 0)::float8`,
        simulated: sql<boolean>`bool_or(${usageEvents.simulated})`,
      })
      .from(usageEvents)
      .where(and(eq(usageEvents.atomId, atomId), isNotNull(usageEvents.attempt)))
      .groupBy(usageEvents.attempt)
      .orderBy(asc(usageEvents.attempt)),
    db
      .select({
        status: humanReviewQueue.status,
        reason: humanReviewQueue.reason,
        note: humanReviewQueue.note,
        resolvedBy: humanReviewQueue.resolvedBy,
        resolvedAt: humanReviewQueue.resolvedAt,
      })
      .from(humanReviewQueue)
      .where(and(eq(humanReviewQueue.atomId, atomId), isNotNull(humanReviewQueue.resolvedAt)))
      .orderBy(asc(humanReviewQueue.resolvedAt)),
  ]);
  return { refused, usage, reviews };
}

/** A closed low-confidence review: the atom's score inputs and whether it was approved as it was. */
export interface ConfidenceDecision {
  features: ConfidenceFeatures;
  right: boolean;
  resolvedAt: Date;
}

/**
 * A tenant's reviewers' verdicts on atoms sent to review for low confidence, oldest first:
 * `approved` means the atom was right; `edited`, `regenerating` and `rejected` mean it was not.
 * Reviews of failed atoms are not confidence decisions and are left out.
 */
export async function listConfidenceDecisions(
  db: Db,
  tenantId: string,
): Promise<ConfidenceDecision[]> {
  const rows = await db
    .select({
      features: atomicUnits.confidenceFeatures,
      status: humanReviewQueue.status,
      resolvedAt: humanReviewQueue.resolvedAt,
    })
    .from(humanReviewQueue)
    .innerJoin(atomicUnits, eq(atomicUnits.id, humanReviewQueue.atomId))
    .innerJoin(masterplans, eq(masterplans.id, humanReviewQueue.masterplanId))
    .where(
      and(
        eq(masterplans.tenantId, tenantId),
        isNotNull(humanReviewQueue.resolvedAt),
        isNotNull(atomicUnits.confidenceFeatures),
        ne(humanReviewQueue.status, 'open'),
        like(humanReviewQueue.reason, `${LOW_CONFIDENCE_REASON}%`),
      ),
    )
    .orderBy(asc(humanReviewQueue.resolvedAt), asc(humanReviewQueue.id));
  return rows.map((r) => ({
    features: r.features!,
    right: r.status === 'approved',
    resolvedAt: r.resolvedAt!,
  }));
}

/** How a low-confidence review's reason begins (`scoreAndReview` writes it). */
export const LOW_CONFIDENCE_REASON = 'low confidence';
