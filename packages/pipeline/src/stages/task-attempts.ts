import {
  decrementTasksRemaining,
  settleTaskAttempt,
  transitionPlan,
  type MasterplanTask,
  type TaskAttemptKind,
} from '@mge/db';
import { effects } from '../runtime/effects.js';
import { planEvent, taskEvent } from '../runtime/progress.js';
import { feedbackText } from './attempt-decision.js';
import type { Rejection, Settle } from './generation-engine.js';

const ATTEMPT_QUEUE = { generate: 'generate-task', draft: 'draft' } as const;
const WAITING = { generate: 'pending', draft: 'undrafted' } as const;

/**
 * A task's attempt (MVP generation or drafting) failed its check with attempts left: back to
 * waiting with the diagnostics as the next prompt's feedback, and the next attempt's job.
 */
export function retryTaskAttempt(kind: TaskAttemptKind): Settle<MasterplanTask, Rejection> {
  return async (tx, plan, task, attempt, { diagnostics }) => {
    const error = feedbackText(diagnostics);
    const status = WAITING[kind];
    if (!(await settleTaskAttempt(tx, task.id, attempt, { status, error }, kind))) return undefined;
    return effects(plan.id, {
      events: [taskEvent(task.id, status, attempt)],
      jobs: [
        {
          queue: ATTEMPT_QUEUE[kind],
          payload: { planId: plan.id, taskId: task.id, attempt: attempt + 1 },
        },
      ],
    });
  };
}

/**
 * A task's attempt failed its check with no attempt left: the task fails, and its plan with the
 * reason (neither MVP generation nor drafting has a review queue). `countDown`: the task leaves
 * the plan's barrier counter (MVP, so that a task retry can count it up again).
 */
export function failTaskAttempt(
  kind: TaskAttemptKind,
  reason: (task: MasterplanTask, attempt: number, first: string) => string,
  countDown: boolean,
): Settle<MasterplanTask, Rejection> {
  return async (tx, plan, task, attempt, { diagnostics }) => {
    const error = feedbackText(diagnostics);
    if (!(await settleTaskAttempt(tx, task.id, attempt, { status: 'failed', error }, kind)))
      return undefined;
    if (countDown) await decrementTasksRemaining(tx, plan.id);
    const why = reason(task, attempt, diagnostics[0]?.message ?? '');
    const planFailed = await transitionPlan(tx, plan.id, 'fail', { error: why });
    return effects(plan.id, {
      events: [
        taskEvent(task.id, 'failed', attempt),
        ...(planFailed ? [planEvent('failed', why)] : []),
      ],
    });
  };
}
