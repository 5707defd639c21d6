import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { apiKeys, tenants, type Tenant } from '../schema/index.js';

export type Role = 'admin' | 'member';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function ensureTenant(db: Db, name: string): Promise<Tenant> {
  await db.insert(tenants).values({ name }).onConflictDoNothing();
  const [tenant] = await db.select().from(tenants).where(eq(tenants.name, name));
  return tenant!;
}

/** Creates a key and returns it in clear text, the only time it exists outside a hash. */
export async function createApiKey(
  db: Db,
  tenantId: string,
  role: Role = 'member',
): Promise<string> {
  const key = `mge_${randomBytes(24).toString('base64url')}`;
  await db
    .insert(apiKeys)
    .values({ tenantId, keyHash: hashApiKey(key), prefix: key.slice(0, 8), role });
  return key;
}

export async function findApiKey(
  db: Db,
  key: string,
): Promise<{ tenantId: string; role: Role; prefix: string } | undefined> {
  const [row] = await db
    .select({ tenantId: apiKeys.tenantId, role: apiKeys.role, prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  return row;
}
