import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  NotFoundError,
  resolvePlanMode,
  type ModeChoice,
  type PlanInput,
  type PlanStatus,
} from '@mge/core';
import {
  findPlanForTenant,
  getModeSettings,
  getTenantModeOverride,
  insertPlanWithTasks,
  listTasks,
  startQueuedPlan,
  type Db,
  type Masterplan,
  type MasterplanTask,
} from '@mge/db';
import type { EnqueueRequest } from '@mge/queue';
import { applyEffects } from '../runtime/apply-effects.js';
import { effects } from '../runtime/effects.js';
import { planEvent } from '../runtime/progress.js';
import { requeueDrafting } from '../stages/drafting.js';
import { testDesignCount } from '../stages/test-designs.js';
import type { Resources } from '../runtime/resources.js';

export interface Submission {
  planId: string;
  mode: ModeChoice['mode'];
  /** Which rule chose the mode: plan override, tenant override, rollout or default. */
  modeDecidedBy: ModeChoice['decidedBy'];
  /** The status it started in: `atomizing`, `drafting` (V2 with tasks to draft) or `generating`. */
  status: PlanStatus;
  /** False when Redis refused the jobs: the plan is stored and the reconciler will enqueue it. */
  enqueued: boolean;
}

/** The plan's mode by the precedence rule (plan > tenant > rollout > default). */
export async function choosePlanMode(
  db: Db,
  tenantId: string,
  planId: string,
  input: PlanInput,
): Promise<ModeChoice> {
  const [settings, tenantOverride] = await Promise.all([
    getModeSettings(db),
    getTenantModeOverride(db, tenantId),
  ]);
  return resolvePlanMode({
    tenantId,
    planId,
    planOverride: input.mode,
    tenantOverride,
    settings,
  });
}

/**
 * Stores a validated plan and its tasks in one transaction, in the mode chosen for it (its id is
 * drawn first: the rollout draw hashes it), then enqueues its first jobs.
 */
export async function submitPlan(
  r: Resources,
  tenantId: string,
  input: PlanInput,
): Promise<Submission> {
  const id = randomUUID();
  const choice = await choosePlanMode(r.db, tenantId, id, input);
  const { plan, tasks } = await r.db.transaction((tx) =>
    insertPlanWithTasks(tx, {
      id,
      tenantId,
      input,
      mode: choice.mode,
      status: choice.mode === 'mvp' ? 'generating' : 'atomizing',
      defaultBudget: r.config.budget,
    }),
  );
  return { ...(await enqueueFirstJobs(r, plan, tasks)), modeDecidedBy: choice.decidedBy };
}

/**
 * Stores a plan without starting it (`queued`): `POST /api/v1/masterplan/generate`. Its mode is
 * the one it would run in now; `execute` chooses again, since the setting may change meanwhile.
 */
export async function storePlan(
  r: Resources,
  tenantId: string,
  input: PlanInput,
  discoveryId?: string,
): Promise<Masterplan> {
  const id = randomUUID();
  const { mode } = await choosePlanMode(r.db, tenantId, id, input);
  const { plan } = await r.db.transaction((tx) =>
    insertPlanWithTasks(tx, {
      id,
      tenantId,
      input,
      mode,
      status: 'queued',
      discoveryId,
      defaultBudget: r.config.budget,
    }),
  );
  return plan;
}

/** Starts a queued plan in the mode chosen now: `POST /api/v1/masterplan/execute`. */
export async function executeStoredPlan(
  r: Resources,
  tenantId: string,
  planId: string,
): Promise<Submission> {
  const stored = await findPlanForTenant(r.db, planId, tenantId);
  if (!stored) throw new NotFoundError('plan', planId);
  const choice = await choosePlanMode(r.db, tenantId, planId, stored.input);
  const plan = await startQueuedPlan(
    r.db,
    planId,
    choice.mode,
    await testDesignCount(r.db, planId),
  );
  if (!plan)
    throw new ConflictError(
      `plan ${planId} is ${stored.status}; only a queued plan can be executed`,
    );
  const tasks = await listTasks(r.db, planId);
  return { ...(await enqueueFirstJobs(r, plan, tasks)), modeDecidedBy: choice.decidedBy };
}

/**
 * v2: one atomize job per task, or (drafting) one draft job per task whose dependencies need no
 * draft; MVP: one generate-task job per task (attempt 1).
 */
async function enqueueFirstJobs(
  r: Resources,
  plan: Masterplan,
  tasks: readonly MasterplanTask[],
): Promise<Omit<Submission, 'modeDecidedBy'>> {
  const jobs: EnqueueRequest[] =
    plan.status === 'drafting'
      ? (await requeueDrafting(r.db, plan.id)).jobs
      : tasks.map((t) =>
          plan.mode === 'mvp'
            ? { queue: 'generate-task', payload: { planId: plan.id, taskId: t.id, attempt: 1 } }
            : { queue: 'atomize', payload: { planId: plan.id, taskId: t.id } },
        );
  try {
    await applyEffects(r, effects(plan.id, { events: [planEvent(plan.status)], jobs }));
    return { planId: plan.id, mode: plan.mode, status: plan.status, enqueued: true };
  } catch (err) {
    r.logger.error({ err, planId: plan.id }, 'enqueue failed; the reconciler will retry');
    return { planId: plan.id, mode: plan.mode, status: plan.status, enqueued: false };
  }
}
