import {
  batchRequestState,
  findCachedResponse,
  recordPaidCall,
  reserveBatchRequest,
  type Db,
  type Masterplan,
} from '@mge/db';
import {
  BATCH_PRICE_FACTOR,
  chooseModel,
  costOf,
  estimateTokens,
  promptHash,
  type CallChannel,
  type GenerateRequest,
  type GenerateResult,
} from '@mge/llm';
import type { EnqueueRequest, PlanEvent } from '@mge/queue';
import { effects, type Effects } from '../runtime/effects.js';
import type { Resources } from '../runtime/resources.js';

/** What one call writes: an atom (v2) or, in MVP mode, a whole task (its file's drafted code). */
export interface LlmSubject {
  /** `test`: a designed test file (its usage is the plan's: no atom or task owns it). */
  kind: 'atom' | 'task' | 'test';
  id: string;
  file: string;
  draftCode: string;
  complexity: number;
}

export interface PreparedCall {
  model: string;
  system: string;
  prompt: string;
  hash: string;
  /** `batch`: submitted to the provider's batch API at half price, answered later. */
  channel: CallChannel;
  /** Upper estimate of this call's cost, for the budget check before paying. */
  estimate: { tokens: number; dollars: number };
}

/** Picks the model by complexity and estimates the cost (`estimateTokens`: an answer up to twice the draft). */
export function pricedCall(
  r: Resources,
  { system, prompt }: { system: string; prompt: string },
  subject: Pick<LlmSubject, 'complexity' | 'draftCode'>,
  /**
   * Keeps the response cache to one owner (as the planner's calls are): the same prompt elsewhere
   * is asked afresh. @defaultValue none: the same prompt anywhere reuses the paid answer
   */
  cacheScope?: string,
): PreparedCall {
  const model = chooseModel(subject.complexity, r.config.llm.models);
  // The same estimate the fleet-wide rate limiter reserves (one rule, in @mge/llm).
  const { inputTokens, outputTokens } = estimateTokens({
    system,
    prompt,
    draftCode: subject.draftCode,
  });
  const usage = { inputTokens, outputTokens, cachedTokens: 0, cacheWriteTokens: 0 };
  return {
    model,
    system,
    prompt,
    hash: promptHash({ model, system, prompt: cacheScope ? `${cacheScope}\n${prompt}` : prompt }),
    channel: 'standard',
    estimate: {
      tokens: inputTokens + outputTokens,
      dollars: costOf(usage, model, r.config.llm.prices).dollars,
    },
  };
}

/**
 * Which way this attempt's call goes. With `MGE_LLM_BATCH=first-attempts` (a batch accumulator in
 * the resources) a first attempt goes through the batch API (`batch`, estimated at the batch
 * price), unless its prompt is already there (`waiting`: its answer will come) or the batch gave
 * it none (`standard`: call directly). Retries always call directly.
 */
export async function chooseChannel(
  r: Resources,
  call: PreparedCall,
  attempt: number,
): Promise<PreparedCall | 'waiting'> {
  if (!r.batcher || attempt !== 1) return call;
  const state = await batchRequestState(r.db, call.hash, call.model);
  if (state === 'waiting') return 'waiting';
  if (state === 'errored') return call;
  const { tokens, dollars } = call.estimate;
  return { ...call, channel: 'batch', estimate: { tokens, dollars: dollars * BATCH_PRICE_FACTOR } };
}

/** A call's outcome: the answer (paid now or earlier), or submitted to a batch (settles later). */
export type LlmAnswer =
  | { kind: 'answered'; text: string; latencyMs: number; cached: boolean; effects?: Effects }
  | { kind: 'batched' };

/**
 * Asks the LLM unless the same model already answered the same prompt (a re-run after a crash,
 * or a batch's answer collected by the poller, reuses the paid answer). A `batch` call reserves
 * the prompt in Postgres and hands it to this process's batch accumulator, returning once the
 * batch's id is recorded: the poller pays and settles it later. A paid call is recorded once per
 * (atom or task, attempt) with its cost; the returned effects carry its cost event (none for a
 * cached answer).
 */
