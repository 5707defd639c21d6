import { eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { installation } from '../schema/index.js';

/**
 * This database's random identity (written by the migration that created the table; written here
 * too if someone deleted the row). Every process on this database reads the same id.
 */
export async function getInstallationId(db: Db): Promise<string> {
  await db.insert(installation).values({ id: 1 }).onConflictDoNothing();
  const [row] = await db
    .select({ id: installation.installationId })
    .from(installation)
    .where(eq(installation.id, 1));
  return row!.id;
}
