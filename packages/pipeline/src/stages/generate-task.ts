import { MVP_MAX_ATTEMPTS, type Diagnostic } from '@mge/core';
import {
  claimTaskAttempt,
  countTasksByStatus,
  decrementTasksRemaining,
  failPlan,
  findPlan,
  findTask,
  listOpenTasks,
  listTaskDependencies,
  recordValidation,
  settleTaskAttempt,
  transitionPlan,
  type Masterplan,
  type MasterplanTask,
} from '@mge/db';
import { buildTaskPrompt } from '@mge/llm';
import { enqueue, enqueueAgain, type JobContext, type Payload } from '@mge/queue';
import { validateAtom } from '@mge/validation';
import { planEvent, publishProgress, taskEvent } from '../progress.js';
import type { Resources } from '../resources.js';
import {
  budgetExceeded,
  callLlm,
  pricedCall,
  type LlmSubject,
  type PreparedCall,
} from './llm-call.js';

/**
 * MVP mode, generate-task(task, attempt): one LLM call writes the task's whole file (its draft as
 * the spec, the drafts of the tasks it depends on as context, the latest error on the retry);
 * L1 checks the answer (the file parses, no new forbidden construct). Pass: the task is generated,
 * and the last one moves the plan to validation. Fail: one retry with the error, then the task and
 * its plan fail with the reason (MVP has no review queue; `POST /api/v1/task/:id/retry` reopens).
 */
export async function generateTask(
  r: Resources,
  { planId, taskId, attempt }: Payload<'generate-task'>,
  { logger, signal }: JobContext,
): Promise<void> {
  const [plan, draft] = await Promise.all([findPlan(r.db, planId), findTask(r.db, taskId)]);
  if (plan?.status !== 'generating' || !draft) return;
  const call = await prepareTaskCall(r, plan, draft, attempt);
  const exceeded = budgetExceeded(plan, call);
  if (exceeded) {
    if (await transitionPlan(r.db, planId, ['generating'], 'paused', { error: exceeded }))
      await publishProgress(r, planId, [planEvent('paused', exceeded)]);
    return;
  }
  const task = await claimTaskAttempt(r.db, taskId, attempt);
  if (!task) {
    logger.info('nothing to do: attempt already settled');
    return;
  }
  await publishProgress(r, planId, [taskEvent(task.id, 'running', attempt)]);
  const { text, latencyMs } = await callLlm(r, plan, taskSubject(task), attempt, call, signal);
  const diagnostics = validateAtom({
    file: task.file,
    fileText: task.code,
    start: 0,
    end: task.code.length,
    candidate: text,
  });
  await recordValidation(r.db, [
    {
      masterplanId: planId,
      level: 'atom',
      scope: task.file,
      passed: diagnostics.length === 0,
      diagnostics,
      durationMs: latencyMs,
    },
  ]);
  if (diagnostics.length === 0) await accept(r, plan, task, attempt, text);
  else await reject(r, plan, task, attempt, diagnostics);
  logger.debug({ attempt, passed: diagnostics.length === 0 }, 'task attempt settled');
}

/** A task as what one call writes: its whole file (complexity 1: the small model, as classic MVP did). */
function taskSubject(task: MasterplanTask): LlmSubject {
  return { kind: 'task', id: task.id, file: task.file, draftCode: task.code, complexity: 1 };
}

/** The task prompt, priced like an atom's. */
async function prepareTaskCall(
  r: Resources,
  plan: Masterplan,
  task: MasterplanTask,
  attempt: number,
): Promise<PreparedCall> {
  const dependencies = await listTaskDependencies(r.db, task);
  const prompt = buildTaskPrompt({
    planName: plan.name,
    planDigest: plan.input.description ?? '',
    file: task.file,
    title: task.title,
    description: task.description,
    draftCode: task.code,
    dependencies,
    attempt,
    // Feedback from attempt 2 on: the latest error only.
    lastError: attempt > 1 ? (task.error ?? undefined) : undefined,
  });
  return pricedCall(r, prompt, taskSubject(task));
}

async function accept(
  r: Resources,
  plan: Masterplan,
  task: MasterplanTask,
  attempt: number,
  code: string,
): Promise<void> {
  const remaining = await r.db.transaction(async (tx) => {
    if (!(await settleTaskAttempt(tx, task.id, attempt, { status: 'generated', code })))
      return undefined;
    return decrementTasksRemaining(tx, plan.id);
  });
  if (remaining === undefined) return;
  await publishProgress(r, plan.id, [taskEvent(task.id, 'generated', attempt)]);
  if (remaining === 0) await finishTasks(r, plan);
}

async function reject(
  r: Resources,
  plan: Masterplan,
  task: MasterplanTask,
  attempt: number,
  diagnostics: Diagnostic[],
): Promise<void> {
  // A retry granted by `POST /api/v1/task/:id/retry` runs past the budget and is final too.
  const final = attempt >= MVP_MAX_ATTEMPTS;
  const error = diagnostics
    .map((d) => (d.line ? `line ${d.line}: ${d.message}` : d.message))
    .join('\n');
  const reason = `task "${task.key}" failed L1 validation on attempt ${attempt}: ${diagnostics[0]?.message ?? ''}`;
  const outcome = await r.db.transaction(async (tx) => {
    const status = final ? 'failed' : 'pending';
    if (!(await settleTaskAttempt(tx, task.id, attempt, { status, error }))) return undefined;
    if (!final) return { planFailed: false };
    // Settled for good: counted down so that a retry can count it up again.
    await decrementTasksRemaining(tx, plan.id);
    return { planFailed: await failPlan(tx, plan.id, reason) };
  });
  if (!outcome) return;
  await publishProgress(r, plan.id, [
    taskEvent(task.id, final ? 'failed' : 'pending', attempt),
    ...(outcome.planFailed ? [planEvent('failed', reason)] : []),
  ]);
  if (!final)
    await enqueue(r.queues, 'generate-task', {
      planId: plan.id,
      taskId: task.id,
      attempt: attempt + 1,
    });
}

/**
 * Every task is settled: validate the plan, unless a task failed while another one was being
 * retried (then the plan fails again, naming them).
 */
async function finishTasks(r: Resources, plan: Masterplan): Promise<void> {
  const failed = (await countTasksByStatus(r.db, plan.id)).failed ?? 0;
  if (failed > 0) {
    const reason = `${failed} task(s) failed every attempt; retry them with POST /api/v1/task/:id/retry`;
    if (await failPlan(r.db, plan.id, reason))
      await publishProgress(r, plan.id, [planEvent('failed', reason)]);
    return;
  }
  if (!(await transitionPlan(r.db, plan.id, ['generating'], 'validating'))) return;
  await publishProgress(r, plan.id, [planEvent('validating')]);
  const round = (await findPlan(r.db, plan.id))?.validationRound ?? plan.validationRound;
  await enqueue(r.queues, 'validate', { planId: plan.id, round });
}

/**
 * Enqueues what a generating MVP plan waits for, from Postgres: pending tasks for their next
 * attempt, running ones for the same attempt, and validation when nothing is left. Jobs that ran
 * while the plan was paused or failed did nothing, so they are enqueued again under their id.
 */
export async function requeueTasks(r: Resources, plan: Masterplan): Promise<number> {
  const open = await listOpenTasks(r.db, plan.id);
  await enqueueAgain(
    r.queues,
    'generate-task',
    open.map((t) => ({
      planId: plan.id,
      taskId: t.id,
      attempt: t.status === 'pending' ? t.attempt + 1 : t.attempt,
    })),
  );
  if (open.length === 0) await finishTasks(r, plan);
  return open.length;
}