export async function callLlm(
  r: Resources,
  plan: Masterplan,
  subject: LlmSubject,
  attempt: number,
  call: PreparedCall,
  signal: AbortSignal,
  {
    lookedUp,
    job,
  }: {
    /** The cache already read for this call (with the claim): its answer, undefined for none. */
    lookedUp?: { cached: unknown };
    /** A `batch` call: the job the poller enqueues again (default: the atom's or task's own). */
    job?: EnqueueRequest;
  } = {},
): Promise<LlmAnswer> {
  const cached = (
    lookedUp ? lookedUp.cached : await findCachedResponse(r.db, call.hash, call.model)
  ) as GenerateResult | undefined;
  if (cached) return { kind: 'answered', text: cached.text, latencyMs: 0, cached: true };
  const request: GenerateRequest = {
    planId: plan.id,
    atomId: subject.id,
    file: subject.file,
    system: call.system,
    prompt: call.prompt,
    draftCode: subject.draftCode,
    complexity: subject.complexity,
    attempt,
    model: call.model,
  };
  if (call.channel === 'batch' && r.batcher) {
    const reserved = await reserveBatchRequest(
      r.db,
      {
        tenantId: plan.tenantId,
        planId: plan.id,
        ...ownerOf(subject),
        ...(job ? { job: { queue: job.queue, payload: job.payload } } : {}),
        attempt,
        promptHash: call.hash,
        model: call.model,
      },
      r.batcher.leaseMs,
    );
    // Not reserved: another process holds or submitted the same prompt; its answer will come.
    if (reserved) await r.batcher.add(reserved, request);
    return { kind: 'batched' };
  }
  const startedAt = new Date();
  const result = await r.llm.generate({ ...request, signal });
  const latencyMs = Date.now() - startedAt.getTime();
  const cost = await recordAnswer(r, r.db, {
    plan,
    subject,
    attempt,
    call,
    result,
    startedAt,
    latencyMs,
  });
  return { kind: 'answered', text: result.text, latencyMs, cached: false, effects: cost };
}

/** The usage row's owner: the atom or task, or none (the plan's own call, e.g. a test design). */
function ownerOf(subject: Pick<LlmSubject, 'kind' | 'id'>): { atomId?: string; taskId?: string } {
  if (subject.kind === 'atom') return { atomId: subject.id };
  return subject.kind === 'task' ? { taskId: subject.id } : {};
}

/** One paid answer as it is recorded, wherever it came from (a direct call or a batch). */
export interface PaidAnswer {
  plan: { id: string; tenantId: string | null };
  subject: Pick<LlmSubject, 'kind' | 'id'>;
  attempt: number;
  call: Pick<PreparedCall, 'hash' | 'model' | 'channel'>;
  result: GenerateResult;
  startedAt: Date;
  latencyMs: number;
}

/**
 * Records a paid answer in one statement (the answer cached under its prompt hash, its usage row
 * priced for its channel, the plan's spending) and returns its cost event. `db` may be a
 * transaction (the batch poller settles its request row in the same one).
 */
export async function recordAnswer(
  r: Pick<Resources, 'config' | 'llm'>,
  db: Db,
  { plan, subject, attempt, call, result, startedAt, latencyMs }: PaidAnswer,
): Promise<Effects> {
  const owner = ownerOf(subject);
  const usage = { ...paidUsage(r, result, startedAt, call.channel), latencyMs };
  const totals = await recordPaidCall(db, {
    promptHash: call.hash,
    model: call.model,
    response: result,
    usage: { ...usage, tenantId: plan.tenantId, planId: plan.id, ...owner, attempt },
  });
  return effects(plan.id, {
    events: [{ ...costEvent(result, usage.dollars, attempt, totals), ...owner }],
  });
}

/** The live `cost` event of one paid answer, with the payer's totals including it. */
export function costEvent(
  result: GenerateResult,
  dollars: number,
  attempt: number,
  totals: { spentDollars: number; spentTokens: number },
): Extract<PlanEvent, { type: 'cost' }> {
  const { inputTokens, outputTokens, cachedTokens, cacheWriteTokens } = result.usage;
  return {
    type: 'cost',
    attempt,
    model: result.model,
    dollars,
    tokens: inputTokens + outputTokens + cachedTokens + cacheWriteTokens,
    simulated: result.simulated,
    spentDollars: totals.spentDollars,
    spentTokens: totals.spentTokens,
  };
}

/**
 * The usage row of one paid answer (what it cost by the price table, for its channel), without
 * its owner.
 */
export function paidUsage(
  r: Pick<Resources, 'config' | 'llm'>,
  result: GenerateResult,
  startedAt: Date,
  channel: CallChannel = 'standard',
) {
  return {
    model: result.model,
    provider: r.llm.name,
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    cachedTokens: result.usage.cachedTokens,
    cacheWriteTokens: result.usage.cacheWriteTokens,
    dollars: costOf(result.usage, result.model, r.config.llm.prices, channel).dollars,
    simulated: result.simulated,
    channel,
    startedAt,
    latencyMs: Date.now() - startedAt.getTime(),
  };
}
