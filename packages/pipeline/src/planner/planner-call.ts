import { InvalidInputError } from '@mge/core';
import { findCachedResponse, findPlan, recordPaidCall } from '@mge/db';
import { chooseModel, promptHash, snippetSection, type GenerateResult } from '@mge/llm';
import { answerFeedback, parseModelAnswer, type PlannerPrompt } from '@mge/planner';
import type { PlanEvent } from '@mge/queue';
import type { z } from 'zod';
import { publishProgress } from '../runtime/progress.js';
import { costEvent, paidUsage } from '../stages/llm-call.js';
import { retrieveForPrompt } from '../stages/prompt-snippets.js';
import type { Resources } from '../runtime/resources.js';

/**
 * What a planner call is for: a discovery document (no plan yet), a plan being planned, or a
 * conversation with the requirements assistant.
 */
export type PlannerOwner =
  | { kind: 'discovery'; discoveryId: string; tenantId: string }
  | { kind: 'plan'; planId: string; tenantId: string }
  | { kind: 'conversation'; conversationId: string; tenantId: string };

/** A planner step that got no usable answer within its attempts; the reason is stored. */
export class PlannerGaveUpError extends InvalidInputError {
  constructor(
    readonly step: string,
    readonly reason: string,
  ) {
    super(`planner step "${step}" failed: ${reason}`);
  }
}

const ownerId = (o: PlannerOwner) =>
  o.kind === 'plan' ? o.planId : o.kind === 'discovery' ? o.discoveryId : o.conversationId;

export function plannerEvent(
  r: Resources,
  owner: PlannerOwner,
  event: Omit<Extract<PlanEvent, { type: 'planner' }>, 'type'>,
) {
  return publishProgress(r, ownerId(owner), [{ type: 'planner', ...event }]);
}

/**
 * One priced, ledgered call of the planner's model (the large one): a prompt this owner had
 * answered before is read from the response cache and costs nothing; a paid one is a usage event and counts toward
 * the plan's budget (or the discovery document's spending). A plan over its budget is not asked.
 */
async function plannerCall(
  r: Resources,
  owner: PlannerOwner,
  step: string,
  prompt: PlannerPrompt,
  attempt: number,
  signal: AbortSignal,
): Promise<GenerateResult> {
  const model = chooseModel(Number.POSITIVE_INFINITY, r.config.llm.models);
  // Scoped to the owner: a re-run of this job replays its paid answers, while planning the same
  // discovery again (a new plan) asks afresh instead of replaying another plan's answers.
  const hash = promptHash({
    model,
    system: prompt.system,
    prompt: `${owner.kind}:${ownerId(owner)}\n${prompt.prompt}`,
  });
  const cached = (await findCachedResponse(r.db, hash, model)) as GenerateResult | undefined;
  if (cached) return cached;
  if (owner.kind === 'plan') {
    const plan = await findPlan(r.db, owner.planId);
    if (plan?.budgetDollars != null && plan.spentDollars >= plan.budgetDollars)
      throw new PlannerGaveUpError(step, `the plan's budget of $${plan.budgetDollars} is spent`);
    if (plan?.budgetTokens != null && plan.spentTokens >= plan.budgetTokens)
      throw new PlannerGaveUpError(
        step,
        `the plan's budget of ${plan.budgetTokens} tokens is spent`,
      );
  }
  const startedAt = new Date();
  const result = await r.llm.generate({
    planId: ownerId(owner),
    atomId: ownerId(owner),
    file: `planner/${step}.json`,
    system: prompt.system,
    prompt: prompt.prompt,
    draftCode: '',
    complexity: Number.POSITIVE_INFINITY,
    attempt,
    model,
    maxTokens: r.config.planner.maxTokens,
    signal,
  });
  const usage = { ...paidUsage(r, result, startedAt), tenantId: owner.tenantId, attempt };
  const { dollars } = usage;
  const totals = await recordPaidCall(r.db, {
    promptHash: hash,
    model,
    response: result,
    usage:
      owner.kind === 'plan'
        ? { ...usage, planId: owner.planId }
        : owner.kind === 'discovery'
          ? { ...usage, discoveryId: owner.discoveryId }
          : { ...usage, conversationId: owner.conversationId },
  });
  await publishProgress(r, ownerId(owner), [costEvent(result, dollars, attempt, totals)]);
  return result;
}

