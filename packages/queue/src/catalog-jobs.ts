import type { Queue } from 'bullmq';
import { InvalidInputError, formatZodError } from '@mge/core';
import { queueCatalog, type Payload, type PayloadInput, type QueueName } from './catalog.js';

/** A BullMQ job for `payload`: parsed against the catalog (refused when invalid), under its id. */
export function toJob<N extends QueueName>(name: N, payload: PayloadInput<N>) {
  const definition = queueCatalog[name];
  const parsed = definition.schema.safeParse(payload);
  if (!parsed.success) {
    throw new InvalidInputError(
      `refusing to enqueue an invalid ${name} job: ${formatZodError(parsed.error)}`,
    );
  }
  const data = parsed.data as Payload<N>;
  return { name, data, opts: { ...definition.options, jobId: definition.jobId(data as never) } };
}

/** Removes the finished (completed or failed) jobs among `jobIds`, so the same ids can be added. */
export async function removeFinished(queue: Queue, jobIds: readonly string[]): Promise<void> {
  await Promise.all(
    jobIds.map(async (jobId) => {
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') await queue.remove(jobId);
    }),
  );
}
