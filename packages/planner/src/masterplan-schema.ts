import { z } from 'zod';
import { planInputSchema, planTaskSchema, planTestSchema } from '@mge/core';

const id = z.string().min(1).max(100);
const symbol = z.string().min(1).max(200);

export const PHASE_KINDS = ['setup', 'core', 'polish'] as const;

/**
 * A MasterPlan task: a plan task (same id, title, description and code fields) placed in a
 * milestone, with the requirements it covers, the symbols it provides and consumes, a size
 * estimate and subtasks. `code` is absent until the task is drafted. `file` and `dependsOn` are
 * plain strings here: their safety and resolution are the validator's checks (stable error codes),
 * not schema failures.
 */
export const masterPlanTaskSchema = planTaskSchema.extend({
  file: z.string().min(1).max(500),
  code: planTaskSchema.shape.code.optional(),
  dependsOn: z.array(id).default([]),
  milestoneId: id,
  requirementIds: z.array(id).default([]),
  provides: z.array(z.object({ symbol })).default([]),
  consumes: z.array(z.object({ symbol, fromTaskId: id })).default([]),
  estimatedLoc: z.number().int().nonnegative(),
  subtasks: z.array(z.object({ id, title: z.string().min(1).max(200) })).default([]),
});

export const masterPlanTestSchema = planTestSchema.extend({
  file: z.string().min(1).max(500),
  covers: z.array(id).default([]),
  code: planTestSchema.shape.code.optional(),
});

/** A plan (ARCHITECTURE.md §7) with phases, milestones and the task fields above. */
export const masterPlanSchema = z.object({
  name: planInputSchema.shape.name,
  language: planInputSchema.shape.language,
  description: planInputSchema.shape.description,
  mode: planInputSchema.shape.mode,
  scheduling: planInputSchema.shape.scheduling,
  budget: planInputSchema.shape.budget,
  phases: z.array(z.object({ id, kind: z.enum(PHASE_KINDS), goal: z.string().max(10_000) })).min(1),
  milestones: z
    .array(
      z.object({
        id,
        phaseId: id,
        name: z.string().min(1).max(200),
        goal: z.string().max(10_000),
        dependsOn: z.array(id).default([]),
      }),
    )
    .min(1),
  tasks: z.array(masterPlanTaskSchema).min(1, 'a plan needs at least one task').max(10_000),
  tests: z.array(masterPlanTestSchema).max(1_000).default([]),
});

export type MasterPlan = z.infer<typeof masterPlanSchema>;
export type MasterPlanTask = MasterPlan['tasks'][number];

/** Whether a task's file is a safe workspace path, by the plan schema's own rule. */
export function pathProblem(file: string): string | undefined {
  const result = planTaskSchema.shape.file.safeParse(file);
  return result.success ? undefined : result.error.issues.map((i) => i.message).join('; ');
}
