import { eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { usageEvents } from '../schema/index.js';

export type NewUsageEvent = typeof usageEvents.$inferInsert;

export async function recordUsage(db: Db, event: NewUsageEvent): Promise<void> {
  await db.insert(usageEvents).values(event);
}

export function listPlanUsage(db: Db, planId: string) {
  return db.select().from(usageEvents).where(eq(usageEvents.planId, planId));
}
