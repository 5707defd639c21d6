import { MVP_MAX_ATTEMPTS } from '@mge/core';
import {
  claimTaskAttempt,
  decrementTasksRemaining,
  findTask,
  listTaskDependencies,
  recordValidation,
  settleTaskAttempt,
  type MasterplanTask,
} from '@mge/db';
import { buildTaskPrompt } from '@mge/llm';
import type { JobContext, Payload } from '@mge/queue';
import { validateAtom } from '@mge/validation';
import { effects, type Effects } from '../runtime/effects.js';
import { taskEvent } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';
import { promptSnippets } from './prompt-snippets.js';
import { runGeneration, type GenerationAdapter } from './generation-engine.js';
import { failTaskAttempt, retryTaskAttempt } from './task-attempts.js';

/**
 * MVP tasks on the generation engine: one call writes the task's whole file (its draft as the
 * spec, the drafts of the tasks it depends on as context, the latest error on the retry); L1
 * checks the answer (the file parses, no new forbidden construct). Accepted: the task is
 * generated, and the last one finishes generation (validation). Failed: one retry with the error,
 * then the task and its plan fail with the reason (MVP has no review queue;
 * `POST /api/v1/task/:id/retry` reopens, and that attempt beyond the budget is final).
 */
export const taskGeneration: GenerationAdapter<MasterplanTask> = {
  load: findTask,
  // Its whole file; complexity 1: the small model, as classic MVP did.
  subject: (task) => ({
    kind: 'task',
    id: task.id,
    file: task.file,
    draftCode: task.code,
    complexity: 1,
  }),
  async prompt(r, plan, task, attempt) {
    const [dependencies, snippets] = await Promise.all([
      listTaskDependencies(r.db, task),
      promptSnippets(r, plan, {
        kind: 'task',
        id: task.id,
        query: `${task.title}\n${task.description}\n${task.file}\n${task.code}`,
      }),
    ]);
    return buildTaskPrompt({
      planName: plan.name,
      planDigest: plan.input.description ?? '',
      file: task.file,
      title: task.title,
      description: task.description,
      draftCode: task.code,
      dependencies,
      snippets,
      attempt,
      // Feedback from attempt 2 on: the latest error only.
      lastError: attempt > 1 ? (task.error ?? undefined) : undefined,
    });
  },
  claim: (db, task, attempt) => claimTaskAttempt(db, task.id, attempt),
  running: (task, attempt) => [taskEvent(task.id, 'running', attempt)],
  checker: (_db, task) =>
    Promise.resolve((candidate) =>
      validateAtom({
        file: task.file,
        fileText: task.code,
        start: 0,
        end: task.code.length,
        candidate,
      }),
    ),
  maxAttempts: () => MVP_MAX_ATTEMPTS,
  accept: (db, plan, task, attempt, code, validation) =>
    db.transaction(async (tx) => {
      await recordValidation(tx, [validation]);
      if (!(await settleTaskAttempt(tx, task.id, attempt, { status: 'generated', code })))
        return undefined;
      const remaining = await decrementTasksRemaining(tx, plan.id);
      return effects(plan.id, {
        events: [taskEvent(task.id, 'generated', attempt)],
        finished: remaining === 0,
      });
    }),
  retry: retryTaskAttempt('generate'),
  // Settled for good: counted down so that a retry can count it up again.
  fail: failTaskAttempt(
    'generate',
    (task, attempt, first) =>
      `task "${task.key}" failed L1 validation on attempt ${attempt}: ${first}`,
    true,
  ),
};

/** generate-task(task, attempt) on the generation engine. */
export function generateTask(
  r: Resources,
  { planId, taskId, attempt }: Payload<'generate-task'>,
  context: JobContext,
): Promise<Effects | undefined> {
  return runGeneration(taskGeneration, r, { planId, id: taskId, attempt }, context);
}
