import { findPlan, listAtoms, listTasks, markPlanIndexed } from '@mge/db';
import type { JobContext, Payload } from '@mge/queue';
import { effects, type Effects } from '../runtime/effects.js';
import { planEvent } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';

/**
 * The effects of a plan that just completed: its `completed` event and, when retrieval is on,
 * the job that indexes it for its tenant's next plans (follow-up work off the settle path).
 */
export function completedEffects(r: Pick<Resources, 'config'>, planId: string): Effects {
  return effects(planId, {
    events: [planEvent('completed')],
    jobs: r.config.rag.enabled ? [{ queue: 'rag-index', payload: { planId } }] : [],
  });
}

/**
 * rag-index(plan): a completed plan's tasks and validated atoms (code, description, file,
 * language) into its tenant's `plans` collection, replacing whatever an earlier run indexed for
 * it. Nothing to do for a plan that is not completed, has no tenant, or when retrieval is off.
 */
export async function indexCompletedPlan(
  r: Resources,
  { planId }: Payload<'rag-index'>,
  { logger }: JobContext,
): Promise<Effects | undefined> {
  const plan = await findPlan(r.db, planId);
  if (plan?.status !== 'completed' || !plan.tenantId || !r.rag) {
    logger.info({ status: plan?.status, rag: r.rag !== undefined }, 'nothing to index');
    return undefined;
  }
  const [tasks, atoms] = await Promise.all([listTasks(r.db, planId), listAtoms(r.db, planId)]);
  const validated = atoms.flatMap((a) =>
    a.status === 'validated' && a.code !== null ? [{ ...a, code: a.code }] : [],
  );
  const { indexed } = await r.rag.indexPlan(
    plan.tenantId,
    planId,
    plan.language,
    tasks.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      file: t.file,
      // A task generated whole (MVP) has no atoms: its generated file is indexed instead.
      code: t.generatedCode ?? undefined,
    })),
    validated,
  );
  await markPlanIndexed(r.db, planId);
  logger.info(
    { indexed, atoms: validated.length, tasks: tasks.length },
    'plan indexed for retrieval',
  );
  return undefined;
}
