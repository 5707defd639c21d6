import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { discoveryDocuments, type DiscoveryStatus } from '../schema/index.js';

export type DiscoveryDocument = typeof discoveryDocuments.$inferSelect;

/**
 * Stores requirements text. `stored` (the default) keeps `analysis` null; `analyzing` means a
 * planner job is (about to be) enqueued to analyse it.
 */
export async function insertDiscovery(
  db: Db,
  tenantId: string,
  requirements: string,
  status: Extract<DiscoveryStatus, 'stored' | 'analyzing'> = 'stored',
): Promise<DiscoveryDocument> {
  const [row] = await db
    .insert(discoveryDocuments)
    .values({ tenantId, requirements, status })
    .returning();
  return row!;
}

export async function findDiscoveryForTenant(
  db: Db,
  id: string,
  tenantId: string,
): Promise<DiscoveryDocument | undefined> {
  const [row] = await db
    .select()
    .from(discoveryDocuments)
    .where(and(eq(discoveryDocuments.id, id), eq(discoveryDocuments.tenantId, tenantId)));
  return row;
}

export async function findDiscovery(db: Db, id: string): Promise<DiscoveryDocument | undefined> {
  const [row] = await db.select().from(discoveryDocuments).where(eq(discoveryDocuments.id, id));
  return row;
}

/** Counts one analysis attempt of a document still `analyzing`; undefined when it has settled. */
export async function countDiscoveryAttempt(db: Db, id: string): Promise<number | undefined> {
  const [row] = await db
    .update(discoveryDocuments)
    .set({ attempts: sql`${discoveryDocuments.attempts} + 1`, updatedAt: new Date() })
    .where(and(eq(discoveryDocuments.id, id), eq(discoveryDocuments.status, 'analyzing')))
    .returning({ attempts: discoveryDocuments.attempts });
  return row?.attempts;
}

/** analyzing -> ready (with the validated analysis) or failed (with the reason); once. */
export async function settleDiscovery(
  db: Db,
  id: string,
  outcome: { analysis: unknown } | { error: string },
): Promise<boolean> {
  const rows = await db
    .update(discoveryDocuments)
    .set(
      'analysis' in outcome
        ? { status: 'ready', analysis: outcome.analysis, error: null, updatedAt: new Date() }
        : { status: 'failed', error: outcome.error, updatedAt: new Date() },
    )
    .where(and(eq(discoveryDocuments.id, id), eq(discoveryDocuments.status, 'analyzing')))
    .returning({ id: discoveryDocuments.id });
  return rows.length > 0;
}

/** Documents waiting for analysis (the reconciler re-enqueues their jobs). */
export function listAnalyzingDiscoveries(db: Db): Promise<DiscoveryDocument[]> {
  return db.select().from(discoveryDocuments).where(eq(discoveryDocuments.status, 'analyzing'));
}
