import { countAtomsByStatus, findPlan, listOpenAtoms, transitionPlan, type Db } from '@mge/db';
import { enqueue, enqueueAgain } from '@mge/queue';
import { planEvent, publishProgress } from '../progress.js';
import type { Resources } from '../resources.js';
import { requeueTasks } from './generate-task.js';

/**
 * Called when a plan's `atomsRemaining` reaches zero: every atom is validated (go to
 * validation) or some failed and their dependents are blocked (wait for human review).
 */
export async function finishGeneration(r: Resources, planId: string): Promise<void> {
  const counts = await countAtomsByStatus(r.db, planId);
  const unresolved = (counts.failed ?? 0) + (counts.blocked ?? 0);
  if (unresolved > 0) {
    const error = `${counts.failed ?? 0} atom(s) failed every attempt and ${counts.blocked ?? 0} depend on them; see the review queue`;
    if (await transitionPlan(r.db, planId, ['generating'], 'needs_review', { error }))
      await publishProgress(r, planId, [planEvent('needs_review', error)]);
    return;
  }
  if (await moveToValidation(r.db, planId)) {
    await publishProgress(r, planId, [planEvent('validating')]);
    // A targeted repair (stages/repair.ts) started a later round; its job id must be new.
    const round = (await findPlan(r.db, planId))?.validationRound ?? 1;
    await enqueue(r.queues, 'validate', { planId, round });
  }
}

function moveToValidation(db: Db, planId: string): Promise<boolean> {
  return transitionPlan(db, planId, ['generating'], 'validating');
}

/**
 * Enqueues whatever a generating plan waits for, from Postgres: `ready` atoms for their next
 * attempt, `running` ones for the same attempt (idempotent), and validation when nothing is left.
 * Shared by the reconciler and `resume` (an MVP plan waits for tasks instead). Returns how many
 * generate jobs it enqueued.
 */
export async function requeueGeneration(r: Resources, planId: string): Promise<number> {
  const plan = await findPlan(r.db, planId);
  if (plan?.mode === 'mvp') return requeueTasks(r, plan);
  const open = await listOpenAtoms(r.db, planId);
  // A job that ran while the plan was paused returned without work: run it again under its id.
  await enqueueAgain(
    r.queues,
    'generate',
    open.map((a) => ({
      planId,
      atomId: a.id,
      attempt: a.status === 'ready' ? a.attempt + 1 : a.attempt,
    })),
  );
  if ((await findPlan(r.db, planId))?.atomsRemaining === 0) await finishGeneration(r, planId);
  return open.length;
}
