import { createHash } from 'node:crypto';

/** Chroma's rule for collection names: 3-512 of [A-Za-z0-9._-], alphanumeric at both ends. */
const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$/;

/** Why `name` cannot be a Chroma collection, or undefined when it can. */
export function collectionNameProblem(name: string): string | undefined {
  return COLLECTION_NAME.test(name) && !name.includes('..')
    ? undefined
    : '3-512 letters, digits, ".", "_" or "-", starting and ending with a letter or digit';
}

/** What a tenant's retrieval draws on: its completed plans, the bundled examples, its uploads. */
export const RAG_SOURCES = ['plans', 'examples', 'documents'] as const;
export type RagSource = (typeof RAG_SOURCES)[number];

/**
 * The collection of one tenant and source: tenants never share a collection, so one tenant's code
 * cannot be retrieved for another. Tenant ids are reduced to Chroma's alphabet.
 */
export function tenantCollection(tenantId: string, source: RagSource): string {
  const slug = tenantId.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 400);
  // Two ids that reduce to one slug (`a b`, `a-b`) must still get two collections.
  const exact =
    slug === tenantId ? '' : `-${createHash('sha256').update(tenantId).digest('hex').slice(0, 12)}`;
  return `mge-${slug}${exact}-${source}`;
}

/** The bundled examples: one collection every tenant's retrieval reads (and none writes). */
export const SHARED_EXAMPLES = 'mge-shared-examples';
