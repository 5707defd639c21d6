import { humanReviewQueue, type Db } from '@mge/db';

/**
 * Seeds `count` closed low-confidence reviews on a plan's atoms, as the review endpoint leaves
 * them (labelled "seeded" in their reason): every third rejected, the rest approved. Returns the
 * rows, in resolution order.
 */
export async function seedConfidenceDecisions(
  db: Db,
  planId: string,
  atomIds: readonly string[],
  count: number,
) {
  const at = Date.now();
  const rows = Array.from({ length: count }, (_, i) => ({
    masterplanId: planId,
    atomId: atomIds[i % atomIds.length]!,
    reason: 'low confidence 0.55 (formula; threshold 0.6): seeded by a test',
    status: i % 3 === 0 ? ('rejected' as const) : ('approved' as const),
    resolvedBy: 'test',
    resolvedAt: new Date(at + i),
  }));
  await db.insert(humanReviewQueue).values(rows);
  return rows;
}
