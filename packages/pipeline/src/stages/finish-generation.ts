import {
  countAtomsByStatus,
  countTasksByStatus,
  findPlan,
  listOpenAtoms,
  listOpenTasks,
  transitionPlan,
  type Db,
} from '@mge/db';
import type { EnqueueRequest } from '@mge/queue';
import { effects, type Effects } from '../runtime/effects.js';
import { planEvent } from '../runtime/progress.js';
import { designJob, pendingTestDesigns } from './test-designs.js';

/**
 * Called when a plan's last atom (V2) or task (MVP) settled: every one is generated (go to
 * validation), or some failed: V2 waits for human review (their dependents are blocked), MVP
 * fails the plan naming them (a task may have failed while another one was being retried).
 */
export async function finishGeneration(db: Db, planId: string): Promise<Effects | undefined> {
  const plan = await findPlan(db, planId);
  if (!plan) return undefined;
  if (plan.mode === 'mvp') {
    const failed = (await countTasksByStatus(db, planId)).failed ?? 0;
    if (failed > 0) {
      const reason = `${failed} task(s) failed every attempt; retry them with POST /api/v1/task/:id/retry`;
      return moved(await transitionPlan(db, planId, 'fail', { error: reason }), planId, {
        events: [planEvent('failed', reason)],
      });
    }
  } else {
    const counts = await countAtomsByStatus(db, planId);
    const unresolved = (counts.failed ?? 0) + (counts.blocked ?? 0);
    if (unresolved > 0) {
      const error = `${counts.failed ?? 0} atom(s) failed every attempt and ${counts.blocked ?? 0} depend on them; see the review queue`;
      return moved(await transitionPlan(db, planId, 'stuck', { error }), planId, {
        events: [planEvent('needs_review', error)],
      });
    }
  }
  if (!(await transitionPlan(db, planId, 'generated'))) return undefined;
  // A targeted repair or a review started a later round; its validate job id must be new.
  const round = (await findPlan(db, planId))?.validationRound ?? plan.validationRound;
  return effects(planId, {
    events: [planEvent('validating')],
    jobs: [{ queue: 'validate', payload: { planId, round } }],
  });
}

function moved(ok: boolean, planId: string, what: Partial<Effects>): Effects | undefined {
  return ok ? effects(planId, what) : undefined;
}

/**
 * What a generating plan waits for, from Postgres: V2 `ready` atoms for their next attempt and
 * `running` ones for the same attempt, test designs a reviewer sent back (MVP: pending and
 * running tasks), and the finish step when nothing is open. Jobs that ran while the plan was paused or failed returned without work, so
 * they are enqueued `again` under their id. Shared by the reconciler and `resume`.
 */
export async function requeueGeneration(db: Db, planId: string): Promise<Effects | undefined> {
  const plan = await findPlan(db, planId);
  if (!plan) return undefined;
  let jobs: EnqueueRequest[];
  if (plan.mode === 'mvp') {
    const open = await listOpenTasks(db, planId);
    jobs = open.map((t) => ({
      queue: 'generate-task',
      payload: {
        planId,
        taskId: t.id,
        attempt: t.status === 'pending' ? t.attempt + 1 : t.attempt,
      },
      again: true,
    }));
    return effects(planId, { jobs, finished: open.length === 0 });
  }
  const [open, redesigns] = await Promise.all([
    listOpenAtoms(db, planId),
    pendingTestDesigns(db, planId),
  ]);
  jobs = open.map((a) => ({
    queue: 'generate',
    payload: { planId, atomId: a.id, attempt: a.status === 'ready' ? a.attempt + 1 : a.attempt },
    again: true,
  }));
  // Tests a reviewer sent back to the test designer (review.ts) count among what it waits for.
  jobs.push(...redesigns.map((d) => designJob(planId, d, true)));
  return effects(planId, { jobs, finished: plan.atomsRemaining === 0 });
}
