import type { Diagnostic } from '@mge/core';
import {
  blockDependents,
  claimAttempt,
  completeAttempt,
  decrementAtomsRemaining,
  findAtom,
  findPlan,
  openReview,
  recordValidation,
  rejectAttempt,
  releaseCurrentWave,
  releaseDependents,
  settleInWaves,
  transitionPlan,
  type AtomicUnit,
  type Db,
  type Masterplan,
} from '@mge/db';
import { enqueue, enqueueMany, type JobContext, type Payload, type PlanEvent } from '@mge/queue';
import { validateAtom } from '@mge/validation';
import { atomEvents, planEvent, publishProgress } from '../progress.js';
import type { Resources } from '../resources.js';
import { atomSubject, budgetExceeded, callLlm, prepareCall } from './llm-call.js';
import { finishGeneration } from './settle-atom.js';
import { spliceContext } from './splice-context.js';

/**
 * generate(atom, attempt): prompt the LLM with the atom's spec, its validated prerequisites and the
 * latest error (a cached answer is reused); L1-validate the answer in place; then validated ->
 * release dependents, or retry with feedback, or (last attempt) fail, block dependents and open a
 * human review. Only plans in `generating` do work: paused or cancelled plans leave atoms as they are.
 */
export async function generateAtom(
  r: Resources,
  { planId, atomId, attempt }: Payload<'generate'>,
  { logger, signal }: JobContext,
): Promise<void> {
  const [plan, draft] = await Promise.all([findPlan(r.db, planId), findAtom(r.db, atomId)]);
  if (plan?.status !== 'generating' || !draft) return;
  const call = await prepareCall(r, plan, draft, attempt);
  const exceeded = budgetExceeded(plan, call);
  if (exceeded) {
    // The atom stays `ready`: `resume` (or the reconciler) enqueues it again.
    if (await transitionPlan(r.db, planId, ['generating'], 'paused', { error: exceeded })) {
      logger.warn({ reason: exceeded }, 'plan paused: budget');
      await publishProgress(r, planId, [planEvent('paused', exceeded)]);
    }
    return;
  }
  const atom = await claimAttempt(r.db, atomId, attempt);
  if (!atom) {
    logger.info('nothing to do: attempt already settled');
    return;
  }
  await publishProgress(r, planId, atomEvents([atomId], 'running', attempt));
  // The file around the atom loads while the LLM answers.
  const [context, { text, latencyMs }] = await Promise.all([
    spliceContext(r.db, atom),
    callLlm(r, plan, atomSubject(atom), attempt, call, signal),
  ]);
  const diagnostics = validateAtom({ file: atom.file, ...context, candidate: text });
  await recordValidation(r.db, [
    {
      masterplanId: planId,
      atomId,
      level: 'atom',
      scope: atom.file,
      passed: diagnostics.length === 0,
      diagnostics,
      durationMs: latencyMs,
    },
  ]);
  if (diagnostics.length === 0) await accept(r, plan, atom, attempt, text);
  else await reject(r, plan, atom, attempt, diagnostics);
  logger.debug({ attempt, passed: diagnostics.length === 0 }, 'atom attempt settled');
}

interface Settled {
  ready: string[];
  remaining: number;
}

async function accept(
  r: Resources,
  plan: Masterplan,
  atom: AtomicUnit,
  attempt: number,
  code: string,
): Promise<void> {
  const outcome = await r.db.transaction(async (tx): Promise<Settled | undefined> => {
    if (!(await completeAttempt(tx, atom.id, attempt, code))) return undefined;
    const ready = await releaseDependents(tx, atom, plan.scheduling);
    return settle(tx, plan, [atom.id], ready);
  });
  if (outcome) await afterSettle(r, plan.id, outcome, atomEvents([atom.id], 'validated', attempt));
}

async function reject(
  r: Resources,
  plan: Masterplan,
  atom: AtomicUnit,
  attempt: number,
  diagnostics: Diagnostic[],
): Promise<void> {
  const final = attempt >= r.config.maxAttempts;
  const outcome = await r.db.transaction(
    async (tx): Promise<(Settled & { blocked: string[] }) | null | undefined> => {
      if (
        !(await rejectAttempt(tx, atom.id, attempt, {
          final,
          level: 'atom',
          diagnostics,
          errorCategory: 'syntax',
        }))
      )
        return undefined;
      if (!final) return null;
      await openReview(
        tx,
        plan.id,
        atom.id,
        `failed L1 validation on all ${attempt} attempts: ${diagnostics[0]?.message ?? ''}`,
      );
      const blocked = await blockDependents(tx, plan.id, atom.id);
      return { ...(await settle(tx, plan, [atom.id, ...blocked], [])), blocked };
    },
  );
  if (outcome === null) {
    await publishProgress(r, plan.id, atomEvents([atom.id], 'ready', attempt));
    await enqueue(r.queues, 'generate', { planId: plan.id, atomId: atom.id, attempt: attempt + 1 });
  } else if (outcome)
    await afterSettle(r, plan.id, outcome, [
      ...atomEvents([atom.id], 'failed', attempt),
      ...atomEvents(outcome.blocked, 'blocked'),
    ]);
}

/** Counts settled atoms down (plan and, for waves scheduling, their waves) in the caller's transaction. */
async function settle(
  tx: Db,
  plan: Masterplan,
  settled: string[],
  ready: string[],
): Promise<Settled> {
  const remaining = await decrementAtomsRemaining(tx, plan.id, settled.length);
  if (plan.scheduling === 'eager') return { ready, remaining };
  await settleInWaves(tx, plan.id, settled);
  return { ready: await releaseCurrentWave(tx, plan.id), remaining };
}

/** Publishes the settled atoms' events and the released ones, then enqueues and maybe finishes. */
async function afterSettle(
  r: Resources,
  planId: string,
  { ready, remaining }: Settled,
  settled: PlanEvent[],
): Promise<void> {
  await publishProgress(r, planId, [...settled, ...atomEvents(ready, 'ready', 0)]);
  await enqueueMany(
    r.queues,
    'generate',
    ready.map((atomId) => ({ planId, atomId, attempt: 1 })),
  );
  if (remaining === 0) await finishGeneration(r, planId);
}
