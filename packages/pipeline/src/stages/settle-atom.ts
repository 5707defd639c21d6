import { countAtomsByStatus, findPlan, listOpenAtoms, transitionPlan, type Db } from '@mge/db';
import { enqueue, enqueueMany } from '@mge/queue';
import type { Resources } from '../resources.js';

/**
 * Called when a plan's `atomsRemaining` reaches zero: every atom is validated (go to
 * validation) or some failed and their dependents are blocked (wait for human review).
 */
export async function finishGeneration(r: Resources, planId: string): Promise<void> {
  const counts = await countAtomsByStatus(r.db, planId);
  const unresolved = (counts.failed ?? 0) + (counts.blocked ?? 0);
  if (unresolved > 0) {
    await transitionPlan(r.db, planId, ['generating'], 'needs_review', {
      error: `${counts.failed ?? 0} atom(s) failed every attempt and ${counts.blocked ?? 0} depend on them; see the review queue`,
    });
    return;
  }
  if (await moveToValidation(r.db, planId)) {
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
 * Shared by the reconciler and `resume`. Returns how many generate jobs it enqueued.
 */
export async function requeueGeneration(r: Resources, planId: string): Promise<number> {
  const open = await listOpenAtoms(r.db, planId);
  await enqueueMany(
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
