import { acceptsFile } from '@mge/core';
import { adjacency, stronglyConnected } from '@mge/graph';
import { masterPlanSchema, pathProblem, type MasterPlan } from './masterplan-schema.js';
import { checkMilestoneOrder, checkRequirements, checkSymbols } from './plan-checks.js';
import {
  DEFAULT_MAX_TASK_LOC,
  type PlanErrorCode,
  type PlanIssue,
  type PlanValidation,
  type PlanValidatorOptions,
  type Report,
} from './plan-issues.js';

/**
 * Checks a MasterPlan before anything runs. Pure: the same plan always gives the same issues, in
 * plan order. Errors make the plan invalid; warnings (a cycle among already-drafted tasks, an
 * uncovered should/could requirement, a task no test covers) do not.
 */
export function validateMasterPlan(
  plan: MasterPlan,
  options: PlanValidatorOptions = {},
): PlanValidation {
  const errors: PlanIssue[] = [];
  const warnings: PlanIssue[] = [];
  const error = (code: PlanErrorCode, path: string, message: string) =>
    errors.push({ code, path, message });
  const warn = (code: PlanErrorCode, path: string, message: string) =>
    warnings.push({ code, path, message });

  const phases = firstById(plan.phases, 'phases', error);
  const milestones = firstById(plan.milestones, 'milestones', error);
  const tasks = firstById(plan.tasks, 'tasks', error);

  plan.milestones.forEach((m, i) => {
    if (!phases.has(m.phaseId))
      error('unknown_phase', `milestones[${i}].phaseId`, `unknown phase "${m.phaseId}"`);
    m.dependsOn.forEach((dep, j) => {
      if (!milestones.has(dep))
        error(
          'unknown_dependency',
          `milestones[${i}].dependsOn[${j}]`,
          `unknown milestone "${dep}"`,
        );
    });
  });
  for (const cycle of cyclesAmong(
    [...milestones.keys()],
    (id) => milestones.get(id)?.dependsOn ?? [],
  ))
    error(
      'dependency_cycle',
      'milestones',
      `milestones depend on each other: ${cycle.join(' -> ')}`,
    );

  const owners = new Map<string, string>();
  plan.tasks.forEach((task, i) => {
    const at = `tasks[${i}]`;
    const unsafe = pathProblem(task.file);
    if (unsafe) error('unsafe_path', `${at}.file`, `"${task.file}" ${unsafe}`);
    else if (!acceptsFile(plan.language, task.file))
      error('file_language', `${at}.file`, `"${task.file}" is not a ${plan.language} source file`);
    const owner = owners.get(task.file);
    if (owner !== undefined && owner !== task.id)
      error('file_conflict', `${at}.file`, `"${task.file}" is already owned by task "${owner}"`);
    else owners.set(task.file, task.id);
    const subtaskIds = new Set<string>();
    task.subtasks.forEach((s, j) => {
      if (subtaskIds.has(s.id))
        error('duplicate_id', `${at}.subtasks[${j}].id`, `duplicate subtask id "${s.id}"`);
      subtaskIds.add(s.id);
    });
    if (!milestones.has(task.milestoneId))
      error('unknown_milestone', `${at}.milestoneId`, `unknown milestone "${task.milestoneId}"`);
    task.dependsOn.forEach((dep, j) => {
      if (!tasks.has(dep))
        error('unknown_dependency', `${at}.dependsOn[${j}]`, `unknown task "${dep}"`);
    });
    const limit = options.maxTaskLoc ?? DEFAULT_MAX_TASK_LOC;
    if (task.estimatedLoc > limit)
      error(
        'task_too_large',
        `${at}.estimatedLoc`,
        `${task.estimatedLoc} lines estimated, over the limit of ${limit}: split the task`,
      );
  });

  checkMilestoneOrder(plan, tasks, milestones, error);
  checkSymbols(plan, tasks, error);

  // Drafting runs in dependency order, so a cycle among tasks still to be drafted can never start;
  // a cycle through drafted code (mutual imports of existing files) is only worth a warning.
  const undrafted = new Set(plan.tasks.filter((t) => t.code === undefined).map((t) => t.id));
  const deps = (id: string) => tasks.get(id)?.dependsOn ?? [];
  const taskPath = (id: string) => `tasks[${plan.tasks.findIndex((t) => t.id === id)}].dependsOn`;
  for (const cycle of cyclesAmong([...undrafted], (id) => deps(id).filter((d) => undrafted.has(d))))
    error(
      'dependency_cycle',
      taskPath(cycle[0]!),
      `tasks to draft depend on each other: ${cycle.join(' -> ')}`,
    );
  for (const cycle of cyclesAmong([...tasks.keys()], deps))
    if (cycle.some((id) => !undrafted.has(id)))
      warn(
        'dependency_cycle',
        taskPath(cycle[0]!),
        `drafted tasks depend on each other: ${cycle.join(' -> ')}`,
      );

  if (plan.tests.length === 0) error('no_tests', 'tests', 'the plan has no tests');
  const tested = new Set<string>();
  plan.tests.forEach((test, i) => {
    const unsafe = pathProblem(test.file);
    if (unsafe) error('unsafe_path', `tests[${i}].file`, `"${test.file}" ${unsafe}`);
    const owner = owners.get(test.file);
    if (owner !== undefined)
      error(
        'file_conflict',
        `tests[${i}].file`,
        `test file "${test.file}" is owned by task "${owner}"`,
      );
    test.covers.forEach((id, j) => {
      if (!tasks.has(id))
        error('unknown_dependency', `tests[${i}].covers[${j}]`, `unknown task "${id}"`);
      tested.add(id);
    });
  });
  if (plan.tests.length > 0)
    plan.tasks.forEach((task, i) => {
      if (!tested.has(task.id))
        warn('untested_task', `tasks[${i}]`, `no test covers task "${task.id}"`);
    });

  const coverage = checkRequirements(plan, options.discovery, error, warn);
  return { valid: errors.length === 0, errors, warnings, coverage };
}

