import {
  findDiscovery,
  findPlan,
  findPlanningRequest,
  storePlanVersion,
  transitionPlan,
} from '@mge/db';
import {
  answersOf,
  assembleMasterPlan,
  diffMasterPlans,
  discoveryDocumentSchema,
  issuesByMilestone,
  milestoneAnswerSchema,
  milestoneOf,
  milestonePrompt,
  repairPrompt,
  skeletonPrompt,
  skeletonSchema,
  validateMasterPlan,
  withReference,
  type DiscoveryDocument,
  type MilestoneAnswer,
} from '@mge/planner';
import type { JobContext, Payload } from '@mge/queue';
import { planEvent, publishProgress } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';
import { planInputOf } from './plan-input.js';
import { approveMasterplan } from './planner-service.js';
import {
  askUntilValid,
  plannerEvent,
  plannerReference,
  PlannerGaveUpError,
  type PlannerOwner,
} from './planner-call.js';

/**
 * The `masterplan` job: a plan in `planning` gets its MasterPlan in steps (a skeleton, then each
 * milestone's tasks with the discovery and skeleton as the cached prefix), checked by the pure
 * validator and repaired with its errors as feedback for `config.planner.repairRounds` rounds.
 * Every stored state is a version with its history event; what the validator still reports is
 * shown with the plan (never dropped) and blocks approval. The plan then waits, `queued`.
 */
export async function generateMasterplan(
  r: Resources,
  { planId, discoveryId }: Payload<'masterplan'>,
  context: JobContext,
): Promise<void> {
  const stored = await findPlan(r.db, planId);
  if (!stored || stored.status !== 'planning') return;
  const owner: PlannerOwner = { kind: 'plan', planId, tenantId: stored.tenantId };
  try {
    const doc = await findDiscovery(r.db, discoveryId);
    const parsed = discoveryDocumentSchema.safeParse(doc?.analysis);
    if (!parsed.success)
      throw new PlannerGaveUpError('skeleton', `discovery ${discoveryId} has no analysis`);
    await planSteps(r, owner, parsed.data, stored.language, context.signal);
  } catch (error) {
    if (!(error instanceof PlannerGaveUpError)) throw error;
    await failPlanning(r, planId, error.message);
  }
}

/** A plan whose planning gave up: `failed` with the reason, announced. */
export async function failPlanning(r: Resources, planId: string, reason: string): Promise<void> {
  if (await transitionPlan(r.db, planId, 'planFailed', { error: reason }))
    await publishProgress(r, planId, [planEvent('failed', reason)]);
}

async function planSteps(
  r: Resources,
  owner: Extract<PlannerOwner, { kind: 'plan' }>,
  discovery: DiscoveryDocument,
  language: string,
  signal: AbortSignal,
): Promise<void> {
  // One retrieval for the whole plan, at the end of every step's cached system block.
  const reference = await plannerReference(
    r,
    owner,
    [
      discovery.domain.name,
      discovery.domain.description,
      ...discovery.requirements.map((q) => q.text),
    ].join('\n'),
    language,
  );
  const skeleton = await askUntilValid(
    r,
    owner,
    'skeleton',
    (feedback) => withReference(skeletonPrompt(discovery, language, feedback), reference),
    skeletonSchema,
    signal,
  );
  const answers = new Map<string, MilestoneAnswer>();
  for (const [k, milestone] of skeleton.milestones.entries()) {
    const earlier = [...answers.values()].flatMap((a) => a.tasks);
    answers.set(
      milestone.id,
      await askUntilValid(
        r,
        owner,
        `milestone:${milestone.id}`,
        (feedback) =>
          withReference(
            milestonePrompt(discovery, skeleton, milestone.id, earlier, feedback),
            reference,
          ),
        milestoneAnswerSchema,
        signal,
        { about: `milestone ${k + 1} of ${skeleton.milestones.length}: ${milestone.name}` },
      ),
    );
  }
  let plan = assembleMasterPlan(skeleton, answers);
  let validation = validateMasterPlan(plan, { discovery });
  const store = async (kind: string, diff: unknown) => {
    const version = await storePlanVersion(r.db, owner.planId, plan, planInputOf(plan), {
      actor: 'planner',
      kind,
      diff: { ...(diff as object), valid: validation.valid, errors: validation.errors.length },
    });
    if (version === undefined) throw new PlannerGaveUpError(kind, 'the plan left planning');
    // What the validator found in the stored version: the feedback the next repair round carries.
    await plannerEvent(r, owner, {
      step: 'validation',
      status: validation.valid ? 'done' : 'failed',
      message: validation.valid
        ? `version ${version} valid`
        : `version ${version}: ${validation.errors.map((e) => `${e.code} at ${e.path}`).join('; ')}`,
    });
  };
  await store('generated', { milestones: skeleton.milestones.length, tasks: plan.tasks.length });
  const requirementIds = discovery.requirements.map((q) => q.id);
  for (let round = 1; round <= r.config.planner.repairRounds && !validation.valid; round++) {
    const step = `repair:${round}`;
    await plannerEvent(r, owner, {
      step,
      status: 'started',
      message: validation.errors.map((e) => e.code).join(', '),
    });
    const current = answersOf(plan, skeleton);
    for (const [milestoneId, issues] of issuesByMilestone(
      plan,
      skeleton,
      validation.errors,
      requirementIds,
    )) {
      const others = plan.tasks.filter((t) => t.milestoneId !== milestoneId);
      current.set(
        milestoneId,
        await askUntilValid(
          r,
          owner,
          `${step}:${milestoneId}`,
          (feedback) =>
            withReference(
              repairPrompt(
                discovery,
                skeleton,
                milestoneId,
                milestoneOf(plan, milestoneId),
                others,
                issues,
                feedback,
              ),
              reference,
            ),
          milestoneAnswerSchema,
          signal,
        ),
      );
    }
    const before = plan;
    plan = assembleMasterPlan(skeleton, current);
    validation = validateMasterPlan(plan, { discovery });
    await store('repaired', { round, ...diffMasterPlans(before, plan) });
  }
  await transitionPlan(r.db, owner.planId, 'planned');
  await publishProgress(r, owner.planId, [
    {
      type: 'planner',
      step: 'masterplan',
      status: validation.valid ? 'done' : 'failed',
      message: validation.valid
        ? `${plan.tasks.length} tasks`
        : `invalid after ${r.config.planner.repairRounds} repair rounds: ${validation.errors.map((e) => e.message).join('; ')}`,
    },
    planEvent('queued'),
  ]);
  // Asked to start on its own: a valid plan starts now, under the budget it was given.
  if (validation.valid && (await findPlanningRequest(r.db, owner.planId))?.approve)
    await approveMasterplan(r, owner.tenantId, owner.planId);
}
