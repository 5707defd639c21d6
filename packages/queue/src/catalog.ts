import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

interface QueueDefinition<S extends z.ZodType> {
  schema: S;
  /** Deterministic job id: a duplicate `add` is a no-op while the job exists. */
  jobId: (payload: z.output<S>) => string;
  options: JobsOptions;
  /** Shared fairly between tenants when fair scheduling is on (see `createFairScheduler`). */
  fair?: boolean;
}

function define<S extends z.ZodType>(definition: QueueDefinition<S>): QueueDefinition<S> {
  return definition;
}

/**
 * BullMQ attempts here cover infrastructure hiccups (a dropped Redis or Postgres connection).
 * An atom's generation attempts (with error feedback) are separate jobs: `atom:<id>:<attempt>`.
 */
const transientRetries: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

const planId = z.uuid();

/** Every queue MGE uses: name -> payload schema, job id and default options. */
export const queueCatalog = {
  atomize: define({
    schema: z.object({ planId, taskId: z.uuid() }),
    jobId: (p) => `atomize:${p.planId}:${p.taskId}`,
    options: transientRetries,
  }),
  graph: define({
    schema: z.object({ planId }),
    jobId: (p) => `graph:${p.planId}:1`,
    options: transientRetries,
  }),
  generate: define({
    schema: z.object({ planId, atomId: z.uuid(), attempt: z.number().int().min(1) }),
    jobId: (p) => `atom:${p.atomId}:${p.attempt}`,
    options: transientRetries,
    fair: true,
  }),
  /** MVP mode: one whole task per attempt (`task:<id>:<attempt>`), consumed by the executor role. */
  'generate-task': define({
    schema: z.object({ planId, taskId: z.uuid(), attempt: z.number().int().min(1) }),
    jobId: (p) => `task:${p.taskId}:${p.attempt}`,
    options: transientRetries,
    fair: true,
  }),
  /**
   * Planner: one drafting attempt of a task without code in a V2 plan (`draft:<taskId>:<attempt>`),
   * enqueued once the tasks it depends on are drafted.
   */
  /**
   * With `test` (and no `taskId`): one test-designer attempt of a planned test file without code
   * (`design:<planId>/<file, URI-encoded>:<attempt>`: BullMQ allows three `:`-parts), enqueued when drafting starts, independent of the drafts.
   */
  draft: define({
    schema: z
      .object({
        planId,
        taskId: z.uuid().optional(),
        test: z.string().min(1).max(500).optional(),
        attempt: z.number().int().min(1),
      })
      .refine((p) => (p.taskId === undefined) !== (p.test === undefined), {
        message: 'a draft job names either a taskId or a test file',
      }),
    jobId: (p) =>
      p.test !== undefined
        ? `design:${p.planId}/${encodeURIComponent(p.test)}:${p.attempt}`
        : `draft:${p.taskId}:${p.attempt}`,
    options: transientRetries,
  }),
  /**
   * A completed plan's validated atoms and tasks indexed for retrieval by its tenant's next plans
   * (replacing what an earlier run of this job indexed).
   */
  'rag-index': define({
    schema: z.object({ planId }),
    jobId: (p) => `rag-index:${p.planId}:1`,
    options: transientRetries,
  }),
  validate: define({
    schema: z.object({ planId, round: z.number().int().min(1).default(1) }),
    jobId: (p) => `validate:${p.planId}:${p.round}`,
    options: transientRetries,
  }),
  /** Planner: requirements -> DiscoveryDocument (`discover:<documentId>:1`; no plan exists yet). */
  discover: define({
    schema: z.object({ discoveryId: z.uuid(), tenantId: z.uuid() }),
    jobId: (p) => `discover:${p.discoveryId}:1`,
    options: transientRetries,
  }),
  /** Planner: DiscoveryDocument -> MasterPlan for a plan in `planning` (`masterplan:<planId>:1`). */
  masterplan: define({
    schema: z.object({ planId, discoveryId: z.uuid() }),
    jobId: (p) => `masterplan:${p.planId}:1`,
    options: transientRetries,
  }),
};

export type QueueCatalog = typeof queueCatalog;
export type QueueName = keyof QueueCatalog;
export type Payload<N extends QueueName> = z.output<QueueCatalog[N]['schema']>;
export type PayloadInput<N extends QueueName> = z.input<QueueCatalog[N]['schema']>;
export const QUEUE_NAMES = Object.keys(queueCatalog) as QueueName[];
/** The queues whose jobs are shared fairly between tenants (the LLM work). */
export const FAIR_QUEUES = QUEUE_NAMES.filter((name) => queueCatalog[name].fair === true);
