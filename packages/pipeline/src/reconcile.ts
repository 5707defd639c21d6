import { listActivePlans, listTasks } from '@mge/db';
import { enqueue, enqueueMany } from '@mge/queue';
import type { Resources } from './resources.js';
import { requeueGeneration } from './stages/settle-atom.js';

/**
 * Re-enqueues whatever an unfinished plan is waiting for, from Postgres alone (Redis is transient).
 * Safe to run any time from any process: job ids are deterministic and handlers idempotent.
 */
export async function reconcile(r: Resources): Promise<{ plans: number; jobs: number }> {
  const plans = await listActivePlans(r.db);
  let jobs = 0;
  for (const plan of plans) {
    switch (plan.status) {
      case 'atomizing': {
        const pending = (await listTasks(r.db, plan.id)).filter((t) => t.status === 'pending');
        await enqueueMany(
          r.queues,
          'atomize',
          pending.map((t) => ({ planId: plan.id, taskId: t.id })),
        );
        jobs += pending.length;
        break;
      }
      case 'graphing':
        await enqueue(r.queues, 'graph', { planId: plan.id });
        jobs++;
        break;
      case 'generating':
        jobs += await requeueGeneration(r, plan.id);
        break;
      case 'validating':
        await enqueue(r.queues, 'validate', { planId: plan.id, round: plan.validationRound });
        jobs++;
        break;
      default:
        break;
    }
  }
  if (jobs > 0) r.logger.info({ plans: plans.length, jobs }, 'reconciler re-enqueued work');
  return { plans: plans.length, jobs };
}
