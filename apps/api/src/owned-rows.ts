import {
  findApiKeyForTenant,
  findAtomForTenant,
  findConversationForTenant,
  findDiscoveryForTenant,
  findPlanForTenant,
  findTaskForTenant,
  findUserForTenant,
  type Db,
} from '@mge/db';
import type { OwnedRows, Owner } from './route.js';

/**
 * The one tenant-ownership lookup per kind: another tenant's row is as missing as no row. The
 * route registrar (`owns`) and the live-progress upgrade both ask here.
 */
export const OWNED_LOOKUPS: {
  [O in Owner]: (db: Db, id: string, tenantId: string) => Promise<OwnedRows[O] | undefined>;
} = {
  plan: async (db, id, tenantId) => {
    const plan = await findPlanForTenant(db, id, tenantId);
    return plan && { plan };
  },
  task: findTaskForTenant,
  atom: findAtomForTenant,
  user: async (db, id, tenantId) => {
    const user = await findUserForTenant(db, id, tenantId);
    return user && { user };
  },
  conversation: async (db, id, tenantId) => {
    const conversation = await findConversationForTenant(db, id, tenantId);
    return conversation && { conversation };
  },
  discovery: async (db, id, tenantId) => {
    const discovery = await findDiscoveryForTenant(db, id, tenantId);
    return discovery && { discovery };
  },
  apiKey: async (db, id, tenantId) => {
    const apiKey = await findApiKeyForTenant(db, id, tenantId);
    return apiKey && { apiKey };
  },
};
