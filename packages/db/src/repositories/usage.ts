import type { Db } from '../client.js';
import { usageEvents } from '../schema/index.js';

export type NewUsageEvent = typeof usageEvents.$inferInsert;

export async function recordUsage(db: Db, event: NewUsageEvent): Promise<void> {
  await db.insert(usageEvents).values(event);
}
