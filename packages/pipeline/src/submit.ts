import type { PlanInput } from '@mge/core';
import { insertPlanWithTasks } from '@mge/db';
import { enqueueMany } from '@mge/queue';
import type { Resources } from './resources.js';

export interface Submission {
  planId: string;
  /** False when Redis refused the jobs: the plan is stored and the reconciler will enqueue it. */
  enqueued: boolean;
}

/** Stores a validated plan and its tasks in one transaction, then enqueues one atomize job per task. */
export async function submitPlan(
  r: Resources,
  tenantId: string,
  input: PlanInput,
): Promise<Submission> {
  const { plan, tasks } = await r.db.transaction((tx) =>
    insertPlanWithTasks(tx, { tenantId, input, defaultBudget: r.config.budget }),
  );
  try {
    await enqueueMany(
      r.queues,
      'atomize',
      tasks.map((t) => ({ planId: plan.id, taskId: t.id })),
    );
    return { planId: plan.id, enqueued: true };
  } catch (err) {
    r.logger.error({ err, planId: plan.id }, 'enqueue failed; the reconciler will retry');
    return { planId: plan.id, enqueued: false };
  }
}
