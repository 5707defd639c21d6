import { listSubmittedBatches, settleBatchRequest, type LlmBatchRequest } from '@mge/db';
import type { BatchResult, BatchStatus, LlmBatches } from '@mge/llm';
import type { Closable, EnqueueRequest } from '@mge/queue';
import { applyEffects } from './apply-effects.js';
import { effects, type Effects } from './effects.js';
import { countUsage } from './metered-llm.js';
import type { Resources } from './resources.js';
import { recordAnswer, type PaidAnswer } from '../stages/llm-call.js';

/**
 * Collects the results of every ended batch recorded in Postgres (any process may have
 * submitted it; a restarted fleet finds them all). Each succeeded request is paid once: its row
 * moves `submitted -> answered` in the transaction that caches the answer and writes its usage
 * row at the batch price, so a second poller, or this one after a crash, skips it. Then the
 * attempt's own job is enqueued again: it finds the answer in the response cache and settles
 * through the generation engine (check, `decideAttempt`, accept or retry with feedback). A
 * request the batch did not answer (errored, canceled, expired) is marked `errored`, and its job
 * runs again calling the Messages API directly.
 */
export async function collectBatches(
  r: Resources,
  batches: LlmBatches,
): Promise<{ batches: number; answered: number; errored: number }> {
  const counts = { batches: 0, answered: 0, errored: 0 };
  for (const batchId of await listSubmittedBatches(r.db)) {
    try {
      const status = await batches.retrieve(batchId);
      if (status.status !== 'ended') continue;
      counts.batches++;
      for await (const result of batches.results(batchId)) {
        const settled = await settleResult(r, status, result);
        if (!settled) continue;
        counts[settled.outcome]++;
        if (result.type === 'succeeded')
          countUsage(r.metrics, r.llm.name, result.result, r.config.llm.prices, 'batch');
        await applyEffects(r, settled.effects);
      }
    } catch (err) {
      // One batch that cannot be read does not hold up the others; the next poll tries again.
      r.logger.warn({ err, batchId }, 'cannot collect an LLM batch; will retry');
    }
  }
  if (counts.batches > 0) r.logger.info(counts, 'LLM batch results collected');
  return counts;
}

async function settleResult(
  r: Resources,
  batch: BatchStatus,
  result: BatchResult,
): Promise<{ outcome: 'answered' | 'errored'; effects: Effects } | undefined> {
  if (result.type !== 'succeeded') {
    const row = await settleBatchRequest(r.db, result.customId, {
      state: 'errored',
      error: result.error,
    });
    if (!row) return undefined;
    r.logger.warn({ customId: row.id, error: result.error }, 'batch request not answered');
    return { outcome: 'errored', effects: effects(row.planId, { jobs: [attemptJob(row)] }) };
  }
  return r.db.transaction(async (tx) => {
    const row = await settleBatchRequest(tx, result.customId, { state: 'answered' });
    if (!row) return undefined;
    const startedAt = row.submittedAt ?? row.createdAt;
    const cost = await recordAnswer(r, tx, {
      plan: { id: row.planId, tenantId: row.tenantId },
      subject: subjectOf(row),
      attempt: row.attempt,
      call: { hash: row.promptHash, model: row.model, channel: 'batch' },
      result: result.result,
      startedAt,
      latencyMs: Math.max(0, (batch.endedAt ?? new Date()).getTime() - startedAt.getTime()),
    });
    return {
      outcome: 'answered' as const,
      effects: effects(row.planId, cost, { jobs: [attemptJob(row)] }),
    };
  });
}

/** Who pays: the atom, the task (an MVP task or a task draft), or the plan (a test design). */
function subjectOf(row: LlmBatchRequest): PaidAnswer['subject'] {
  if (row.atomId) return { kind: 'atom', id: row.atomId };
  return row.taskId ? { kind: 'task', id: row.taskId } : { kind: 'test', id: '' };
}

/**
 * The job of the request's attempt, enqueued again (it ran once already, to submit it): the one
 * recorded with the request (a task draft's or test design's `draft` job), else the atom's or MVP
 * task's own.
 */
function attemptJob(row: LlmBatchRequest): EnqueueRequest {
  const { planId, attempt } = row;
  // Validated against the queue catalog when enqueued.
  if (row.job) return { ...(row.job as EnqueueRequest), again: true };
  return row.atomId
    ? { queue: 'generate', payload: { planId, atomId: row.atomId, attempt }, again: true }
    : { queue: 'generate-task', payload: { planId, taskId: row.taskId!, attempt }, again: true };
}

/** Polls every `intervalMs` (each LLM role runs one when batch mode is on). */
export function startBatchPoller(r: Resources, batches: LlmBatches, intervalMs: number): Closable {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    running = collectBatches(r, batches)
      .catch((err: unknown) => r.logger.warn({ err }, 'batch poll failed; will retry'))
      .finally(() => (busy = false));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    name: 'batch-poller',
    close: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
