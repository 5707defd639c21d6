import { atomSummary, sharedAtomizerPool } from '@mge/atomizer';
import { InvalidInputError, NotFoundError } from '@mge/core';
import {
  decrementTasksRemaining,
  failPlan,
  findPlan,
  findTask,
  insertAtoms,
  settleTask,
  transitionPlan,
} from '@mge/db';
import { enqueue, type JobContext, type Payload } from '@mge/queue';
import { planEvent, publishProgress } from '../progress.js';
import type { Resources } from '../resources.js';

/**
 * atomize(task): parse the task's drafted code into atoms and store them. The task that brings
 * the plan's `tasksRemaining` to zero moves the plan to `graphing` in the same transaction.
 */
export async function atomizeTask(
  r: Resources,
  { planId, taskId }: Payload<'atomize'>,
  { logger }: JobContext,
): Promise<void> {
  const task = await findTask(r.db, taskId);
  if (!task) throw new NotFoundError('task', taskId);
  const plan = await findPlan(r.db, planId);
  if (task.status !== 'pending' || plan?.status !== 'atomizing') {
    logger.info(
      { taskStatus: task.status, planStatus: plan?.status },
      'nothing to do: task already settled',
    );
    return;
  }

  let atoms;
  try {
    // Parsing is CPU-bound: on a worker thread, so this job's lock keeps being renewed.
    atoms = (await sharedAtomizerPool().atomize(task.code, task.file)).atoms;
  } catch (error) {
    if (error instanceof InvalidInputError) {
      const reason = `task "${task.key}": ${error.message}`;
      const failed = await r.db.transaction(async (tx) => {
        await settleTask(tx, taskId, 'failed', error.message);
        return failPlan(tx, planId, reason);
      });
      await publishProgress(r, planId, [
        { type: 'task', taskId, status: 'failed' },
        ...(failed ? [planEvent('failed', reason)] : []),
      ]);
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
    const graphing = left === 0 && (await transitionPlan(tx, planId, ['atomizing'], 'graphing'));
    return { left, graphing };
  });
  if (!settled) return;
  logger.info({ atoms: atoms.length, tasksRemaining: settled.left }, 'task atomized');
  await publishProgress(r, planId, [
    { type: 'task', taskId, status: 'atomized' },
    ...(settled.graphing ? [planEvent('graphing')] : []),
  ]);
  if (settled.left === 0) await enqueue(r.queues, 'graph', { planId });
}
