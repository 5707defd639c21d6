import { createHash, randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { apiKeys, masterplans, tenants, type ApiKey, type Tenant } from '../schema/index.js';

export type Role = 'admin' | 'member';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A fresh random secret (a key or a one-time token): 32 bytes of entropy, URL-safe. */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export async function ensureTenant(db: Db, name: string): Promise<Tenant> {
  await db.insert(tenants).values({ name }).onConflictDoNothing();
  const [tenant] = await db.select().from(tenants).where(eq(tenants.name, name));
  return tenant!;
}

/** A tenant as the fleet's admins see it: its mode override, its plans and what they spent. */
export interface TenantOverview {
  id: string;
  name: string;
  modeOverride: Tenant['modeOverride'];
  createdAt: Date;
  plans: number;
  spentDollars: number;
  spentTokens: number;
}

/** Every tenant, oldest first, with its plans and spending (one grouped query). */
export async function listTenantOverviews(db: Db): Promise<TenantOverview[]> {
  const rows = await db
    .select({
      id: tenants.id,
      name: tenants.name,
      modeOverride: tenants.modeOverride,
      createdAt: tenants.createdAt,
      plans: count(masterplans.id),
      spentDollars: sql<string>`coalesce(sum(${masterplans.spentDollars}), 0)`,
      spentTokens: sql<string>`coalesce(sum(${masterplans.spentTokens}), 0)`,
    })
    .from(tenants)
    .leftJoin(masterplans, eq(masterplans.tenantId, tenants.id))
    .groupBy(tenants.id)
    .orderBy(asc(tenants.createdAt), asc(tenants.name));
  return rows.map((r) => ({
    ...r,
    spentDollars: Number(r.spentDollars),
    spentTokens: Number(r.spentTokens),
  }));
}

/** An API key as an admin sees it: never the key, only its public prefix. */
export type ApiKeyView = Pick<ApiKey, 'id' | 'prefix' | 'role' | 'createdAt' | 'revokedAt'>;

const keyView = {
  id: apiKeys.id,
  prefix: apiKeys.prefix,
  role: apiKeys.role,
  createdAt: apiKeys.createdAt,
  revokedAt: apiKeys.revokedAt,
};

/** Creates a key; the answer holds it in clear text, the only time it exists outside a hash. */
export async function issueApiKey(
  db: Db,
  tenantId: string,
  role: Role = 'member',
): Promise<ApiKeyView & { key: string }> {
  const key = `mge_${randomBytes(24).toString('base64url')}`;
  const [row] = await db
    .insert(apiKeys)
    .values({ tenantId, keyHash: hashApiKey(key), prefix: key.slice(0, 8), role })
    .returning(keyView);
  return { ...row!, key };
}

/** Creates a key and returns it in clear text, the only time it exists outside a hash. */
export async function createApiKey(
  db: Db,
  tenantId: string,
  role: Role = 'member',
): Promise<string> {
  return (await issueApiKey(db, tenantId, role)).key;
}

/** The tenant's keys, newest first, revoked ones included. */
export function listApiKeys(db: Db, tenantId: string): Promise<ApiKeyView[]> {
  return db
    .select(keyView)
    .from(apiKeys)
    .where(eq(apiKeys.tenantId, tenantId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function findApiKeyForTenant(
  db: Db,
  id: string,
  tenantId: string,
): Promise<ApiKeyView | undefined> {
  const [row] = await db
    .select(keyView)
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId)));
  return row;
}

/** Revokes a key (it stops authenticating at once); a revoked key keeps its first revocation time. */
export async function revokeApiKey(db: Db, id: string, at: Date): Promise<ApiKeyView | undefined> {
  await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  const [row] = await db.select(keyView).from(apiKeys).where(eq(apiKeys.id, id));
  return row;
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
