import { ACTIVE_PLAN_STATUSES, InvalidInputError, NotFoundError } from '@mge/core';
import { findPlan, releaseWave, setPlanBudget, transitionPlan } from '@mge/db';
import { enqueueMany } from '@mge/queue';
import { atomEvents, planEvent, publishProgress } from './progress.js';
import type { Resources } from './resources.js';
import { requeueGeneration } from './stages/settle-atom.js';

async function planOf(r: Resources, planId: string, tenantId: string) {
  const plan = await findPlan(r.db, planId, tenantId);
  if (!plan) throw new NotFoundError('plan', planId);
  return plan;
}

/** Cancels a plan that is not finished; in-flight LLM calls for it are aborted fleet-wide. */
export async function cancelPlan(r: Resources, planId: string, tenantId: string): Promise<void> {
  const plan = await planOf(r, planId, tenantId);
  if (
    !(await transitionPlan(r.db, planId, [...ACTIVE_PLAN_STATUSES, 'paused'], 'cancelled', {
      error: 'cancelled by request',
    }))
  ) {
    throw new InvalidInputError(`plan ${planId} is ${plan.status} and cannot be cancelled`);
  }
  await publishProgress(r, planId, [planEvent('cancelled', 'cancelled by request')]);
  await r.signals.publishCancel(planId);
}

/** Pauses generation: atoms in flight finish, no new ones start. */
export async function pausePlan(r: Resources, planId: string, tenantId: string): Promise<void> {
  const plan = await planOf(r, planId, tenantId);
  if (
    !(await transitionPlan(r.db, planId, ['generating'], 'paused', { error: 'paused by request' }))
  ) {
    throw new InvalidInputError(
      `plan ${planId} is ${plan.status}; only a generating plan can be paused`,
    );
  }
  await publishProgress(r, planId, [planEvent('paused', 'paused by request')]);
}

/** Resumes a paused plan (optionally with a new budget) and re-enqueues its ready atoms. */
export async function resumePlan(
  r: Resources,
  planId: string,
  tenantId: string,
  budget?: { dollars?: number | undefined; tokens?: number | undefined },
): Promise<void> {
  const plan = await planOf(r, planId, tenantId);
  if (budget) await setPlanBudget(r.db, planId, budget);
  if (!(await transitionPlan(r.db, planId, ['paused'], 'generating', { error: null }))) {
    throw new InvalidInputError(
      `plan ${planId} is ${plan.status}; only a paused plan can be resumed`,
    );
  }
  await publishProgress(r, planId, [planEvent('generating')]);
  await requeueGeneration(r, planId);
}

/**
 * Runs one wave by hand: its atoms whose prerequisites are all validated become ready and are
 * enqueued. Refused while an earlier wave still has unsettled atoms.
 */
export async function executeWave(
  r: Resources,
  planId: string,
  tenantId: string,
  wave: number,
): Promise<string[]> {
  const plan = await planOf(r, planId, tenantId);
  if (plan.status !== 'generating')
    throw new InvalidInputError(
      `plan ${planId} is ${plan.status}; waves run while it is generating`,
    );
  const released = await releaseWave(r.db, planId, wave);
  if (released === undefined)
    throw new InvalidInputError(
      `wave ${wave} of plan ${planId} cannot run before the waves ahead of it settle`,
    );
  await publishProgress(r, planId, atomEvents(released, 'ready', 0));
  await enqueueMany(
    r.queues,
    'generate',
    released.map((atomId) => ({ planId, atomId, attempt: 1 })),
  );
  return released;
}
