import { ConflictError, NotFoundError } from '@mge/core';
import { countTasksByStatus, findTaskForTenant, reopenTaskForRetry } from '@mge/db';
import { applyEffects } from '../runtime/apply-effects.js';
import { effects } from '../runtime/effects.js';
import { planEvent, taskEvent } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';
import { requeueGeneration } from '../stages/finish-generation.js';

export interface TaskRetry {
  taskId: string;
  planId: string;
  /** The attempt now enqueued: one beyond the attempts made, and final. */
  attempt: number;
  planStatus: 'generating';
}

/**
 * `POST /api/v1/task/:id/retry`: one more attempt for a task of a failed MVP plan, which reopens
 * the plan. Allowed for a failed task, or for a generated one when the plan failed validation
 * (no task failed), so that its file is written again.
 */
export async function retryTask(
  r: Resources,
  tenantId: string,
  taskId: string,
): Promise<TaskRetry> {
  const found = await findTaskForTenant(r.db, taskId, tenantId);
  if (!found) throw new NotFoundError('task', taskId);
  const { task, plan } = found;
  if (plan.mode !== 'mvp')
    throw new ConflictError(
      `task ${taskId} belongs to a v2 plan; failed atoms are retried from the review queue`,
    );
  if (plan.status !== 'failed')
    throw new ConflictError(
      `plan ${plan.id} is ${plan.status}; only a failed plan's tasks are retried`,
    );
  const failedTasks = (await countTasksByStatus(r.db, plan.id)).failed ?? 0;
  if (task.status !== 'failed' && !(task.status === 'generated' && failedTasks === 0))
    throw new ConflictError(
      `task ${taskId} is ${task.status}; retry the failed task(s) of plan ${plan.id}`,
    );
  await r.db.transaction(async (tx) => {
    // A concurrent retry or a plan that moved meanwhile: roll the task back too.
    if (!(await reopenTaskForRetry(tx, task, plan)))
      throw new ConflictError(`task ${taskId} or its plan changed meanwhile; try again`);
  });
  const requeue = await requeueGeneration(r.db, plan.id);
  await applyEffects(
    r,
    effects(
      plan.id,
      { events: [taskEvent(taskId, 'pending', task.attempt), planEvent('generating')] },
      requeue ?? {},
    ),
  );
  return { taskId, planId: plan.id, attempt: task.attempt + 1, planStatus: 'generating' };
}
