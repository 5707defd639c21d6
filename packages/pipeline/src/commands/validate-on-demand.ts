import { NotFoundError, type PlanInput } from '@mge/core';
import { findPlan, listAtoms, listExcusedTests, listTasks } from '@mge/db';
import {
  validateHierarchy,
  type LevelResult,
  type PlanLevel,
  type PlanSources,
} from '@mge/validation';
import type { Resources } from '../runtime/resources.js';
import { planSources, sandboxOptions } from '../stages/plan-sources.js';

export interface OnDemandValidation {
  passed: boolean;
  failedLevel: PlanLevel | null;
  levels: LevelResult[];
}

/**
 * Runs L2-L4 now, without changing any state: on a stored plan's current code (tenant-scoped) or
 * on a plan document's drafted code (each task's file as one unit). L4 runs in the sandbox.
 */
export async function validateOnDemand(
  r: Resources,
  tenantId: string,
  target: { planId: string } | { plan: PlanInput },
  upTo: PlanLevel = 'system',
): Promise<OnDemandValidation> {
  let sources: PlanSources;
  if ('planId' in target) {
    const plan = await findPlan(r.db, target.planId, tenantId);
    if (!plan) throw new NotFoundError('plan', target.planId);
    const [tasks, atoms, excused] = await Promise.all([
      listTasks(r.db, plan.id),
      listAtoms(r.db, plan.id),
      listExcusedTests(r.db, plan.id),
    ]);
    sources = planSources(plan, tasks, atoms, excused);
  } else {
    const { plan } = target;
    sources = {
      language: plan.language,
      files: plan.tasks.map((t) => ({
        path: t.file,
        draft: t.code,
        atoms: [{ id: t.id, code: t.code, name: t.id }],
      })),
      tests: plan.tests.map((t) => ({ path: t.file, code: t.code })),
    };
  }
  const result = await validateHierarchy(sources, { sandbox: sandboxOptions(r.config), upTo });
  return { passed: result.passed, failedLevel: result.failedLevel ?? null, levels: result.results };
}