/**
 * Validates an already-decoded value: a value that is not a MasterPlan gives `invalid_schema`
 * errors (one per problem), a MasterPlan the checks of `validateMasterPlan`.
 */
export function validatePlanValue(
  value: unknown,
  options: PlanValidatorOptions = {},
): PlanValidation {
  const parsed = masterPlanSchema.safeParse(value);
  if (parsed.success) return validateMasterPlan(parsed.data, options);
  return {
    valid: false,
    errors: parsed.error.issues.map((issue) => ({
      code: 'invalid_schema',
      path: formatPath(issue.path),
      message: issue.message,
    })),
    warnings: [],
    coverage: { requirements: { total: 0, covered: 0, uncovered: [] } },
  };
}

/** `['tasks', 2, 'file']` -> `tasks[2].file`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>(
    (acc, seg) =>
      typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg),
    '',
  );
}

/** The first item of each id; later ones are `duplicate_id`. */
function firstById<T extends { id: string }>(
  items: readonly T[],
  at: string,
  error: Report,
): Map<string, T> {
  const byId = new Map<string, T>();
  items.forEach((item, i) => {
    if (byId.has(item.id)) error('duplicate_id', `${at}[${i}].id`, `duplicate id "${item.id}"`);
    else byId.set(item.id, item);
  });
  return byId;
}

/** The cycles (strongly connected components, self-loops included) of a graph given by successors. */
function cyclesAmong(
  nodes: readonly string[],
  next: (id: string) => readonly string[],
): string[][] {
  const index = new Map(nodes.map((n, i) => [n, i]));
  const from: number[] = [];
  const to: number[] = [];
  nodes.forEach((n, i) => {
    for (const m of next(n)) {
      const j = index.get(m);
      if (j !== undefined) {
        from.push(i);
        to.push(j);
      }
    }
  });
  const { count, componentOf } = stronglyConnected(nodes.length, adjacency(nodes.length, from, to));
  const members: string[][] = Array.from({ length: count }, () => []);
  nodes.forEach((n, i) => members[componentOf[i]!]!.push(n));
  return members.filter((c) => c.length > 1 || (c.length === 1 && next(c[0]!).includes(c[0]!)));
}
