import type { Config } from '@mge/config';
import type { Diagnostic, PlanStatus } from '@mge/core';
import {
  findPlanKeepingInput,
  recordValidation,
  transitionPlan,
  type Db,
  type Masterplan,
  type NewValidationResult,
} from '@mge/db';
import type { EnqueueRequest, JobContext, PlanEvent } from '@mge/queue';
import { applyEffects } from '../runtime/apply-effects.js';
import { effects, type Effects } from '../runtime/effects.js';
import { planEvent } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';
import { decideAttempt } from './attempt-decision.js';
import {
  callLlm,
  chooseChannel,
  pricedCall,
  type LlmSubject,
  type PreparedCall,
} from './llm-call.js';

/**
 * What differs between the things one LLM call writes (a V2 atom, an MVP task's whole file, and
 * the planner's task drafts). The engine owns the steps they share: load, budget, claim,
 * call (through the response cache and the paid-call ledger), check, settle.
 */
export interface GenerationAdapter<S> {
  /**
   * The plan statuses in which this adapter's jobs do work (a paused or cancelled plan leaves
   * everything as it is). @defaultValue ['generating']
   */
  planStatus?: readonly PlanStatus[];
  /**
   * Whether a first attempt may go through the batch API when batch mode is on (`MGE_LLM_BATCH`).
   * @defaultValue always
   */
  batchable?(config: Config): boolean;
  /**
   * The job that runs an attempt, recorded with its batch request: the batch poller enqueues it
   * again once the batch has answered. @defaultValue the atom's `generate` job, or the MVP task's
   * `generate-task` job (the poller derives them from the request's atom or task)
   */
  job?(job: GenerationJob): EnqueueRequest;
  /**
   * Scopes the response cache (`pricedCall`): task drafts are the plan's own, so planning the same
   * requirements again drafts afresh, while a re-run of the same plan replays its paid answers.
   * @defaultValue none
   */
  cacheScope?(plan: Masterplan): string;
  /** Loads the subject as stored (of the job's plan); undefined when there is none (nothing to do). */
  load(db: Db, id: string, planId: string): Promise<S | undefined>;
  /**
   * `load` and the job's plan (`findPlanKeepingInput`) in one statement, where the adapter can:
   * undefined when either is missing. @defaultValue `load` and the plan read concurrently
   */
  loadWithPlan?(
    db: Db,
    id: string,
    planId: string,
  ): Promise<{ plan: Masterplan; subject: S } | undefined>;
  /** The call's identity: model routing, cost estimate, usage rows and cost events. */
  subject(subject: S): LlmSubject;
  /** The prompt of this attempt: stable prefix first, then the spec and the latest error only. */
  prompt(
    r: Resources,
    plan: Masterplan,
    subject: S,
    attempt: number,
  ): Promise<{ system: string; prompt: string }>;
  /** Claims the attempt (a conditional update); undefined when it is already settled. */
  claim(db: Db, subject: S, attempt: number): Promise<S | undefined>;
  /**
   * `claim` that also reads the call's response cache in the same statement, where the adapter
   * can: `cached` is the paid answer to the same prompt and model (undefined: none), which the
   * call then does not read again. @defaultValue `claim`, and the call reads the cache itself
   */
  claimLookingUp?(
    db: Db,
    subject: S,
    attempt: number,
    call: { promptHash: string; model: string },
  ): Promise<{ subject: S; cached: unknown } | undefined>;
  /** Progress of a claimed attempt. */
  running(subject: S, attempt: number): PlanEvent[];
  /**
   * Prepares the answer's check (loaded while the LLM answers) and returns it: diagnostics, none
   * when the answer is accepted. Atoms and tasks run L1; another adapter may check otherwise.
   */
  checker(db: Db, subject: S): Promise<(answer: string) => Diagnostic[]>;
  maxAttempts(config: Config): number;
  /**
   * Settle the attempt as decided, each a conditional update keyed by the attempt: undefined when
   * a re-run already settled it. `accept` (the common case: as few round trips as it can) writes
   * the check's validation row with the answer atomically itself: one statement or its own
   * transaction; `retry` and `fail` (with the check's diagnostics and the answer) run in the engine's transaction,
   * which has written the validation row.
   */
  accept(
    db: Db,
    plan: Masterplan,
    subject: S,
    attempt: number,
    code: string,
    validation: NewValidationResult,
  ): Promise<Effects | undefined>;
  retry: Settle<S, Rejection>;
  fail: Settle<S, Rejection>;
}

/** Why an attempt was refused: the check's diagnostics, and the answer they are about. */
export interface Rejection {
  diagnostics: readonly Diagnostic[];
  /** The model's answer (the atom's code as it came back), kept in the retry history. */
  answer: string;
}

/** One way an attempt settles: its effects, or undefined when it was already settled. */
export type Settle<S, Outcome> = (
  tx: Db,
  plan: Masterplan,
  subject: S,
  attempt: number,
  outcome: Outcome,
) => Promise<Effects | undefined>;

export interface GenerationJob {
  planId: string;
  /** The subject's id (atom, task, ...). */
  id: string;
  attempt: number;
}

