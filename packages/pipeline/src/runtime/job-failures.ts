import { QueueEvents } from 'bullmq';
import { failPlan } from '@mge/db';
import { QUEUE_NAMES, queueKeyPrefix, type Closable, type QueueName } from '@mge/queue';
import { applyEffects } from './apply-effects.js';
import { effects } from './effects.js';
import { planEvent } from './progress.js';
import type { Resources } from './resources.js';

/**
 * Records that a job failed for good: its plan fails with the reason (`<queue> job failed: ...`)
 * and live clients hear it. False when the plan is not in this database or already ended.
 */
export async function failPlanForJob(
  r: Resources,
  queue: QueueName,
  planId: string,
  message: string,
): Promise<boolean> {
  const reason = `${queue} job failed: ${message}`;
  if (!(await failPlan(r.db, planId, reason))) return false;
  await applyEffects(r, effects(planId, { events: [planEvent('failed', reason)] }));
  return true;
}

/**
 * Watches every queue for jobs that failed for good on any worker and fails their plans in this
 * process's database. The worker that failed a job records it in its own database; a process that
 * waits for a plan (`mge run`, `mge demo`) also records it in its own, so a job taken by a worker
 * that cannot see the plan (a fleet on another database sharing `MGE_QUEUE_PREFIX`) ends the wait
 * with the reason instead of leaving it hanging.
 */
export function watchJobFailures(r: Resources): Closable {
  const watchers = QUEUE_NAMES.map((queue) => {
    const events = new QueueEvents(queue, {
      connection: r.workerConnection,
      prefix: queueKeyPrefix(r.config.queuePrefix, queue, r.workerConnection),
    });
    events.on('failed', ({ jobId, failedReason }) => {
      void record(queue, jobId, failedReason).catch((err: unknown) =>
        r.logger.warn({ err, queue, jobId }, 'could not record a failed job'),
      );
    });
    events.on('error', (err) => r.logger.warn({ err, queue }, 'queue events error'));
    return events;
  });
  async function record(queue: QueueName, jobId: string, failedReason: string): Promise<void> {
    const job = await r.queues[queue].getJob(jobId);
    const planId = (job?.data as { planId?: unknown } | undefined)?.planId;
    if (typeof planId !== 'string') return;
    if (await failPlanForJob(r, queue, planId, failedReason))
      r.logger.error({ planId, queue, jobId, failedReason }, 'a job of a plan failed for good');
  }
  return {
    name: 'job-failure-watch',
    close: async () => {
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}
