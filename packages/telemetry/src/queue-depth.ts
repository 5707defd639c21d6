import { Gauge, type Registry } from 'prom-client';

/** The states an autoscaler and an operator care about; `completed` only grows and is left out. */
export const QUEUE_DEPTH_STATES = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'failed',
] as const;
export type QueueDepthState = (typeof QUEUE_DEPTH_STATES)[number];

/** What the gauge needs of a BullMQ `Queue` (structural, so telemetry does not depend on BullMQ). */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...states: QueueDepthState[]): Promise<Record<string, number>>;
}

/**
 * `mge_queue_jobs{queue,state}`, read from Redis at scrape time (one `getJobCounts` per queue).
 * `held` (when given) counts a queue's jobs held back by fair scheduling, not yet in BullMQ: the
 * `held` state, which autoscalers add to the open jobs (it is demand the queue does not show).
 * Every replica reports the same global count, so autoscalers aggregate with `max`, not `sum`:
 * `sum(max by (state) (mge_queue_jobs{queue="generate",state=~"waiting|prioritized|active"}))`.
 * A failed read drops the series instead of repeating a stale value that would hold a scale-up.
 */
export function registerQueueDepth(
  registry: Registry,
  queues: readonly CountableQueue[],
  held?: (queue: string) => Promise<number | undefined>,
): Gauge {
  return new Gauge({
    name: 'mge_queue_jobs',
    help: 'Jobs in each queue by state (held by fair scheduling, waiting, prioritized, active, delayed, failed)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        queues.map(async (queue) => {
          const counts = await queue.getJobCounts(...QUEUE_DEPTH_STATES).catch(() => undefined);
          if (!counts) return;
          for (const state of QUEUE_DEPTH_STATES)
            this.set({ queue: queue.name, state }, counts[state] ?? 0);
          const backlog = await held?.(queue.name).catch(() => undefined);
          if (backlog !== undefined) this.set({ queue: queue.name, state: 'held' }, backlog);
        }),
      );
    },
  });
}
