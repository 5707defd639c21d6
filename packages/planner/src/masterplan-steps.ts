import { z } from 'zod';
import {
  masterPlanSchema,
  masterPlanTaskSchema,
  masterPlanTestSchema,
  type MasterPlan,
} from './masterplan-schema.js';
import type { PlanIssue } from './plan-issues.js';

/** Step 1's answer: phases, milestones and which milestone covers which requirement. */
export const skeletonSchema = masterPlanSchema
  .pick({ name: true, language: true, description: true, phases: true, milestones: true })
  .extend({
    coverage: z
      .array(
        z.object({
          milestoneId: z.string().min(1),
          requirementIds: z.array(z.string()).default([]),
        }),
      )
      .default([]),
  });
export type MasterPlanSkeleton = z.infer<typeof skeletonSchema>;

/** A milestone step's answer (also a repair round's): that milestone's tasks and their tests. */
export const milestoneAnswerSchema = z.object({
  tasks: z.array(masterPlanTaskSchema).min(1, 'a milestone needs at least one task'),
  tests: z.array(masterPlanTestSchema).default([]),
});
export type MilestoneAnswer = z.infer<typeof milestoneAnswerSchema>;

/**
 * The MasterPlan from a skeleton and each milestone's answer (in skeleton order). A task the model
 * placed in another milestone is kept in the one that was asked for: the step owns its tasks.
 */
export function assembleMasterPlan(
  skeleton: MasterPlanSkeleton,
  answers: ReadonlyMap<string, MilestoneAnswer>,
): MasterPlan {
  const tasks = skeleton.milestones.flatMap((m) =>
    (answers.get(m.id)?.tasks ?? []).map((t) => ({ ...t, milestoneId: m.id })),
  );
  const tests = skeleton.milestones.flatMap((m) => answers.get(m.id)?.tests ?? []);
  const { coverage: _coverage, ...plan } = skeleton;
  return masterPlanSchema.parse({ ...plan, tasks, tests });
}

/**
 * Which milestone should repair each error: the milestone of the task the path points at; a test's
 * error goes to the milestone of the first task it covers; an uncovered requirement to the
 * milestone the skeleton assigned it (else the last); anything else to the last milestone.
 */
export function issuesByMilestone(
  plan: MasterPlan,
  skeleton: MasterPlanSkeleton,
  issues: readonly PlanIssue[],
  discoveryRequirementIds: readonly string[] = [],
): Map<string, PlanIssue[]> {
  const last = skeleton.milestones.at(-1)?.id ?? '';
  const byTask = new Map(plan.tasks.map((t) => [t.id, t.milestoneId]));
  const owner = (issue: PlanIssue): string => {
    const task = /^tasks\[(\d+)\]/.exec(issue.path);
    if (task) return plan.tasks[Number(task[1])]?.milestoneId ?? last;
    const test = /^tests\[(\d+)\]/.exec(issue.path);
    if (test) {
      const covered = plan.tests[Number(test[1])]?.covers.find((id) => byTask.has(id));
      return (covered && byTask.get(covered)) ?? last;
    }
    const requirement = /^discovery\.requirements\[(\d+)\]/.exec(issue.path);
    if (requirement) {
      const id = discoveryRequirementIds[Number(requirement[1])];
      return (
        skeleton.coverage.find((c) => id && c.requirementIds.includes(id))?.milestoneId ?? last
      );
    }
    return last;
  };
  const grouped = new Map<string, PlanIssue[]>();
  for (const issue of issues) {
    const milestone = owner(issue);
    grouped.set(milestone, [...(grouped.get(milestone) ?? []), issue]);
  }
  return grouped;
}

/** The answer of one milestone, read back from a plan (for a repair round's "current"). */
export function milestoneOf(plan: MasterPlan, milestoneId: string): MilestoneAnswer {
  const tasks = plan.tasks.filter((t) => t.milestoneId === milestoneId);
  const ids = new Set(tasks.map((t) => t.id));
  return { tasks, tests: plan.tests.filter((t) => t.covers.some((id) => ids.has(id))) };
}

/** Replaces one milestone's tasks and tests in the per-milestone answers. */
export function answersOf(
  plan: MasterPlan,
  skeleton: MasterPlanSkeleton,
): Map<string, MilestoneAnswer> {
  const answers = new Map<string, MilestoneAnswer>();
  const claimed = new Set<string>();
  for (const m of skeleton.milestones) {
    const answer = milestoneOf(plan, m.id);
    const tests = answer.tests.filter((t) => !claimed.has(t.file));
    tests.forEach((t) => claimed.add(t.file));
    answers.set(m.id, { tasks: answer.tasks, tests });
  }
  return answers;
}

export interface PlanDiff {
  tasks: { added: string[]; removed: string[]; changed: { id: string; fields: string[] }[] };
  milestones: { added: string[]; removed: string[]; changed: { id: string; fields: string[] }[] };
  tests: { added: string[]; removed: string[] };
}

function diffById<T extends { id: string }>(before: readonly T[], after: readonly T[]) {
  const old = new Map(before.map((x) => [x.id, x]));
  const now = new Map(after.map((x) => [x.id, x]));
  const changed: { id: string; fields: string[] }[] = [];
  for (const [id, value] of now) {
    const was = old.get(id);
    if (!was) continue;
    const keys = new Set([...Object.keys(was), ...Object.keys(value)]);
    const fields = [...keys].filter(
      (k) =>
        JSON.stringify((was as Record<string, unknown>)[k]) !==
        JSON.stringify((value as Record<string, unknown>)[k]),
    );
    if (fields.length > 0) changed.push({ id, fields: fields.sort() });
  }
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed,
  };
}

/** What changed between two versions of a plan: tasks and milestones by id, tests by file. */
export function diffMasterPlans(before: MasterPlan, after: MasterPlan): PlanDiff {
  const files = (p: MasterPlan) => new Set(p.tests.map((t) => t.file));
  const [was, now] = [files(before), files(after)];
  return {
    tasks: diffById(before.tasks, after.tasks),
    milestones: diffById(before.milestones, after.milestones),
    tests: {
      added: [...now].filter((f) => !was.has(f)),
      removed: [...was].filter((f) => !now.has(f)),
    },
  };
}
