import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { PLAN_TRANSITIONS } from '@mge/core';
import type { Db } from '../client.js';
import { masterplans, masterplanTasks, type MasterplanTask } from '../schema/index.js';
import { appendHistory } from './plans.js';

/**
 * A task's attempts: MVP mode's (a task generated whole) and V2 drafting's (a task without code
 * drafted). Conditional updates keyed by (status, attempt) make a re-delivered job a no-op, as for
 * atoms.
 */

/**
 * The statuses a task's attempts move through: `generate` (MVP: the whole task generated) and
 * `draft` (a V2 task without code drafted before atomization).
 */
const TASK_ATTEMPTS = {
  generate: { waiting: 'pending', running: 'running' },
  draft: { waiting: 'undrafted', running: 'drafting' },
} as const;
export type TaskAttemptKind = keyof typeof TASK_ATTEMPTS;

/**
 * waiting -> running with `attempt` (`pending` -> `running`, or `undrafted` -> `drafting`); a
 * re-delivery of the same attempt (after a crash) takes its own running attempt over. Returns the
 * claimed task, or undefined when the attempt is settled.
 */
export async function claimTaskAttempt(
  db: Db,
  taskId: string,
  attempt: number,
  kind: TaskAttemptKind = 'generate',
): Promise<MasterplanTask | undefined> {
  const { waiting, running } = TASK_ATTEMPTS[kind];
  const [task] = await db
    .update(masterplanTasks)
    .set({ status: running, attempt })
    .where(
      and(
        eq(masterplanTasks.id, taskId),
        or(
          and(eq(masterplanTasks.status, waiting), eq(masterplanTasks.attempt, attempt - 1)),
          and(eq(masterplanTasks.status, running), eq(masterplanTasks.attempt, attempt)),
        ),
      ),
    )
    .returning();
  return task;
}

/** How an attempt settles: its answer accepted, another attempt due, or failed for good. */
export type TaskAttemptOutcome =
  | { status: 'generated' | 'drafted'; code: string }
  | { status: 'pending' | 'undrafted' | 'failed'; error: string };

/**
 * Settles a running attempt: `generated` stores the answer as the generated code (MVP); `drafted`
 * stores it as the task's code, ready to atomize (`pending`); `pending` / `undrafted` (another
 * attempt is due) or `failed` keep the error. Returns whether this call settled it.
 */
export async function settleTaskAttempt(
  db: Db,
  taskId: string,
  attempt: number,
  outcome: TaskAttemptOutcome,
  kind: TaskAttemptKind = 'generate',
): Promise<boolean> {
  const rows = await db
    .update(masterplanTasks)
    .set(
      'code' in outcome
        ? outcome.status === 'generated'
          ? { status: 'generated', generatedCode: outcome.code, error: null }
          : { status: 'pending', code: outcome.code, error: null }
        : { status: outcome.status, error: outcome.error },
    )
    .where(
      and(
        eq(masterplanTasks.id, taskId),
        eq(masterplanTasks.status, TASK_ATTEMPTS[kind].running),
        eq(masterplanTasks.attempt, attempt),
      ),
    )
    .returning({ id: masterplanTasks.id });
  return rows.length > 0;
}

/** The files (drafted code) of the tasks a task depends on: its prompt's context. */
export function listTaskDependencies(
  db: Db,
  task: Pick<MasterplanTask, 'masterplanId' | 'dependsOn'>,
): Promise<{ file: string; code: string }[]> {
  if (task.dependsOn.length === 0) return Promise.resolve([]);
  return db
    .select({ file: masterplanTasks.file, code: masterplanTasks.code })
    .from(masterplanTasks)
    .where(
      and(
        eq(masterplanTasks.masterplanId, task.masterplanId),
        inArray(masterplanTasks.key, task.dependsOn),
      ),
    )
    .orderBy(masterplanTasks.ordinal);
}

/** Tasks not yet generated: what a generating MVP plan waits for. */
export function listOpenTasks(db: Db, planId: string): Promise<MasterplanTask[]> {
  return db
    .select()
    .from(masterplanTasks)
    .where(
      and(
        eq(masterplanTasks.masterplanId, planId),
        inArray(masterplanTasks.status, ['pending', 'running']),
      ),
    );
}

/**
 * `POST /api/v1/task/:id/retry`: a failed MVP plan goes back to generating with one more task to
 * generate and a new validation round; the task goes back to pending keeping its attempt count,
 * so its next attempt is one beyond the budget (and final). The task keeps its error (else the
 * plan's) as the next prompt's feedback, which also keeps that prompt apart from cached ones.
 * Returns whether both moved.
 */
export async function reopenTaskForRetry(
  db: Db,
  task: MasterplanTask,
  plan: { id: string; error: string | null },
): Promise<boolean> {
  const planId = plan.id;
  const [reopened] = await db
    .update(masterplanTasks)
    .set({ status: 'pending', error: task.error ?? plan.error })
    .where(and(eq(masterplanTasks.id, task.id), eq(masterplanTasks.status, task.status)))
    .returning({ id: masterplanTasks.id });
  if (!reopened) return false;
  const [reopenedPlan] = await db
    .update(masterplans)
    .set({
      status: PLAN_TRANSITIONS.retryTask.to,
      error: null,
      completedAt: null,
      tasksRemaining: sql`${masterplans.tasksRemaining} + 1`,
      validationRound: sql`${masterplans.validationRound} + 1`,
    })
    .where(
      and(
        eq(masterplans.id, planId),
        inArray(masterplans.status, [...PLAN_TRANSITIONS.retryTask.from]),
      ),
    )
    .returning({ id: masterplans.id });
  if (!reopenedPlan) return false;
  await appendHistory(db, planId, 'task:retry', { taskId: task.id, attempt: task.attempt + 1 });
  return true;
}
