/**
 * The one query-key factory: keys are `[resource, tenant, params]`, so invalidating
 * `[resource, tenant]` (or with a subset of params) reaches every page and variant of a resource.
 */
export type Tenant = string;

export const keys = {
  plans: (t: Tenant, params: { status?: string; mode?: string; cursor?: string } = {}) =>
    ['plans', t, params] as const,
  plan: (t: Tenant, id: string) => ['plan', t, { id }] as const,
  atoms: (t: Tenant, planId: string) => ['atoms', t, { planId }] as const,
  atom: (t: Tenant, id: string) => ['atom', t, { id }] as const,
  /** Under the atom's key: invalidating the atom refetches its attempts too. */
  attempts: (t: Tenant, id: string) => ['atom', t, { id }, 'attempts'] as const,
  graph: (t: Tenant, planId: string) => ['dependency-graph', t, { planId }] as const,
  waves: (t: Tenant, planId: string) => ['execution-waves', t, { planId }] as const,
  reviewQueue: (t: Tenant, planId: string) => ['review-queue', t, { planId }] as const,
  me: (t: Tenant) => ['me', t] as const,
  users: (t: Tenant) => ['users', t] as const,
  apiKeys: (t: Tenant) => ['api-keys', t] as const,
  usage: (t: Tenant) => ['usage', t] as const,
  mode: (t: Tenant) => ['mode', t] as const,
  tenants: (t: Tenant) => ['tenants', t] as const,
  confidence: (t: Tenant) => ['confidence', t] as const,
  discovery: (t: Tenant, id: string) => ['discovery', t, { id }] as const,
  /** Under the plan's key: a live event about the plan refetches its MasterPlan too. */
  masterplan: (t: Tenant, id: string) => ['plan', t, { id }, 'masterplan'] as const,
  timeline: (t: Tenant, id: string) => ['plan', t, { id }, 'timeline'] as const,
  outputFiles: (t: Tenant, id: string) => ['plan', t, { id }, 'files'] as const,
  outputFile: (t: Tenant, id: string, path: string) =>
    ['plan', t, { id }, 'files', { path }] as const,
  masterplanDiff: (t: Tenant, id: string, from: number, to: number) =>
    ['plan', t, { id }, 'masterplan-diff', { from, to }] as const,
};

/** Every query that shows part of one plan: what a live event about the plan may change. */
export const planScopedKeys = (t: Tenant, planId: string) => [
  keys.plan(t, planId),
  keys.atoms(t, planId),
  keys.graph(t, planId),
  keys.waves(t, planId),
  keys.reviewQueue(t, planId),
];
