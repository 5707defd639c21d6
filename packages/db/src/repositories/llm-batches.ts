import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { llmBatchRequests, type LlmBatchRequest } from '../schema/index.js';

export type NewBatchRequest = Pick<
  typeof llmBatchRequests.$inferInsert,
  'tenantId' | 'planId' | 'atomId' | 'taskId' | 'job' | 'attempt' | 'promptHash' | 'model'
>;

/**
 * Where a prompt stands in the batch API: `waiting` (pending under a live lease, or submitted:
 * its answer will come), `errored` (the batch gave none: call directly), or `none`.
 */
export async function batchRequestState(
  db: Db,
  promptHash: string,
  model: string,
): Promise<'waiting' | 'errored' | 'none'> {
  const [row] = await db
    .select({
      state: llmBatchRequests.state,
      live: sql<boolean>`${llmBatchRequests.leaseUntil} > now()`,
    })
    .from(llmBatchRequests)
    .where(and(eq(llmBatchRequests.promptHash, promptHash), eq(llmBatchRequests.model, model)))
    .orderBy(desc(llmBatchRequests.createdAt))
    .limit(1);
  if (!row || row.state === 'answered') return 'none';
  if (row.state === 'errored') return 'errored';
  return row.state === 'submitted' || row.live ? 'waiting' : 'none';
}

/**
 * Reserves a prompt for the batch API: a new `pending` row, or one whose holder let its lease
 * run out (it died before submitting). Undefined when another process holds it or it is already
 * submitted: at most one open request per (prompt hash, model).
 */
export async function reserveBatchRequest(
  db: Db,
  request: NewBatchRequest,
  leaseMs: number,
): Promise<string | undefined> {
  const leaseUntil = sql`now() + ${`${leaseMs} milliseconds`}::interval`;
  const [row] = await db
    .insert(llmBatchRequests)
    .values({ ...request, state: 'pending', leaseUntil })
    .onConflictDoUpdate({
      target: [llmBatchRequests.promptHash, llmBatchRequests.model],
      targetWhere: sql`${llmBatchRequests.state} in ('pending', 'submitted')`,
      set: { leaseUntil, attempt: request.attempt },
      setWhere: sql`${llmBatchRequests.state} = 'pending' and ${llmBatchRequests.leaseUntil} <= now()`,
    })
    .returning({ id: llmBatchRequests.id });
  return row?.id;
}

/** The batch was created: its id is recorded before anyone waits for it (a restart resumes). */
export async function markBatchSubmitted(
  db: Db,
  ids: readonly string[],
  batchId: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(llmBatchRequests)
    .set({ state: 'submitted', batchId, submittedAt: sql`now()` })
    .where(and(inArray(llmBatchRequests.id, [...ids]), eq(llmBatchRequests.state, 'pending')));
}

/** The batch could not be created: forget the reservations (the jobs retry and reserve again). */
export async function dropPendingBatchRequests(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .delete(llmBatchRequests)
    .where(and(inArray(llmBatchRequests.id, [...ids]), eq(llmBatchRequests.state, 'pending')));
}

/** Batches with requests still waiting for their results. */
export async function listSubmittedBatches(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ batchId: llmBatchRequests.batchId })
    .from(llmBatchRequests)
    .where(eq(llmBatchRequests.state, 'submitted'));
  return rows.flatMap((r) => (r.batchId ? [r.batchId] : []));
}

/**
 * Settles a submitted request once: `answered` (call it in the transaction that records the
 * paid answer) or `errored`. Undefined when another poller settled it first.
 */
export async function settleBatchRequest(
  db: Db,
  id: string,
  outcome: { state: 'answered' } | { state: 'errored'; error: string },
): Promise<LlmBatchRequest | undefined> {
  const [row] = await db
    .update(llmBatchRequests)
    .set({
      state: outcome.state,
      error: outcome.state === 'errored' ? outcome.error : null,
      settledAt: sql`now()`,
    })
    .where(and(eq(llmBatchRequests.id, id), eq(llmBatchRequests.state, 'submitted')))
    .returning();
  return row;
}

export function listBatchRequests(db: Db, planId: string): Promise<LlmBatchRequest[]> {
  return db.select().from(llmBatchRequests).where(eq(llmBatchRequests.planId, planId));
}