/**
 * One generation attempt of any subject: only a plan in the adapter's status (`generating`, or
 * `drafting` for task drafts) does work (paused or cancelled
 * plans leave everything as it is). Budget check before paying (pause, the subject untouched),
 * claim, call (cancelled through the job's AbortSignal), check, then settle by `decideAttempt`
 * atomically with the check's validation row. A first attempt in batch mode stops after the
 * claim with its prompt submitted to a batch; the poller enqueues the same job again once the
 * answer is paid and cached, and that run settles it here like any other. Progress of the claim and of the paid call
 * is applied as it happens; the settlement's effects are returned for the role runner to apply.
 */
export async function runGeneration<S>(
  adapter: GenerationAdapter<S>,
  r: Resources,
  { planId, id, attempt }: GenerationJob,
  { logger, signal }: Pick<JobContext, 'logger' | 'signal'>,
): Promise<Effects | undefined> {
  const loaded = await loadWithPlan(adapter, r.db, id, planId);
  if (!loaded || !(adapter.planStatus ?? ['generating']).includes(loaded.plan.status))
    return undefined;
  const { plan, subject: draft } = loaded;
  const priced = pricedCall(
    r,
    await adapter.prompt(r, plan, draft, attempt),
    adapter.subject(draft),
    adapter.cacheScope?.(plan),
  );
  const call =
    adapter.batchable?.(r.config) === false ? priced : await chooseChannel(r, priced, attempt);
  if (call === 'waiting') {
    // Its prompt is in a batch: the poller re-runs this job once the answer is in the cache.
    logger.debug({ attempt }, 'waiting for a batch answer');
    return undefined;
  }
  const budget = decideAttempt({ phase: 'before-call', plan, estimate: call.estimate });
  if (budget.kind === 'pause-for-budget') {
    // The subject stays as it is: `resume` (or the reconciler) enqueues it again.
    if (!(await transitionPlan(r.db, planId, 'pause', { error: budget.reason }))) return undefined;
    logger.warn({ reason: budget.reason }, 'plan paused: budget');
    return effects(planId, { events: [planEvent('paused', budget.reason)] });
  }
  const claim = await claimAttempt(adapter, r.db, draft, attempt, call);
  if (!claim) {
    logger.info('nothing to do: attempt already settled');
    return undefined;
  }
  const { subject: claimed, lookedUp } = claim;
  await applyEffects(r, effects(planId, { events: adapter.running(claimed, attempt) }));
  const subject = adapter.subject(claimed);
  const [check, answer] = await Promise.all([
    adapter.checker(r.db, claimed),
    // The paid call's cost event goes out as soon as its transaction commits.
    callLlm(r, plan, subject, attempt, call, signal, {
      lookedUp,
      job: adapter.job?.({ planId, id, attempt }),
    }).then(async (answered) => {
      if (answered.kind === 'answered') await applyEffects(r, answered.effects);
      return answered;
    }),
  ]);
  if (answer.kind === 'batched') {
    // The attempt stays `running` with its prompt recorded in a submitted batch (Postgres): the
    // batch poller pays for the answer and enqueues this job again, which settles below.
    logger.debug({ attempt }, `${subject.kind} attempt submitted to a batch`);
    return undefined;
  }
  const diagnostics = check(answer.text);
  const decision = decideAttempt({
    phase: 'checked',
    attempt,
    maxAttempts: adapter.maxAttempts(r.config),
    diagnostics,
  });
  const validation = {
    masterplanId: planId,
    ...(subject.kind === 'atom' ? { atomId: subject.id } : {}),
    level: 'atom' as const,
    scope: subject.file,
    passed: decision.kind === 'accept',
    diagnostics,
    durationMs: answer.latencyMs,
  };
  const settled =
    decision.kind === 'accept'
      ? await adapter.accept(r.db, plan, claimed, attempt, answer.text, validation)
      : await r.db.transaction(async (tx) => {
          await recordValidation(tx, [validation]);
          const rejection = { diagnostics: decision.diagnostics, answer: answer.text };
          return decision.kind === 'retry-with-feedback'
            ? adapter.retry(tx, plan, claimed, attempt, rejection)
            : adapter.fail(tx, plan, claimed, attempt, rejection);
        });
  logger.debug({ attempt, decision: decision.kind }, `${subject.kind} attempt settled`);
  return settled;
}

/** The subject and its plan: in one statement where the adapter can, else two reads at once. */
async function loadWithPlan<S>(
  adapter: GenerationAdapter<S>,
  db: Db,
  id: string,
  planId: string,
): Promise<{ plan: Masterplan; subject: S } | undefined> {
  if (adapter.loadWithPlan) return adapter.loadWithPlan(db, id, planId);
  const [plan, subject] = await Promise.all([
    findPlanKeepingInput(db, planId),
    adapter.load(db, id, planId),
  ]);
  return plan && subject ? { plan, subject } : undefined;
}

/** The claim, with the call's response cache read in the same statement where the adapter can. */
async function claimAttempt<S>(
  adapter: GenerationAdapter<S>,
  db: Db,
  subject: S,
  attempt: number,
  call: PreparedCall,
): Promise<{ subject: S; lookedUp?: { cached: unknown } } | undefined> {
  if (!adapter.claimLookingUp) {
    const claimed = await adapter.claim(db, subject, attempt);
    return claimed && { subject: claimed };
  }
  const key = { promptHash: call.hash, model: call.model };
  const claimed = await adapter.claimLookingUp(db, subject, attempt, key);
  return claimed && { subject: claimed.subject, lookedUp: claimed };
}
