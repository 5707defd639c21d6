import {
  createWorker,
  type Closable,
  type JobContext,
  type Payload,
  type QueueName,
  type QueueWorker,
} from '@mge/queue';
import type { Config } from '@mge/config';
import { applyEffects } from './apply-effects.js';
import { type Effects } from './effects.js';
import { startBatchPoller } from './batch-poller.js';
import { failPlanForJob } from './job-failures.js';
import type { Resources } from './resources.js';
import { atomizeTask } from '../stages/atomize.js';
import { buildGraph } from '../stages/build-graph.js';
import { generateAtom } from '../stages/generate.js';
import { draftTask } from '../stages/drafting.js';
import { generateTask } from '../stages/generate-task.js';
import { indexCompletedPlan } from '../stages/index-plan.js';
import { validatePlan } from '../stages/validate.js';
import { discover, recordDiscoveryFailure } from '../planner/discover.js';
import { failPlanning, generateMasterplan } from '../planner/generate-masterplan.js';

interface RoleDefinition<N extends QueueName> {
  queue: N;
  /**
   * The stage: its transactions decide, and it returns what should happen after the last one
   * commits (publish, enqueue, finish), which the runner does.
   */
  process: (
    r: Resources,
    payload: Payload<N>,
    context: JobContext,
  ) => Promise<Effects | undefined | void>;
  concurrency: (config: Config) => number;
  /**
   * Jobs call the LLM: rate-limit pauses, BullMQ's limiter, adaptive concurrency and cancellation
   * of a cancelled plan's in-flight jobs apply.
   */
  llm?: boolean;
  /**
   * Records a job that failed for good; by default its plan fails with the reason (a `discover`
   * job has no plan: its document fails instead).
   */
  onFinalFailure?: (r: Resources, payload: Payload<N>, message: string) => Promise<unknown>;
  /** Further queues the role's process consumes, each with its own worker and concurrency. */
  also?: readonly AnyRoleDefinition[];
}

type AnyRoleDefinition = { [N in QueueName]: RoleDefinition<N> }[QueueName];

function role<N extends QueueName>(definition: RoleDefinition<N>): RoleDefinition<N> {
  return definition;
}

/**
 * Worker roles: each is its own Deployment in production; `mge up` runs them all. A role's
 * `queue` is the one its autoscaler follows.
 */
export const ROLES = {
  atomizer: role({
    queue: 'atomize',
    process: atomizeTask,
    concurrency: (c) => c.concurrency.atomize,
  }),
  'graph-builder': role({
    queue: 'graph',
    process: buildGraph,
    concurrency: (c) => c.concurrency.graph,
  }),
  executor: role({
    queue: 'generate',
    process: generateAtom,
    concurrency: (c) => c.concurrency.generate,
    llm: true,
    // MVP mode's whole-task generation is LLM work too, at the classic low concurrency.
    // Indexing completed plans lives with the role that retrieves (both need CHROMA_URL).
    also: [
      role({
        queue: 'generate-task',
        process: generateTask,
        concurrency: (c) => c.concurrency.generateTask,
        llm: true,
      }),
      role({
        queue: 'rag-index',
        process: indexCompletedPlan,
        concurrency: (c) => c.concurrency.ragIndex,
      }),
    ],
  }),
  validator: role({
    queue: 'validate',
    process: validatePlan,
    concurrency: (c) => c.concurrency.validate,
  }),
  /**
   * Requirements -> DiscoveryDocument -> MasterPlan -> drafted tasks (the front of the pipeline).
   */
  planner: role({
    queue: 'masterplan',
    process: generateMasterplan,
    concurrency: (c) => c.concurrency.planner,
    llm: true,
    onFinalFailure: (r, p, message) =>
      failPlanning(r, p.planId, `masterplan job failed: ${message}`),
    also: [
      role({
        queue: 'discover',
        process: discover,
        concurrency: (c) => c.concurrency.planner,
        llm: true,
        onFinalFailure: (r, p, message) =>
          recordDiscoveryFailure(r, p.discoveryId, `discover job failed: ${message}`),
      }),
      // An approved V2 plan's tasks without code, each drafted once its dependencies are.
      role({
        queue: 'draft',
        process: draftTask,
        concurrency: (c) => c.concurrency.planner,
        llm: true,
      }),
    ],
  }),
};

export type RoleName = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as RoleName[];

/** Every queue a role's process consumes, its main queue first. */
export function roleQueues(name: RoleName): QueueName[] {
  const definition: AnyRoleDefinition = ROLES[name];
  return [definition.queue, ...(definition.also ?? []).map((d) => d.queue)];
}

