import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { discoveryDocuments } from '../schema/index.js';

export type DiscoveryDocument = typeof discoveryDocuments.$inferSelect;

/** Stores requirements text; `analysis` stays null until a planner analyses it. */
export async function insertDiscovery(
  db: Db,
  tenantId: string,
  requirements: string,
): Promise<DiscoveryDocument> {
  const [row] = await db.insert(discoveryDocuments).values({ tenantId, requirements }).returning();
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
