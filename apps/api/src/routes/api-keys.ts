import { z } from 'zod';
import { issueApiKey, listApiKeys, revokeApiKey, type ApiKeyView } from '@mge/db';
import { ids } from '../request-parsing.js';
import { defineRoute } from '../route.js';

const keyBody = z.object({ role: z.enum(['admin', 'member']).default('member') }).strict();

function keyView(k: ApiKeyView) {
  return {
    id: k.id,
    prefix: k.prefix,
    role: k.role,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

/**
 * API keys for machines (CLI, CI, curl), managed by a tenant's admins: list (prefixes only),
 * create (the key is answered once), revoke (it stops authenticating at once).
 */
export const apiKeyRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v2/api-keys',
    summary: "The caller's tenant's API keys (prefixes, never the keys), newest first",
    tag: 'accounts',
    auth: 'admin',
    success: {
      status: 200,
      description: '`{ keys: [{ id, prefix, role, createdAt, revokedAt }] }`',
    },
    handler: async ({ caller, deps }) => ({
      keys: (await listApiKeys(deps.db, caller.tenantId)).map(keyView),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/api-keys',
    summary: "Create an API key in the caller's tenant; the answer is the only time it is shown",
    tag: 'accounts',
    auth: 'admin',
    body: keyBody,
    success: { status: 201, description: '`{ id, key, prefix, role, createdAt, revokedAt }`' },
    handler: async ({ caller, deps, body }) => {
      const issued = await issueApiKey(deps.db, caller.tenantId, body.role);
      deps.logger.info(
        {
          tenantId: caller.tenantId,
          prefix: issued.prefix,
          role: issued.role,
          by: caller.keyPrefix,
        },
        'API key created',
      );
      return { ...keyView(issued), key: issued.key };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v2/api-keys/{id}',
    summary: 'Revoke an API key of the caller’s tenant (idempotent)',
    tag: 'accounts',
    auth: 'admin',
    params: z.object({ id: ids.apiKey }),
    owns: 'apiKey',
    success: { status: 200, description: 'the key, revoked' },
    handler: async ({ caller, deps, apiKey }) => {
      const revoked = await revokeApiKey(deps.db, apiKey.id, deps.clock());
      deps.logger.info(
        { tenantId: caller.tenantId, prefix: apiKey.prefix, by: caller.keyPrefix },
        'API key revoked',
      );
      return keyView(revoked!);
    },
  }),
];
