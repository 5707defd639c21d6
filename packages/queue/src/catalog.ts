import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

interface QueueDefinition<S extends z.ZodType> {
  schema: S;
  /** Deterministic job id: a duplicate `add` is a no-op while the job exists. */
  jobId: (payload: z.output<S>) => string;
  options: JobsOptions;
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
  }),
  /** MVP mode: one whole task per attempt (`task:<id>:<attempt>`), consumed by the executor role. */
  'generate-task': define({
    schema: z.object({ planId, taskId: z.uuid(), attempt: z.number().int().min(1) }),
    jobId: (p) => `task:${p.taskId}:${p.attempt}`,
    options: transientRetries,
  }),
  validate: define({
    schema: z.object({ planId, round: z.number().int().min(1).default(1) }),
    jobId: (p) => `validate:${p.planId}:${p.round}`,
    options: transientRetries,
  }),
};

export type QueueCatalog = typeof queueCatalog;
export type QueueName = keyof QueueCatalog;
export type Payload<N extends QueueName> = z.output<QueueCatalog[N]['schema']>;
export type PayloadInput<N extends QueueName> = z.input<QueueCatalog[N]['schema']>;
export const QUEUE_NAMES = Object.keys(queueCatalog) as QueueName[];
