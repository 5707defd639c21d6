import { Queue, type ConnectionOptions } from 'bullmq';
import { QUEUE_NAMES, type PayloadInput, type QueueName } from './catalog.js';
import { removeFinished, toJob } from './catalog-jobs.js';
import type { FairScheduler } from './fair-scheduler.js';
import { queueKeyPrefix } from './connection.js';

export type Queues = { readonly [N in QueueName]: Queue };

export interface QueueSettings {
  connection: ConnectionOptions;
  /** Redis key prefix; a unique one per test isolates runs. */
  prefix: string;
}

export function createQueues(settings: QueueSettings): Queues {
  const entries = QUEUE_NAMES.map((name) => [
    name,
    new Queue(name, {
      connection: settings.connection,
      prefix: queueKeyPrefix(settings.prefix, name, settings.connection),
    }),
  ]);
  return Object.fromEntries(entries) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

/** Validates the payload against the catalog, then adds it under its deterministic job id. */
export async function enqueue<N extends QueueName>(
  queues: Queues,
  name: N,
  payload: PayloadInput<N>,
): Promise<void> {
  const job = toJob(name, payload);
  await queues[name].add(job.name, job.data, job.opts);
}

/**
 * One job to add: a queue and its payload. `again` marks a job that may already have run without
 * doing its work (see `enqueueAgain`).
 */
export type EnqueueRequest = {
  [N in QueueName]: { queue: N; payload: PayloadInput<N>; again?: boolean };
}[QueueName];

/** Fair sharing for `enqueueAll`: the scheduler and how to find the tenant of a job's plan. */
export interface FairEnqueue {
  scheduler: FairScheduler;
  /** The tenant whose share a plan's jobs use (`NO_TENANT` for plans without one). */
  tenantOf: (planId: string) => Promise<string>;
}

/**
 * Adds many jobs of any queues: every payload is parsed first (nothing is added if one is
 * invalid), then one `addBulk` per queue, in the order the queues first appear. With `fair`, jobs
 * of the scheduler's queues go to their tenants' backlogs instead (see `createFairScheduler`),
 * except those already in flight, which are added as before.
 */
export async function enqueueAll(
  queues: Queues,
  requests: readonly EnqueueRequest[],
  fair?: FairEnqueue,
): Promise<void> {
  const jobs = requests.map((r) => ({ ...r, job: toJob(r.queue, r.payload as never) }));
  const byQueue = new Map<QueueName, typeof jobs>();
  for (const job of jobs) byQueue.set(job.queue, [...(byQueue.get(job.queue) ?? []), job]);
  await Promise.all(
    [...byQueue].map(async ([name, group]) => {
      const direct = fair?.scheduler.queues.has(name) ? await holdFairly(fair, name, group) : group;
      const again = direct.filter((j) => j.again === true);
      if (again.length > 0)
        await removeFinished(
          queues[name],
          again.map((j) => j.job.opts.jobId),
        );
      const all = [...direct.filter((j) => j.again !== true), ...again].map((j) => j.job);
      if (all.length > 0) await queues[name].addBulk(all);
    }),
  );
}

/**
 * Holds a fair queue's jobs in their tenants' backlogs; returns those already in flight. Fair
 * queues' payloads name their plan (the catalog's `fair` queues all carry `planId`).
 */
async function holdFairly<J extends { job: { data: object }; again?: boolean }>(
  fair: FairEnqueue,
  name: QueueName,
  group: readonly J[],
): Promise<J[]> {
  const planOf = (j: J) => (j.job.data as { planId: string }).planId;
  const tenants = new Map<string, string>();
  for (const j of group)
    if (!tenants.has(planOf(j))) tenants.set(planOf(j), await fair.tenantOf(planOf(j)));
  const held = group.map((j) => ({
    tenant: tenants.get(planOf(j))!,
    payload: j.job.data as { planId: string },
    again: j.again === true,
    request: j,
  }));
  const inFlight = await fair.scheduler.hold(name, held);
  return inFlight.map((h) => (h as (typeof held)[number]).request);
}

export async function enqueueMany<N extends QueueName>(
  queues: Queues,
  name: N,
  payloads: readonly PayloadInput<N>[],
): Promise<void> {
  if (payloads.length === 0) return;
  await queues[name].addBulk(payloads.map((p) => toJob(name, p)));
}

/**
 * Enqueues jobs that may already have run without doing their work (their plan was paused or
 * failed then, and Postgres says the work is still open): BullMQ ignores an add whose id exists,
 * so a finished job with the same id is removed first. Active and waiting jobs are left alone.
 */
export async function enqueueAgain<N extends QueueName>(
  queues: Queues,
  name: N,
  payloads: readonly PayloadInput<N>[],
): Promise<void> {
  const queue = queues[name];
  const jobs = payloads.map((p) => toJob(name, p));
  await removeFinished(
    queue,
    jobs.map((j) => j.opts.jobId),
  );
  if (jobs.length > 0) await queue.addBulk(jobs);
}
