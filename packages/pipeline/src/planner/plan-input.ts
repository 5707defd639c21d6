import type { PlanInput } from '@mge/core';
import type { MasterPlan } from '@mge/planner';

/**
 * What execution runs for a MasterPlan: its tasks as plan tasks (undrafted ones with empty code,
 * which a V2 plan drafts before atomizing them; MVP mode writes each whole file from its task)
 * and the tests that have code. The mode is the plan's choice, else chosen when it starts.
 */
export function planInputOf(plan: MasterPlan): PlanInput {
  return {
    name: plan.name,
    language: plan.language,
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    ...(plan.mode !== undefined ? { mode: plan.mode } : {}),
    ...(plan.scheduling !== undefined ? { scheduling: plan.scheduling } : {}),
    ...(plan.budget !== undefined ? { budget: plan.budget } : {}),
    tasks: plan.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      file: t.file,
      code: t.code ?? '',
      dependsOn: t.dependsOn,
    })),
    tests: plan.tests.flatMap((t) => (t.code ? [{ file: t.file, code: t.code }] : [])),
  };
}
