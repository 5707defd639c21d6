import {
  listActivePlans,
  listAnalyzingDiscoveries,
  listPlansToIndex,
  listTasks,
  type Masterplan,
} from '@mge/db';
import { enqueue, enqueueAll } from '@mge/queue';
import { applyEffects } from './apply-effects.js';
import { effects, type Effects } from './effects.js';
import type { Resources } from './resources.js';
import { requeueDrafting } from '../stages/drafting.js';
import { requeueGeneration } from '../stages/finish-generation.js';

/**
 * Re-enqueues whatever an unfinished plan is waiting for, from Postgres alone (Redis is transient).
 * Safe to run any time from any process: job ids are deterministic and handlers idempotent.
 */
export async function reconcile(r: Resources): Promise<{ plans: number; jobs: number }> {
  const plans = await listActivePlans(r.db);
  let jobs = 0;
  for (const doc of await listAnalyzingDiscoveries(r.db)) {
    if (!doc.tenantId) continue;
    await enqueue(r.queues, 'discover', { discoveryId: doc.id, tenantId: doc.tenantId });
    jobs++;
  }
  for (const plan of plans) {
    const waiting = await waitingFor(r, plan);
    await applyEffects(r, waiting);
    jobs += waiting?.jobs.length ?? 0;
  }
  jobs += await reindexCompletedPlans(r);
  if (jobs > 0) r.logger.info({ plans: plans.length, jobs }, 'reconciler re-enqueued work');
  return { plans: plans.length, jobs };
}

/**
 * With retrieval on, completed plans not indexed yet (their `rag-index` job lost with Redis, failed
 * for good, or the plan completed while retrieval was off): their job again, a batch per pass.
 */
async function reindexCompletedPlans(r: Resources): Promise<number> {
  if (!r.config.rag.enabled) return 0;
  const plans = await listPlansToIndex(r.db);
  await enqueueAll(
    r.queues,
    plans.map(({ id }) => ({ queue: 'rag-index', payload: { planId: id }, again: true })),
  );
  return plans.length;
}

/** The jobs a plan in its current status waits for. */
async function waitingFor(r: Resources, plan: Masterplan): Promise<Effects | undefined> {
  const planId = plan.id;
  switch (plan.status) {
    case 'atomizing': {
      const pending = (await listTasks(r.db, planId)).filter((t) => t.status === 'pending');
      return effects(planId, {
        jobs: pending.map((t) => ({ queue: 'atomize', payload: { planId, taskId: t.id } })),
      });
    }
    case 'planning':
      return plan.discoveryId
        ? effects(planId, {
            jobs: [{ queue: 'masterplan', payload: { planId, discoveryId: plan.discoveryId } }],
          })
        : undefined;
    case 'drafting':
      return requeueDrafting(r.db, planId);
    case 'graphing':
      return effects(planId, { jobs: [{ queue: 'graph', payload: { planId } }] });
    case 'generating':
      return requeueGeneration(r.db, planId);
    case 'validating':
      return effects(planId, {
        jobs: [{ queue: 'validate', payload: { planId, round: plan.validationRound } }],
      });
    default:
      return undefined;
  }
}
