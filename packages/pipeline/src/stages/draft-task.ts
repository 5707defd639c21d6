import {
  claimTaskAttempt,
  decrementTasksRemaining,
  findDiscovery,
  findPlanVersion,
  findTask,
  finishDrafting,
  listDraftable,
  listTaskDependencies,
  listTasks,
  recordValidation,
  settleTaskAttempt,
  type Db,
  type Masterplan,
  type MasterplanTask,
} from '@mge/db';
import { buildDraftPrompt } from '@mge/llm';
import {
  discoveryDocumentSchema,
  masterPlanSchema,
  type DiscoveryDocument,
  type MasterPlanTask,
} from '@mge/planner';
import type { EnqueueRequest, PlanEvent } from '@mge/queue';
import { validateDraft } from '@mge/validation';
import { effects, type Effects } from '../runtime/effects.js';
import { planEvent, taskEvent } from '../runtime/progress.js';
import type { GenerationAdapter } from './generation-engine.js';
import { failTaskAttempt, retryTaskAttempt } from './task-attempts.js';
import { promptSnippets } from './prompt-snippets.js';

/** The task as the latest MasterPlan version states it (provides, consumes, subtasks, ...). */
export async function plannedTask(
  db: Db,
  task: MasterplanTask,
): Promise<MasterPlanTask | undefined> {
  const version = await findPlanVersion(db, task.masterplanId);
  const plan = masterPlanSchema.safeParse(version?.snapshot);
  return plan.success ? plan.data.tasks.find((t) => t.id === task.key) : undefined;
}

export async function discoveryOf(
  db: Db,
  plan: Masterplan,
): Promise<DiscoveryDocument | undefined> {
  if (!plan.discoveryId) return undefined;
  const parsed = discoveryDocumentSchema.safeParse(
    (await findDiscovery(db, plan.discoveryId))?.analysis,
  );
  return parsed.success ? parsed.data : undefined;
}

export const draftJob = (planId: string, task: MasterplanTask, again = false): EnqueueRequest => ({
  queue: 'draft',
  payload: {
    planId,
    taskId: task.id,
    attempt: task.status === 'drafting' ? task.attempt : task.attempt + 1,
  },
  ...(again ? { again: true } : {}),
});

/**
 * Task drafting on the generation engine (the planner role): a V2 plan's task without code gets
 * its file written by the model, once the tasks it depends on are drafted, with their drafted
 * files, what it must provide and consume, the requirements it covers and the retrieved snippets
 * in the prompt. The answer is checked whole (`validateDraft`: not empty, parses, no forbidden
 * construct, provides its symbols) and retried with the diagnostics as feedback up to
 * `MGE_PLANNER_ATTEMPTS`. An accepted draft is the task's code; the draft that settles the last
 * one moves the plan to atomization (every task), as if it had been submitted with that code.
 */
export const taskDrafting: GenerationAdapter<MasterplanTask> = {
  planStatus: ['drafting'],
  // `MGE_LLM_BATCH=first-attempts`; `generation` keeps drafts direct (drafting gates the plan).
  batchable: (config) => config.llm.batch?.drafts === true,
  job: ({ planId, id, attempt }) => ({ queue: 'draft', payload: { planId, taskId: id, attempt } }),
  cacheScope: (plan) => `draft:${plan.id}`,
  load: findTask,
  // A whole file from a task: the large model, like the planner's steps.
  subject: (task) => ({
    kind: 'task',
    id: task.id,
    file: task.file,
    draftCode: task.code,
    complexity: Number.POSITIVE_INFINITY,
  }),
  async prompt(r, plan, task, attempt) {
    const [dependencies, planned, discovery, snippets] = await Promise.all([
      listTaskDependencies(r.db, task),
      plannedTask(r.db, task),
      discoveryOf(r.db, plan),
      promptSnippets(r, plan, {
        kind: 'task',
        id: task.id,
        query: `${task.title}\n${task.description}\n${task.file}`,
      }),
    ]);
    const requirementIds = new Set(planned?.requirementIds ?? []);
    return buildDraftPrompt({
      planName: plan.name,
      planDigest: plan.input.description ?? '',
      file: task.file,
      title: task.title,
      description: task.description,
      subtasks: planned?.subtasks.map((s) => s.title),
      provides: planned?.provides.map((p) => p.symbol),
      consumes: planned?.consumes.map((c) => ({
        symbol: c.symbol,
        file: plan.input.tasks.find((t) => t.id === c.fromTaskId)?.file ?? c.fromTaskId,
      })),
      requirements: discovery?.requirements.filter((q) => requirementIds.has(q.id)),
      dependencies,
      snippets,
      attempt,
      lastError: attempt > 1 ? (task.error ?? undefined) : undefined,
    });
  },
  claim: (db, task, attempt) => claimTaskAttempt(db, task.id, attempt, 'draft'),
  running: (task, attempt) => [taskEvent(task.id, 'drafting', attempt)],
  async checker(db, task) {
    const [planned, tasks] = await Promise.all([
      plannedTask(db, task),
      listTasks(db, task.masterplanId),
    ]);
    const provides = planned?.provides.map((p) => p.symbol) ?? [];
    const planFiles = tasks.map((t) => t.file);
    return (candidate) => validateDraft({ file: task.file, candidate, provides, planFiles });
  },
  maxAttempts: (config) => config.planner.attempts,
  accept: (db, plan, task, attempt, code, validation) =>
    db.transaction(async (tx) => {
      await recordValidation(tx, [validation]);
      if (!(await settleTaskAttempt(tx, task.id, attempt, { status: 'drafted', code }, 'draft')))
        return undefined;
      return draftSettled(tx, plan.id, [taskEvent(task.id, 'pending', attempt)]);
    }),
  retry: retryTaskAttempt('draft'),
  fail: failTaskAttempt(
    'draft',
    (task, attempt, first) =>
      `task "${task.key}" could not be drafted in ${attempt} attempts: ${first}`,
    false,
  ),
};

/**
 * One draft (a task's file or a designed test) settled in the drafting phase, in its transaction:
 * counts it done, then enqueues the tasks whose dependencies are now drafted, or, after the last
 * one, starts the plan's mode as if it had been submitted with that code: V2 atomizes every
 * task, MVP (which designed tests only) generates each task's whole file.
 */
export async function draftSettled(tx: Db, planId: string, events: PlanEvent[]): Promise<Effects> {
  // Locks the plan row: concurrent drafts of one plan settle one after the other, so the
  // dependents listed below see every prerequisite drafted before this one.
  const left = await decrementTasksRemaining(tx, planId);
  if (left > 0)
    return effects(planId, {
      events,
      jobs: (await listDraftable(tx, planId)).map((t) => draftJob(planId, t)),
    });
  const finished = await finishDrafting(tx, planId);
  if (!finished) return effects(planId, { events });
  const { mode, tasks } = finished;
  return effects(planId, {
    events: [...events, planEvent(mode === 'mvp' ? 'generating' : 'atomizing')],
    jobs: tasks.map((t) =>
      mode === 'mvp'
        ? { queue: 'generate-task', payload: { planId, taskId: t.id, attempt: 1 } }
        : { queue: 'atomize', payload: { planId, taskId: t.id } },
    ),
  });
}
