import { Queue, type ConnectionOptions } from 'bullmq';
import { InvalidInputError, formatZodError } from '@mge/core';
import { QUEUE_NAMES, queueCatalog, type PayloadInput, type QueueName } from './catalog.js';

export type Queues = { readonly [N in QueueName]: Queue };

export interface QueueSettings {
  connection: ConnectionOptions;
  /** Redis key prefix; a unique one per test isolates runs. */
  prefix: string;
}

export function createQueues(settings: QueueSettings): Queues {
  const entries = QUEUE_NAMES.map((name) => [
    name,
    new Queue(name, { connection: settings.connection, prefix: settings.prefix }),
  ]);
  return Object.fromEntries(entries) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

function toJob<N extends QueueName>(name: N, payload: PayloadInput<N>) {
  const definition = queueCatalog[name];
  const parsed = definition.schema.safeParse(payload);
  if (!parsed.success) {
    throw new InvalidInputError(
      `refusing to enqueue an invalid ${name} job: ${formatZodError(parsed.error)}`,
    );
  }
  const data = parsed.data as never;
  return { name, data, opts: { ...definition.options, jobId: definition.jobId(data) } };
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
  await Promise.all(
    jobs.map(async ({ opts: { jobId } }) => {
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') await queue.remove(jobId);
    }),
  );
  if (jobs.length > 0) await queue.addBulk(jobs);
}
