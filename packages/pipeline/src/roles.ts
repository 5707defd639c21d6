import type { Worker } from 'bullmq';
import { failPlan } from '@mge/db';
import {
  createWorker,
  type Closable,
  type JobContext,
  type Payload,
  type QueueName,
} from '@mge/queue';
import type { Config } from '@mge/config';
import { planEvent, publishProgress } from './progress.js';
import type { Resources } from './resources.js';
import { atomizeTask } from './stages/atomize.js';
import { buildGraph } from './stages/build-graph.js';
import { generateAtom } from './stages/generate.js';
import { generateTask } from './stages/generate-task.js';
import { validatePlan } from './stages/validate.js';

interface RoleDefinition<N extends QueueName> {
  queue: N;
  process: (r: Resources, payload: Payload<N>, context: JobContext) => Promise<void>;
  concurrency: (config: Config) => number;
  /**
   * Jobs call the LLM: rate-limit pauses, BullMQ's limiter, adaptive concurrency and cancellation
   * of a cancelled plan's in-flight jobs apply.
   */
  llm?: boolean;
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
    also: [
      role({
        queue: 'generate-task',
        process: generateTask,
        concurrency: (c) => c.concurrency.generateTask,
        llm: true,
      }),
    ],
  }),
  validator: role({
    queue: 'validate',
    process: validatePlan,
    concurrency: (c) => c.concurrency.validate,
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
  return {
    name,
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
    forceClose: async () => {
      await Promise.all(workers.map((w) => w.close(true)));
    },
  };
}

/** One queue's worker. A job that fails for good fails its plan with the reason. */
function startQueueWorker(definition: RoleDefinition<QueueName>, r: Resources): Worker {
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
      inFlight.set(jobId, payload.planId);
      try {
        await definition.process(r, payload, context);
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
      onFinalFailure: async (payload, error) => {
        const reason = `${definition.queue} job failed: ${error.message}`;
        if (await failPlan(r.db, payload.planId, reason))
          await publishProgress(r, payload.planId, [planEvent('failed', reason)]);
      },
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

/**
 * A plan cancelled anywhere in the fleet aborts this process's in-flight jobs for it (BullMQ job
 * cancellation hands the handler an aborted signal, which aborts the LLM call).
 */
function cancelOnPlanCancel(worker: Worker, inFlight: Map<string, string>, r: Resources): void {
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
function adaptConcurrency(worker: Worker, r: Resources, configured: number): void {
  const suggested = r.llm.suggestedConcurrency?.();
  const target =
    suggested === undefined ? configured : Math.max(1, Math.min(configured, suggested));
  if (worker.concurrency !== target) worker.concurrency = target;
}