export interface StepOptions {
  /** Runs before each attempt (e.g. counts it on the discovery document). */
  onAttempt?: () => Promise<unknown>;
  /** What the step is about, for live clients (e.g. "milestone 2 of 3: Loans"). */
  about?: string;
}

/**
 * Asks for one step's answer until it parses as `schema`: a truncated answer, a refusal, invalid
 * JSON or a schema mismatch is asked again with feedback naming the problem, up to
 * `config.planner.attempts`; then the step gives up with the last problem as the reason. Each
 * stage goes out on the owner's stream: started, calling (attempt N), cost, retrying with the
 * feedback, done or failed.
 */
export async function askUntilValid<S extends z.ZodType>(
  r: Resources,
  owner: PlannerOwner,
  step: string,
  build: (feedback: string | undefined) => PlannerPrompt,
  schema: S,
  signal: AbortSignal,
  options: StepOptions = {},
): Promise<z.output<S>> {
  let feedback: string | undefined;
  let last = '';
  const attempts = r.config.planner.attempts;
  await plannerEvent(r, owner, {
    step,
    status: 'started',
    ...(options.about ? { message: options.about } : {}),
  });
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await options.onAttempt?.();
    await plannerEvent(r, owner, { step, status: 'calling', attempt });
    const prompt = build(feedback && `Attempt ${attempt}. ${feedback}`);
    const answer = await plannerCall(r, owner, step, prompt, attempt, signal);
    const parsed = parseModelAnswer(answer.text, answer.stopReason, schema);
    if (parsed.ok) {
      await plannerEvent(r, owner, { step, status: 'done', attempt });
      return parsed.value;
    }
    last = parsed.problem;
    feedback = answerFeedback(parsed.kind, parsed.problem);
    r.logger.info({ step, attempt, kind: parsed.kind }, 'planner answer rejected');
    await plannerEvent(r, owner, {
      step,
      status: attempt < attempts ? 'retrying' : 'failed',
      attempt,
      message: parsed.problem,
    });
  }
  throw new PlannerGaveUpError(step, `no usable answer in ${attempts} attempts; last: ${last}`);
}

/**
 * Reference material for a planner owner's prompts: the tenant's earlier plans, the examples and
 * its documents retrieved for `query` within `MGE_RAG_TOKEN_BUDGET`, recorded for the discovery
 * document or the plan (as atom snippets are) so every step and re-run carries the same, rendered
 * as a prompt section ('' when retrieval is off or finds nothing).
 */
export async function plannerReference(
  r: Resources,
  owner: PlannerOwner,
  query: string,
  language?: string,
): Promise<string> {
  // A conversation's turns gather requirements; its discovery retrieves for them.
  if (owner.kind === 'conversation') return '';
  if (!r.rag) {
    await plannerEvent(r, owner, {
      step: 'retrieval',
      status: 'done',
      message: 'retrieval is off',
    });
    return '';
  }
  await plannerEvent(r, owner, { step: 'retrieval', status: 'started' });
  const snippets = await retrieveForPrompt(
    r,
    owner.kind === 'plan'
      ? { tenantId: owner.tenantId, masterplanId: owner.planId, language }
      : { tenantId: owner.tenantId, discoveryId: owner.discoveryId, language },
    {
      kind: owner.kind === 'plan' ? 'plan' : 'discovery',
      id: ownerId(owner),
      query,
      include: 'all',
    },
  );
  await plannerEvent(r, owner, {
    step: 'retrieval',
    status: 'done',
    message: `${snippets.length} snippet${snippets.length === 1 ? '' : 's'}`,
  });
  return snippetSection(snippets);
}
