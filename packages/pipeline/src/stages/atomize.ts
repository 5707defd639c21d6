import { atomSummary } from '@mge/atomizer';
import { InvalidInputError, NotFoundError } from '@mge/core';
import {
  decrementTasksRemaining,
  findPlan,
  findTask,
  insertAtoms,
  settleTask,
  transitionPlan,
} from '@mge/db';
import type { JobContext, Payload } from '@mge/queue';
import { applyEffects } from '../runtime/apply-effects.js';
import { effects, type Effects } from '../runtime/effects.js';
import { planEvent } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';

/**
 * atomize(task): parse the task's drafted code into atoms and store them. The task that brings
 * the plan's `tasksRemaining` to zero moves the plan to `graphing` in the same transaction.
 */
export async function atomizeTask(
  r: Resources,
  { planId, taskId }: Payload<'atomize'>,
  { logger }: JobContext,
): Promise<Effects | undefined> {
  const task = await findTask(r.db, taskId);
  if (!task) throw new NotFoundError('task', taskId);
  const plan = await findPlan(r.db, planId);
  if (task.status !== 'pending' || plan?.status !== 'atomizing') {
    logger.info(
      { taskStatus: task.status, planStatus: plan?.status },
      'nothing to do: task already settled',
    );
    return undefined;
  }

  let atoms;
  try {
    // Parsing is CPU-bound: on a worker thread, so this job's lock keeps being renewed.
    atoms = (await r.atomizer.atomize(task.code, task.file)).atoms;
  } catch (error) {
    if (error instanceof InvalidInputError) {
      const reason = `task "${task.key}": ${error.message}`;
      const failed = await r.db.transaction(async (tx) => {
        await settleTask(tx, taskId, 'failed', error.message);
        return transitionPlan(tx, planId, 'fail', { error: reason });
      });
      // The job fails for good below, so its effects are applied here.
      await applyEffects(
        r,
        effects(planId, {
          events: [
            { type: 'task', taskId, status: 'failed' },
            ...(failed ? [planEvent('failed', reason)] : []),
          ],
        }),
      );
    }
    throw error;
  }

  const settled = await r.db.transaction(async (tx) => {
    if (!(await settleTask(tx, taskId, 'atomized'))) return undefined;
    await insertAtoms(
      tx,
      atoms.map((a) => ({
        masterplanId: planId,
        taskId,
        ordinal: a.ordinal,
        file: task.file,
        ...atomSummary(a),
        defines: a.defines,
        uses: a.uses,
        draftCode: a.code,
      })),
    );
    const left = await decrementTasksRemaining(tx, planId);
    const graphing = left === 0 && (await transitionPlan(tx, planId, 'atomized'));
    return { left, graphing };
  });
  if (!settled) return undefined;
  logger.info({ atoms: atoms.length, tasksRemaining: settled.left }, 'task atomized');
  return effects(planId, {
    events: [
      { type: 'task', taskId, status: 'atomized' },
      ...(settled.graphing ? [planEvent('graphing')] : []),
    ],
    jobs: settled.left === 0 ? [{ queue: 'graph', payload: { planId } }] : [],
  });
}
