import { queryOptions } from '@tanstack/react-query';
import { tenantScope } from '../auth/session';
import { api, unwrap } from './client';
import { keys } from './keys';
import type {
  ApiKeyView,
  AtomAttempts,
  AtomDetail,
  ConfidenceReport,
  DiscoveryView,
  MasterplanDiff,
  MasterplanView,
  OutputFile,
  OutputFiles,
  PlanTimeline,
  AtomSummary,
  DependencyGraph,
  ExecutionWaves,
  Identity,
  ModeSetting,
  TenantOverview,
  ModeStats,
  Page,
  PlanListEntry,
  PlanView,
  PublicUser,
  ReviewQueue,
  Usage,
} from './types';
import type { PlanMode, PlanStatus } from '@mge/core/domain';

/** Query options per resource: the key from `keys`, the fetch from the typed client. */
export const queries = {
  plans: (params: { status?: PlanStatus; mode?: PlanMode; cursor?: string }) =>
    queryOptions({
      queryKey: keys.plans(tenantScope(), params),
      queryFn: () =>
        unwrap<Page<PlanListEntry>>(
          api.GET('/api/v2/plans', { params: { query: { limit: 20, ...params } } }),
        ),
    }),
  plan: (id: string) =>
    queryOptions({
      queryKey: keys.plan(tenantScope(), id),
      queryFn: () => unwrap<PlanView>(api.GET('/api/v2/plans/{id}', { params: { path: { id } } })),
    }),
  atoms: (planId: string) =>
    queryOptions({
      queryKey: keys.atoms(tenantScope(), planId),
      queryFn: () =>
        allPages<AtomSummary>((cursor) =>
          api.GET('/api/v2/atoms/{id}', {
            params: { path: { id: planId }, query: { limit: 200, cursor } },
          }),
        ),
    }),
  atom: (id: string) =>
    queryOptions({
      queryKey: keys.atom(tenantScope(), id),
      queryFn: () => unwrap<AtomDetail>(api.GET('/api/v2/atom/{id}', { params: { path: { id } } })),
    }),
  attempts: (id: string) =>
    queryOptions({
      queryKey: keys.attempts(tenantScope(), id),
      queryFn: () =>
        unwrap<AtomAttempts>(api.GET('/api/v2/atom/{id}/attempts', { params: { path: { id } } })),
    }),
  graph: (planId: string) =>
    queryOptions({
      queryKey: keys.graph(tenantScope(), planId),
      queryFn: () =>
        unwrap<DependencyGraph>(
          api.GET('/api/v2/dependency-graph/{id}', { params: { path: { id: planId } } }),
        ),
      retry: false,
    }),
  waves: (planId: string) =>
    queryOptions({
      queryKey: keys.waves(tenantScope(), planId),
      queryFn: () =>
        unwrap<ExecutionWaves>(
          api.GET('/api/v2/execution-waves/{id}', { params: { path: { id: planId } } }),
        ),
      retry: false,
    }),
  reviewQueue: (planId: string) =>
    queryOptions({
      queryKey: keys.reviewQueue(tenantScope(), planId),
      // One page of 500 (the API's maximum): a plan's review rows, open and resolved.
      queryFn: () =>
        unwrap<ReviewQueue>(
          api.GET('/api/v2/review-queue/{planId}', {
            params: { path: { planId }, query: { limit: 500 } },
          }),
        ),
    }),
  me: () =>
    queryOptions({
      queryKey: keys.me(tenantScope()),
      queryFn: () => unwrap<Identity>(api.GET('/api/v2/auth/me')),
    }),
  users: () =>
    queryOptions({
      queryKey: keys.users(tenantScope()),
      queryFn: () => unwrap<{ users: PublicUser[] }>(api.GET('/api/v2/users')),
    }),
  apiKeys: () =>
    queryOptions({
      queryKey: keys.apiKeys(tenantScope()),
      queryFn: () => unwrap<{ keys: ApiKeyView[] }>(api.GET('/api/v2/api-keys')),
    }),
  usage: () =>
    queryOptions({
      queryKey: keys.usage(tenantScope()),
      queryFn: () => unwrap<Usage>(api.GET('/api/v2/usage', { params: { query: {} } })),
    }),
  tenants: () =>
    queryOptions({
      queryKey: keys.tenants(tenantScope()),
      queryFn: () => unwrap<{ items: TenantOverview[] }>(api.GET('/api/v2/tenants')),
    }),
  confidence: () =>
    queryOptions({
      queryKey: keys.confidence(tenantScope()),
      queryFn: () => unwrap<ConfidenceReport>(api.GET('/api/v2/confidence')),
    }),
  mode: () =>
    queryOptions({
      queryKey: keys.mode(tenantScope()),
      queryFn: async () => {
        const [setting, stats] = await Promise.all([
          unwrap<ModeSetting>(api.GET('/api/v2/mode')),
          unwrap<ModeStats>(api.GET('/api/v2/mode/stats')),
        ]);
        return { setting, stats };
      },
    }),
  discovery: (id: string) =>
    queryOptions({
      queryKey: keys.discovery(tenantScope(), id),
      queryFn: () =>
        unwrap<DiscoveryView>(api.GET('/api/v1/discovery/{id}', { params: { path: { id } } })),
    }),
  masterplan: (id: string) =>
    queryOptions({
      queryKey: keys.masterplan(tenantScope(), id),
      queryFn: () =>
        unwrap<MasterplanView>(api.GET('/api/v1/masterplan/{id}', { params: { path: { id } } })),
    }),
  timeline: (id: string) =>
    queryOptions({
      queryKey: keys.timeline(tenantScope(), id),
      queryFn: () =>
        unwrap<PlanTimeline>(api.GET('/api/v2/plans/{id}/timeline', { params: { path: { id } } })),
    }),
  outputFiles: (id: string) =>
    queryOptions({
      queryKey: keys.outputFiles(tenantScope(), id),
      queryFn: () =>
        unwrap<OutputFiles>(api.GET('/api/v2/plans/{id}/files', { params: { path: { id } } })),
    }),
  outputFile: (id: string, path: string) =>
    queryOptions({
      queryKey: keys.outputFile(tenantScope(), id, path),
      queryFn: () =>
        unwrap<OutputFile>(
          api.GET('/api/v2/plans/{id}/file', { params: { path: { id }, query: { path } } }),
        ),
    }),
  masterplanDiff: (id: string, from: number, to: number) =>
    queryOptions({
      queryKey: keys.masterplanDiff(tenantScope(), id, from, to),
      queryFn: () =>
        unwrap<MasterplanDiff>(
          api.GET('/api/v1/masterplan/{id}/diff', {
            params: { path: { id }, query: { from, to } },
          }),
        ),
    }),
};

/** Every page of a `{ items, nextCursor }` list (a plan's atoms: hundreds, not millions). */
async function allPages<T>(
  page: (
    cursor: string | undefined,
  ) => Promise<{ data?: unknown; error?: unknown; response: Response }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await unwrap<Page<T>>(page(cursor));
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
