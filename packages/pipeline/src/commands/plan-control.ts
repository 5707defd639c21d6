import { InvalidInputError, NotFoundError } from '@mge/core';
import {
  countAtomsByStatus,
  findPlan,
  hasUndraftedTasks,
  releaseWave,
  setPlanBudget,
  transitionPlan,
} from '@mge/db';
import { applyEffects } from '../runtime/apply-effects.js';
import { effects, generateJobs } from '../runtime/effects.js';
import { atomEvents, planEvent } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';
import { requeueDrafting } from '../stages/drafting.js';
import { pendingTestDesigns } from '../stages/test-designs.js';
import { requeueGeneration } from '../stages/finish-generation.js';

async function planOf(r: Resources, planId: string, tenantId: string) {
  const plan = await findPlan(r.db, planId, tenantId);
  if (!plan) throw new NotFoundError('plan', planId);
  return plan;
}

/** Cancels a plan that is not finished; in-flight LLM calls for it are aborted fleet-wide. */
export async function cancelPlan(r: Resources, planId: string, tenantId: string): Promise<void> {
  const plan = await planOf(r, planId, tenantId);
  if (!(await transitionPlan(r.db, planId, 'cancel', { error: 'cancelled by request' }))) {
    throw new InvalidInputError(`plan ${planId} is ${plan.status} and cannot be cancelled`);
  }
  await applyEffects(
    r,
    effects(planId, { events: [planEvent('cancelled', 'cancelled by request')] }),
  );
  await r.signals.publishCancel(planId);
}

/** Pauses generation: atoms in flight finish, no new ones start. */
export async function pausePlan(r: Resources, planId: string, tenantId: string): Promise<void> {
  const plan = await planOf(r, planId, tenantId);
  if (!(await transitionPlan(r.db, planId, 'pause', { error: 'paused by request' }))) {
    throw new InvalidInputError(
      `plan ${planId} is ${plan.status}; only a generating plan can be paused`,
    );
  }
  await applyEffects(r, effects(planId, { events: [planEvent('paused', 'paused by request')] }));
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
  // A plan paused while drafting (a task still undrafted) resumes drafting, else generation (a
  // test a reviewer sent back is designed again while generating: the plan has atoms by then).
  const drafting =
    (await hasUndraftedTasks(r.db, planId)) ||
    ((await pendingTestDesigns(r.db, planId)).length > 0 &&
      Object.keys(await countAtomsByStatus(r.db, planId)).length === 0);
  if (
    !(await transitionPlan(r.db, planId, drafting ? 'resumeDrafting' : 'resume', { error: null }))
  ) {
    throw new InvalidInputError(
      `plan ${planId} is ${plan.status}; only a paused plan can be resumed`,
    );
  }
  await applyEffects(
    r,
    drafting
      ? effects(planId, { events: [planEvent('drafting')] }, await requeueDrafting(r.db, planId))
      : effects(
          planId,
          { events: [planEvent('generating')] },
          (await requeueGeneration(r.db, planId)) ?? {},
        ),
  );
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
  await applyEffects(
    r,
    effects(planId, {
      events: atomEvents(released, 'ready', 0),
      jobs: generateJobs(planId, released),
    }),
  );
  return released;
}
