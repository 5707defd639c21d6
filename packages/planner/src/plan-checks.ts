import type { DiscoveryDocument } from './discovery-schema.js';
import type { MasterPlan } from './masterplan-schema.js';
import type { PlanValidation, Report } from './plan-issues.js';

/**
 * A task may depend only on tasks of its own milestone or of that milestone's transitive
 * prerequisites: otherwise milestone order could schedule it before work it needs.
 */
export function checkMilestoneOrder(
  plan: MasterPlan,
  tasks: ReadonlyMap<string, MasterPlan['tasks'][number]>,
  milestones: ReadonlyMap<string, MasterPlan['milestones'][number]>,
  error: Report,
): void {
  const reach = new Map<string, Set<string>>();
  const prerequisites = (id: string): Set<string> => {
    const known = reach.get(id);
    if (known) return known;
    const seen = new Set<string>([id]);
    const todo = [id];
    while (todo.length > 0)
      for (const dep of milestones.get(todo.pop()!)?.dependsOn ?? [])
        if (!seen.has(dep)) {
          seen.add(dep);
          todo.push(dep);
        }
    reach.set(id, seen);
    return seen;
  };
  plan.tasks.forEach((task, i) => {
    if (!milestones.has(task.milestoneId)) return;
    const allowed = prerequisites(task.milestoneId);
    task.dependsOn.forEach((dep, j) => {
      const other = tasks.get(dep);
      if (other && milestones.has(other.milestoneId) && !allowed.has(other.milestoneId))
        error(
          'milestone_order',
          `tasks[${i}].dependsOn[${j}]`,
          `task "${task.id}" (milestone "${task.milestoneId}") depends on "${dep}" of milestone ` +
            `"${other.milestoneId}", which is not among its milestone's prerequisites`,
        );
    });
  });
}

/** What a task consumes must come from a task it depends on, which must provide that symbol. */
export function checkSymbols(
  plan: MasterPlan,
  tasks: ReadonlyMap<string, MasterPlan['tasks'][number]>,
  error: Report,
): void {
  plan.tasks.forEach((task, i) => {
    task.consumes.forEach(({ symbol, fromTaskId }, j) => {
      const at = `tasks[${i}].consumes[${j}]`;
      const from = tasks.get(fromTaskId);
      if (!from)
        return error('unknown_dependency', `${at}.fromTaskId`, `unknown task "${fromTaskId}"`);
      if (!task.dependsOn.includes(fromTaskId))
        error(
          'undeclared_dependency',
          `${at}.fromTaskId`,
          `task "${task.id}" consumes "${symbol}" from "${fromTaskId}" but does not depend on it`,
        );
      if (!from.provides.some((p) => p.symbol === symbol))
        error(
          'unprovided_symbol',
          `${at}.symbol`,
          `task "${fromTaskId}" does not provide "${symbol}"`,
        );
    });
  });
}

/**
 * Requirement ids must exist in the discovery document, and every requirement must be covered by
 * some task: an uncovered `must` is an error, an uncovered `should` or `could` a warning.
 */
export function checkRequirements(
  plan: MasterPlan,
  discovery: DiscoveryDocument | undefined,
  error: Report,
  warn: Report,
): PlanValidation['coverage'] {
  const covered = new Set(plan.tasks.flatMap((t) => t.requirementIds));
  if (!discovery) return { requirements: { total: 0, covered: 0, uncovered: [] } };
  const known = new Set(discovery.requirements.map((r) => r.id));
  plan.tasks.forEach((task, i) => {
    task.requirementIds.forEach((id, j) => {
      if (!known.has(id))
        error(
          'unknown_requirement',
          `tasks[${i}].requirementIds[${j}]`,
          `unknown requirement "${id}"`,
        );
    });
  });
  const uncovered: string[] = [];
  discovery.requirements.forEach((r, i) => {
    if (covered.has(r.id)) return;
    uncovered.push(r.id);
    (r.priority === 'must' ? error : warn)(
      'uncovered_requirement',
      `discovery.requirements[${i}]`,
      `no task covers ${r.priority} requirement "${r.id}": ${r.text.slice(0, 120)}`,
    );
  });
  const total = discovery.requirements.length;
  return { requirements: { total, covered: total - uncovered.length, uncovered } };
}