/** Starts a role's BullMQ workers (one per queue it consumes). */
export function startRole(name: RoleName, r: Resources): Closable {
  const definition: AnyRoleDefinition = ROLES[name];
  const workers = [definition, ...(definition.also ?? [])].map((d) =>
    startQueueWorker(d as RoleDefinition<QueueName>, r),
  );
  // Batch mode: the LLM roles also collect ended batches, so a fleet of any one of them (a
  // planner-only fleet drafting) collects its own (every replica may; each result is paid once).
  const poller = definition.llm ? sharedBatchPoller(r) : undefined;
  return {
    name,
    close: async () => {
      await Promise.all([...workers.map((w) => w.close()), poller?.close()]);
    },
    forceClose: async () => {
      await Promise.all([...workers.map((w) => w.close(true)), poller?.close()]);
    },
  };
}

/** The batch poller of each process (its resources), with the number of roles using it. */
const batchPollers = new WeakMap<Resources, { poller: Closable; roles: number }>();

/**
 * The process's batch poller, started by the first LLM role and closed with the last one: roles
 * run together (`mge up`) poll once, not once each. Undefined when batch mode is off.
 */
function sharedBatchPoller(r: Resources): Closable | undefined {
  const { batch } = r.config.llm;
  if (!r.batcher || !r.llm.batches || !batch) return undefined;
  let shared = batchPollers.get(r);
  if (!shared) {
    shared = { poller: startBatchPoller(r, r.llm.batches, batch.pollMs), roles: 0 };
    batchPollers.set(r, shared);
  }
  const used = shared;
  used.roles++;
  let released = false;
  return {
    name: 'batch-poller',
    close: async () => {
      if (released) return;
      released = true;
      if (--used.roles > 0) return;
      batchPollers.delete(r);
      await used.poller.close();
    },
  };
}

/** One queue's worker. A job that fails for good fails its plan with the reason. */
function startQueueWorker(definition: RoleDefinition<QueueName>, r: Resources): QueueWorker {
  /** job id -> plan id of the jobs this process is running. */
  const inFlight = new Map<string, string>();
  const configured = definition.concurrency(r.config);
  const llm = definition.llm === true;
  const worker = createWorker(
    definition.queue,
    async (payload, context) => {
      if (definition.queue === 'generate' && 'attempt' in payload)
        r.metrics.atomAttempts.inc({ attempt: String(payload.attempt) });
      const jobId = context.job.id ?? '';
      inFlight.set(jobId, ownerOf(payload));
      try {
        await applyEffects(r, (await definition.process(r, payload, context)) ?? undefined);
      } finally {
        inFlight.delete(jobId);
        if (llm) adaptConcurrency(worker, r, configured);
      }
    },
    {
      connection: r.workerConnection,
      prefix: r.config.queuePrefix,
      concurrency: configured,
      lockMs: r.config.jobLockMs,
      logger: r.logger,
      fair: r.fair,
      onFinalFailure: async (payload, error) => {
        if (definition.onFinalFailure) await definition.onFinalFailure(r, payload, error.message);
        else await failPlanForJob(r, definition.queue, ownerOf(payload), error.message);
      },
      watch: { queue: r.queues[definition.queue], stuckAfterMs: r.config.workerStuckMs },
      onSettled: (outcome, seconds) => {
        r.metrics.jobsTotal.inc({ queue: definition.queue, outcome });
        r.metrics.jobDuration.observe({ queue: definition.queue }, seconds);
      },
      ...(llm
        ? {
            rateLimiter: r.queues[definition.queue],
            limiter: r.config.llm.rateLimit && {
              max: r.config.llm.rateLimit.max,
              duration: r.config.llm.rateLimit.durationMs,
            },
          }
        : {}),
    },
  );
  if (llm) cancelOnPlanCancel(worker, inFlight, r);
  return worker;
}

/** The plan a job works for (a discovery job: its document, which no plan cancels). */
function ownerOf(payload: Payload<QueueName>): string {
  return 'planId' in payload ? payload.planId : payload.discoveryId;
}

/**
 * A plan cancelled anywhere in the fleet aborts this process's in-flight jobs for it (BullMQ job
 * cancellation hands the handler an aborted signal, which aborts the LLM call).
 */
function cancelOnPlanCancel(
  worker: QueueWorker,
  inFlight: Map<string, string>,
  r: Resources,
): void {
  r.signals
    .onCancel((planId) => {
      for (const [jobId, jobPlan] of inFlight)
        if (jobPlan === planId) worker.cancelJob(jobId, 'plan cancelled');
    })
    .catch((err: unknown) => r.logger.warn({ err }, 'cannot subscribe to plan cancellations'));
}

/**
 * Follows the LLM's rate-limit headers: never above the configured concurrency, lower while the
 * provider says the window is nearly spent (adaptive concurrency; 429s remain the backstop).
 */
function adaptConcurrency(worker: QueueWorker, r: Resources, configured: number): void {
  const suggested = r.llm.suggestedConcurrency?.();
  const target =
    suggested === undefined ? configured : Math.max(1, Math.min(configured, suggested));
  if (worker.concurrency !== target) worker.concurrency = target;
}
